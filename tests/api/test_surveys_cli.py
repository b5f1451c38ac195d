"""``fieldlog surveys codes`` (SPEC §7 CLI) — codes written once to a new CSV, stored only as hashes, each usable
once through the API — and ``fieldlog purge`` blanking the responses' free text like visit notes."""

from __future__ import annotations

import csv
import os
import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from fieldlog.db import utcnow
from fieldlog.surveys.codes import ALPHABET
from fieldlog.surveys.models import SurveyCode, SurveyResponse
from fieldlog.surveys.services import code_hash


def read_codes(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["code"]
    return [row[0] for row in rows[1:]]


def test_codes_go_from_the_cli_to_a_file_to_one_use_each(runner, client, db, make_survey, area, tmp_path):
    survey = make_survey(area, mode="codes")
    out = tmp_path / "koder.csv"
    result = runner.invoke(args=["surveys", "codes", str(survey.id), "--count", "25", "--out", str(out)])
    assert result.exit_code == 0, result.output
    codes = read_codes(out)
    assert len(codes) == len(set(codes)) == 25
    assert all(re.fullmatch(f"[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}", code) for code in codes)
    assert os.stat(out).st_mode & 0o077 == 0  # the owner's alone
    stored = db.session.scalars(select(SurveyCode.code_hash)).all()
    assert sorted(stored) == sorted(code_hash(code) for code in codes)
    assert not set(codes) & set(stored)

    def respond(code):
        body = {"response_id": str(uuid.uuid4()), "answers": {"gender": "woman"}, "code": code}
        return client.post(f"/api/v1/surveys/{survey.id}/responses", json=body)

    assert respond(codes[3].lower()).status_code == 201
    assert respond(codes[3]).get_json()["error"]["code"] == "code_used"
    assert respond(codes[4]).status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(SurveyCode).where(SurveyCode.code_hash == code_hash(codes[3]))).used


def test_codes_are_written_once_and_never_over_a_file(runner, db, make_survey, area, tmp_path):
    survey = make_survey(area, mode="codes")
    out = tmp_path / "koder.csv"
    out.write_text("code\nOLD\n")
    result = runner.invoke(args=["surveys", "codes", str(survey.id), "--count", "5", "--out", str(out)])
    assert result.exit_code == 2 and "exists already" in result.output
    assert out.read_text() == "code\nOLD\n"
    assert db.session.scalars(select(SurveyCode)).all() == []


def test_codes_are_only_for_a_codes_wave_that_exists(runner, db, survey, tmp_path):
    for survey_id in (str(survey.id), str(uuid.uuid4()), "not-a-uuid"):
        out = tmp_path / f"{survey_id}.csv"
        result = runner.invoke(args=["surveys", "codes", survey_id, "--count", "5", "--out", str(out)])
        assert result.exit_code == 2 and not out.exists(), result.output
    assert db.session.scalars(select(SurveyCode)).all() == []


def test_purge_blanks_old_free_text_of_responses(runner, db, survey, make_survey, area):
    now = utcnow()
    old = SurveyResponse(
        id=uuid.uuid4(),
        survey_id=survey.id,
        channel="web",
        created_at=now - timedelta(days=400),
        improvements="Min granne på Storgatan 4 säljer knark.",
        evening_safety="very_unsafe",
    )
    recent = SurveyResponse(
        id=uuid.uuid4(),
        survey_id=survey.id,
        channel="web",
        created_at=now - timedelta(days=20),
        improvements="Mer belysning.",
    )
    db.session.add_all([old, recent])
    db.session.commit()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "1 survey responses older than 12 months have free text" in dry.output
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "free text of 1 survey responses" in result.output
    db.session.expire_all()
    stored_old, stored_recent = db.session.get(SurveyResponse, old.id), db.session.get(SurveyResponse, recent.id)
    assert (stored_old.improvements, stored_old.evening_safety) == ("", "very_unsafe")
    assert stored_recent.improvements == "Mer belysning."
