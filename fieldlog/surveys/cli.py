"""``fieldlog surveys``: the access codes of a codes wave, for mail merge (SPEC §7 CLI)."""

from __future__ import annotations

import csv
import os

import click
from flask.cli import with_appcontext

from fieldlog.surveys.codes import MAX_COUNT


@click.group("surveys", help="Survey waves (SPEC §7).")
def surveys_group():
    pass


@surveys_group.command("codes")
@click.argument("survey_id")
@click.option("--count", type=click.IntRange(1, MAX_COUNT), required=True, help="How many codes to make.")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), required=True, help="The CSV to write (must not exist yet)."
)
@with_appcontext
def codes_command(survey_id: str, count: int, out: str):
    """Make COUNT single-use codes for the codes wave SURVEY_ID and write them once to a new CSV (header ``code``).
    Only their hashes are stored: the file is the only copy of the codes."""
    from fieldlog.errors import NotFound
    from fieldlog.extensions import db
    from fieldlog.surveys.codes import make_codes
    from fieldlog.surveys.services import get_survey

    try:
        survey = get_survey(survey_id)
    except NotFound:
        raise click.UsageError(f"SURVEY_ID: no survey {survey_id!r}.") from None
    if survey.mode != "codes":
        raise click.UsageError("SURVEY_ID: the survey is open to anyone with the link; codes are for a codes wave.")
    try:
        # Created exclusively, readable by its owner only: the codes are as secret as passwords until posted.
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.UsageError(f"--out: {out} exists already; codes are written once, to a new file.") from None
    try:
        codes = make_codes(survey, count)
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["code"])
            writer.writerows([code] for code in codes)
            file.flush()
            os.fsync(file.fileno())
        db.session.commit()
    except BaseException:
        db.session.rollback()
        os.unlink(out)
        raise
    click.echo(f"Wrote {count} codes for {survey.title} to {out}. Only their hashes are stored: keep the file safe.")
