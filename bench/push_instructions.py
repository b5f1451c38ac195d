"""Instructions per single-visit push, counted by valgrind (callgrind): what a code change did to the server's work,
whatever else the machine is doing (other processes, the disk's fsync latency, the CPU's clock).

    .venv/bin/python bench/push_instructions.py [--pushes 200] [--tree /path/to/another/checkout ...]
                                                [--database-url postgresql+psycopg://...]

For each tree (default: this checkout), on a fresh database of its own (``bench/push_single.py``'s set-up: an area, an
officer with a bearer token, 50 hot spots): one Python process under ``valgrind --tool=callgrind`` creates that tree's
app (its ``fieldlog`` package first on the path), warms it up with 50 pushes through the app's test client (every
request runs the whole WSGI app: authentication, validation, the push, the commit, the response hooks), then sends
``--pushes`` single-visit pushes, each of which must be applied. It runs twice, once with 0 and once with ``--pushes``
pushes after the warm-up, both making the same request bodies (the client's work: until December 2026 the second run
alone made them, which added about 0.19 M instructions per visit at ``--batch 500``): the difference of the two totals,
divided by ``--pushes``, is the cost of one push, free of start-up and import work. gunicorn's own HTTP handling is not
in it (bench/push_single.py measures the whole thing, wall clock and CPU time).

Prints, per tree, the instructions per push (in millions) and the ratio to the first tree. With ``--batch 500`` each
push carries 500 visits and the figure is per visit: the batch ingest path (bench/ingest_ratio.py) without the load.
Needs valgrind; a few minutes of one core per tree.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from push_single import setup  # noqa: E402

# Run under valgrind with the tree's code first on the path: the app, the warm-up, then N pushes.
# fieldlog is imported before bench/ingest.py, which puts its own checkout first on sys.path: imported after it, every
# --tree ran this checkout's code. The child names where its fieldlog came from, and that is checked.
CHILD = r"""
import json, sys
import fieldlog
from fieldlog import create_app
from ingest import make_visits, push_bodies
print("fieldlog from", fieldlog.__file__, file=sys.stderr)

url, token, workdir, spots, n = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
batch, made = int(sys.argv[6]), int(sys.argv[7])
app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": workdir,
                  "RATELIMIT_STORAGE_URI": "memory://"})
client = app.test_client()
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
warm = push_bodies(make_visits(50, spots), 1)
# Both runs make the same bodies (``made`` pushes' worth) and push ``n`` of them: making them is the client's work.
bodies = push_bodies(make_visits(made * batch, spots), batch)[:n]
for body in warm + bodies:
    response = client.post("/api/v1/sync/push", data=body, headers=headers)
    assert response.status_code == 200 and b'"applied"' in response.get_data(), response.get_data()
"""

_TOTAL = re.compile(r"Collected\s*:\s*(\d+)")


def instructions(
    tree: Path, url: str, token: str, workdir: str, spots: list[dict], n: int, batch: int = 1, made: int | None = None
) -> int:
    # Metrics kept in files, as under gunicorn (gunicorn.conf.py sets the folder).
    metrics = tempfile.mkdtemp(prefix="metrics-", dir=workdir)
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(tree), str(ROOT / "bench")]), PROMETHEUS_MULTIPROC_DIR=metrics
    )
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-c",
        CHILD,
        url,
        token,
        workdir,
        json.dumps(spots),
        str(n),
        str(batch),
        str(n if made is None else made),
    ]
    done = subprocess.run(command, cwd=str(tree), env=env, capture_output=True, text=True)
    found = _TOTAL.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{tree}: the run under valgrind failed:\n{done.stderr[-3000:]}")
    if f"fieldlog from {tree / 'fieldlog' / '__init__.py'}" not in done.stderr:
        raise SystemExit(f"{tree}: the run did not use that checkout's fieldlog:\n{done.stderr[-3000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=200)
    parser.add_argument(
        "--batch", type=int, default=1, help="visits per push (500: the ingest path, counted per visit); default 1"
    )
    parser.add_argument("--tree", action="append", default=None, help="checkout(s) to count; default: this one")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]
    per_push = []
    with tempfile.TemporaryDirectory(prefix="fieldlog-instr-") as workdir:
        for i, tree in enumerate(trees):
            counts = []
            for n in (0, args.pushes):
                # A fresh database for each run, so that both start from the same state.
                url = args.database_url or f"sqlite:///{workdir}/instr{i}-{n}.sqlite3"
                token, spots = setup(url, workdir)
                counts.append(instructions(tree, url, token, workdir, spots, n, args.batch, made=args.pushes))
            per_push.append((counts[1] - counts[0]) / args.pushes / args.batch)
    kind = "PostgreSQL" if args.database_url else "SQLite"
    what = "single-visit push" if args.batch == 1 else f"visit, in pushes of {args.batch} visits"
    print(f"instructions per {what} (callgrind, in-process test client, {args.pushes} pushes; {kind}):")
    for tree, count in zip(trees, per_push, strict=True):
        print(f"  {count / 1e6:7.3f} M  ({count / per_push[0]:.3f} x the first)  {tree}")


if __name__ == "__main__":
    main()
