"""The ``fieldlog`` command group (SPEC §4): Flask's own commands, ``db`` from Flask-Migrate, and ours."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask.cli import FlaskGroup, with_appcontext

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _fail(field: str, message: str):
    raise click.UsageError(f"{field}: {message}")


@click.group("areas", help="Manage areas.")
def areas_group():
    pass


@areas_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The area's name, shown to people.")
@click.option("--timezone", "tz", default="Europe/Stockholm", show_default=True)
@click.option("--public-report", is_flag=True, help="Publish the aggregated public report.")
@with_appcontext
def areas_create(slug: str, name: str, tz: str, public_report: bool):
    from fieldlog.areas.models import Area
    from fieldlog.extensions import db
    from fieldlog.scope import area_by_slug

    if not SLUG.match(slug):
        _fail("SLUG", "use lower-case letters, digits and '-' (at most 64).")
    if not name.strip():
        _fail("--name", "must not be empty.")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        _fail("--timezone", f"unknown time zone {tz!r}.")
    if area_by_slug(slug) is not None:
        _fail("SLUG", f"an area {slug!r} exists already.")
    db.session.add(Area(slug=slug, name=name.strip(), timezone=tz, public_report=public_report))
    db.session.commit()
    click.echo(f"Created area {slug} ({name.strip()}, {tz}).")


@areas_group.command("set")
@click.argument("slug")
@click.option(
    "--public-report/--no-public-report",
    default=None,
    help="Publish the public report, or stop publishing it (unchanged when neither is given).",
)
@click.option(
    "--embed-origin",
    "embed_origins",
    multiple=True,
    metavar="ORIGIN",
    help="A site (https://host[:port]) that may show the public page in a frame; repeat for several. "
    "The list given replaces the area's list.",
)
@click.option("--no-embed-origins", is_flag=True, help="No site may embed the public page.")
@with_appcontext
def areas_set(slug: str, public_report: bool | None, embed_origins: tuple[str, ...], no_embed_origins: bool):
    from flask_babel import force_locale

    from fieldlog.areas.services import parse_origins, update_public_settings
    from fieldlog.errors import Invalid
    from fieldlog.extensions import db
    from fieldlog.scope import area_by_slug

    area = area_by_slug(slug)
    if area is None:
        _fail("SLUG", f"no area {slug!r}.")
    if no_embed_origins and embed_origins:
        _fail("--no-embed-origins", "give either --embed-origin or --no-embed-origins, not both.")
    origins = None
    if embed_origins:
        try:
            with force_locale("en"):  # the command line speaks English, as its other messages do
                origins = parse_origins(embed_origins)
        except Invalid as e:
            _fail("--embed-origin", " ".join(str(m) for m in e.fields["embed_origins"]))
    elif no_embed_origins:
        origins = []
    changed = update_public_settings(area, None, public_report=public_report, embed_origins=origins)
    db.session.commit()
    published = "published" if area.public_report else "not published"
    framed = ", ".join(area.embed_origins or []) or "none"
    verb = "Changed" if changed else "Unchanged"
    click.echo(f"{verb}: area {slug}, public report {published}, embed origins {framed}.")


@click.group("users", help="Manage users.")
def users_group():
    pass


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["officer", "supervisor", "admin"]))
@click.option("--area", "area_slug", help="The area's slug (officers and supervisors).")
@click.option("--password", help="Prompted for when not given.")
@click.option("--display-name", help="Name shown to people; defaults to the username.")
@click.option("--locale", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@with_appcontext
def users_create(username, role, area_slug, password, display_name, locale):
    from fieldlog.auth.services import AccountError, create_user
    from fieldlog.extensions import db
    from fieldlog.scope import area_by_slug

    area = None
    if area_slug:
        area = area_by_slug(area_slug)
        if area is None:
            _fail("--area", f"no area {area_slug!r}.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(username, password, role, area=area, display_name=display_name, locale=locale)
    except AccountError as e:
        db.session.rollback()
        _fail(f"--{e.field}" if e.field != "username" else "USERNAME", e.message)
    db.session.commit()
    where = f" in {area.slug}" if area else ""
    click.echo(f"Created {role} {user.username}{where}.")


@click.command("demo", help="Load the Svenljunga demo (safe to run twice).")
@with_appcontext
def demo_command():
    from fieldlog.demo import load_demo

    for line in load_demo():
        click.echo(line)


def register_commands(app) -> None:
    from fieldlog.ops.cli import backup_command, restore_command
    from fieldlog.surveys.cli import surveys_group

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(areas_group)
    app.cli.add_command(users_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(coverage_group)
    app.cli.add_command(surveys_group)


def _create_app():
    from fieldlog import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="fieldlog: the field log for hot-spot policing.")
def main():
    pass


@click.command(
    "purge", help="Remove the free text of visits (notes) and survey responses older than the retention period."
)
@click.option(
    "--older-than-months",
    type=click.IntRange(min=1),
    help="Retention in months (default: FIELDLOG_NOTES_RETENTION_MONTHS, 12).",
)
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@with_appcontext
def purge_command(older_than_months: int | None, dry_run: bool):
    from flask import current_app

    from fieldlog.extensions import db
    from fieldlog.surveys.retention import purge_improvements
    from fieldlog.visits.retention import purge_notes

    months = older_than_months or int(current_app.config["NOTES_RETENTION_MONTHS"])
    count = purge_notes(months, dry_run=dry_run)
    responses = purge_improvements(months, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        click.echo(f"{count} visits older than {months} months have notes that would be removed.")
        click.echo(f"{responses} survey responses older than {months} months have free text that would be removed.")
    else:
        db.session.commit()
        click.echo(f"Removed the notes of {count} visits older than {months} months.")
        click.echo(f"Removed the free text of {responses} survey responses older than {months} months.")


@click.group("coverage", help="Coverage figures kept per hot spot and day.")
def coverage_group():
    pass


def _coverage_command(name: str, help: str):
    """A ``fieldlog coverage`` command, run in the app context, for every area or the one named by ``--area``."""

    def decorate(function):
        function = click.option("--area", "area_slug", help="Only this area (default: every area).")(
            with_appcontext(function)
        )
        return coverage_group.command(name, help=help)(function)

    return decorate


@_coverage_command(
    "refresh",
    help="Bring the per-day coverage figures up to date now (after a bulk load or an upgrade); reads do it "
    "themselves for the days they show.",
)
def coverage_refresh(area_slug: str | None):
    from sqlalchemy import select

    from fieldlog.areas.models import Area
    from fieldlog.coverage.days import refresh
    from fieldlog.extensions import db

    query = select(Area).order_by(Area.slug)
    if area_slug is not None:
        query = query.where(Area.slug == area_slug)
    areas = db.session.scalars(query).all()
    if not areas:
        _fail("--area", f"No area {area_slug!r}.")
    for area in areas:
        drained = refresh(db.session, area.id, area.timezone)
        db.session.commit()
        click.echo(f"{area.slug}: {drained} queued changes applied.")


@_coverage_command(
    "check",
    help="Rebuild the per-day coverage figures from the visits in a transaction that is rolled back, and report "
    "every day that differs from the stored figures (exit status 1). Changes nothing.",
)
def coverage_check(area_slug: str | None):
    from fieldlog.coverage.check import check
    from fieldlog.extensions import db

    try:
        report = check(db.session, area_slug)
    except LookupError:
        _fail("--area", f"No area {area_slug!r}.")
    for difference in report.differences[:20]:
        click.echo(difference.describe(), err=True)
    if len(report.differences) > 20:
        click.echo(f"… and {len(report.differences) - 20} more.", err=True)
    areas = ", ".join(report.areas) or "no areas"
    if report.differences:
        click.echo(f"{areas}: {len(report.differences)} of {report.days} coverage days differ from a rebuild.")
        raise SystemExit(1)
    click.echo(f"{areas}: all {report.days} coverage days equal a rebuild from the visits.")
