"""``fieldlog backup FILE`` and ``fieldlog restore FILE [--force]`` (``fieldlog/ops/backup.py``)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("backup", help="Write a consistent copy of the database to FILE while the app serves.")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file: str):
    from fieldlog.ops.backup import BackupError, backup

    try:
        outcome = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], file, current_app.config.get("PG_BIN_DIR"))
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    size = f"{outcome.bytes / 2**20:.1f} MiB"
    click.echo(f"Backed up the {outcome.database} database to {outcome.path} ({size}, {outcome.seconds:.1f} s).")


@click.command(
    "restore",
    help="Load a backup made by `fieldlog backup` into the database (which must hold no data unless --force), "
    "then check the coverage figures against the visits. Stop the app servers first.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace everything in a database that holds data.")
@with_appcontext
def restore_command(file: str, force: bool):
    from fieldlog.coverage.check import check
    from fieldlog.extensions import db
    from fieldlog.ops.backup import BackupError, restore

    db.session.remove()
    db.engine.dispose()  # no pooled connection of ours holds the database while it is replaced
    try:
        outcome = restore(
            current_app.config["SQLALCHEMY_DATABASE_URI"],
            file,
            force=force,
            pg_bin_dir=current_app.config.get("PG_BIN_DIR"),
        )
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Restored {outcome.path} into the {outcome.database} database ({outcome.seconds:.1f} s).")
    report = check(db.session)
    for difference in report.differences[:20]:
        click.echo(difference.describe(), err=True)
    if report.differences:
        click.echo(f"Coverage check: {len(report.differences)} of {report.days} days differ from the visits.")
        raise SystemExit(1)
    click.echo(f"Coverage check: all {report.days} coverage days equal a rebuild from the visits.")
