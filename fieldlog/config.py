"""Configuration: defaults here, overridden by FIELDLOG_* environment variables, then by a test mapping."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from fieldlog import jsontext

DEFAULTS: dict[str, object] = {
    # FIELDLOG_DATABASE_URL; a SQLite file in the instance folder when unset.
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    # werkzeug's scrypt (N=32768, r=8, p=1). Tests use cheaper parameters; production keeps the default.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Bearer tokens slide: each use extends them by this many days.
    "TOKEN_TTL_DAYS": 30,
    # Sign-in throttling (SPEC §3): failures per username and per client address, counted in the database that
    # every worker and app server shares; or "redis://host:6379" (auth/throttle.py).
    "LOGIN_FAILURE_LIMIT": "10 per 15 minutes",
    "RATELIMIT_STORAGE_URI": "database",
    # Push limits (SPEC §3 rule 6).
    "MAX_PUSH_MUTATIONS": 500,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Visit validation windows (SPEC §2).
    "VISIT_MAX_FUTURE_MINUTES": 10,
    "VISIT_MAX_AGE_DAYS": 90,
    "VISIT_MAX_HOURS": 12,
    # Pull: how far back a snapshot reaches.
    "SNAPSHOT_DAYS": 30,
    "PULL_MAX_LIMIT": 1000,
    # Retention of free-text notes (months).
    "NOTES_RETENTION_MONTHS": 12,
    "BABEL_DEFAULT_LOCALE": "sv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Officer app map tiles (loaded only when the map is opened); TILE_HOSTS goes into the CSP's img-src.
    "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TILE_HOSTS": "https://tile.openstreetmap.org",
    # Survey candidate places (SPEC §7): a cluster of at least this many marks outside the active hot spots.
    "SURVEY_CANDIDATE_MIN_MARKS": 5,
    # Survey responses per client address (fieldlog/surveys/throttle.py): a school class over one network fits.
    "SURVEY_RESPONSE_LIMIT": "60 per 15 minutes",
    # A burst (marked suspect): more than this many web/API responses to one wave within the seconds before one.
    "SURVEY_BURST_RESPONSES": 20,
    "SURVEY_BURST_SECONDS": 60,
    # A kiosk's answers given while the wave was open are taken up to this many days after it closed.
    "SURVEY_KIOSK_UPLOAD_DAYS": 30,
    # Where the static files' compressed and content-hashed copies are built (fieldlog/static_files.py); by default
    # the checkout's instance/static-build.
    "STATIC_BUILD_DIR": None,
}

MAX_VISIT_HOURS = 23


def load(app, overrides: dict | None = None) -> None:
    """Fill app.config: defaults, then FIELDLOG_* variables, then overrides (tests)."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("FIELDLOG")
    if overrides:
        app.config.from_mapping(overrides)

    _private_dir(Path(app.instance_path))
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "fieldlog.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    _private_sqlite_file(app.config["DATABASE_URL"])
    # SQL parameters (usernames, notes, positions) never reach logs or error messages.
    engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    engine_options.setdefault("hide_parameters", True)
    # JSON columns written as json.dumps writes them, its C encoder made once (a push writes two per visit).
    engine_options.setdefault("json_serializer", jsontext.dumps)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    # Coverage adds up days on the premise that a visit never reaches two local days past its own (coverage/days.py).
    if not 0 < float(app.config["VISIT_MAX_HOURS"]) <= MAX_VISIT_HOURS:
        raise ValueError(f"FIELDLOG_VISIT_MAX_HOURS must be more than 0 and at most {MAX_VISIT_HOURS}.")


def _private_dir(path: Path) -> None:
    """The instance folder holds the secret key and the SQLite database: created for its owner only, and never left
    readable by everyone."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o007:
        path.chmod(stat.S_IMODE(info.st_mode) & ~0o007)


def _private_sqlite_file(url: str) -> None:
    """A SQLite database file is created readable and writable by its owner only (mode 0600) before SQLite opens it;
    SQLite gives its -wal and -shm files the same mode. An existing file readable by others is tightened."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            path.chmod(0o600)


def _instance_secret(path: Path) -> str:
    """A secret key generated once and kept in the instance folder, readable by its owner only."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key
