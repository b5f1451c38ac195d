"""Survey results (SPEC §7 "Results") for the area's supervisors, and the headline figure of each wave.

The database adds up where it pays: PostgreSQL groups the coded answers (GROUP BY; a few hundred rows for 10,000
responses) and the problems' JSON pairs; SQLite reads the coded columns in one pass and they are counted here
(``counts_of``). Then the marks' columns that ``places`` needs — never whole responses and never the free text.
``summarise`` turns those counts into the figures; it is pure, so that the property test
(tests/unit/test_survey_suppression.py) can throw any set of answers at it.

**Suppression** (the rule of the whole survey: ``MIN_GROUP`` = 10, one definition in ``questionnaire``). A figure
about a background group (``age_band``, ``gender``, ``lives_in``) rests on at least ``MIN_GROUP`` respondents, and no
figure lets a smaller group be recomputed:

- a group of 1–9 respondents is ``{"suppressed": true}`` in ``by_group`` — and, because a background question's own
  counts *are* the group sizes, it is left out of that question's ``counts`` and ``shares`` as well (listed in its
  ``suppressed``). A group nobody chose (0) is no group of respondents and is shown as 0;
- the cells of a background question partition ``n``: the groups, ``no_answer`` and the skipped (``n`` −
  ``answered``). Whatever is hidden can be recomputed *as a sum* by subtraction; so once one group is hidden, more
  cells are hidden — the next smallest group first (SPEC: "a second group (the next smallest)"), then ``no_answer``,
  then ``answered`` (and with it the shares) — until at least two non-empty cells are hidden **and** their sum is at
  least ``MIN_GROUP`` (two groups of 3 and 4 would otherwise show "7" for the pair);
- a share is shown only when its denominator (those who answered, in the group or overall) is at least
  ``MIN_GROUP``, else ``None``; counts of answers to the other questions are figures about the whole wave, not about
  a group, and are shown;
- a wave of fewer than ``MIN_GROUP`` responses shows ``n`` and nothing else (``withheld: true``).

What one answer cannot prevent: comparing two answers (yesterday's and today's while the wave is open, or with and
without suspects) shows what changed between them. Supervisors see the live counts by design; the public page shows
only closed, published waves.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from sqlalchemy import Text, cast, func, literal, select

from fieldlog.extensions import db
from fieldlog.surveys import questionnaire as q

# the background questions and their codes, in display order
BACKGROUND = {name: q.SINGLE_CHOICE[name] for name in q.BACKGROUND}
NO_ANSWER = q.NO_ANSWER
OTHER_QUESTIONS = {name: q.SINGLE_CHOICE[name] for name in ("overall_safety", "avoids_places")}


def problem_key(problem: str) -> str:
    """The ``questions`` key of one problem of question 3: ``problems.<problem>``."""
    return f"problems.{problem}"


def groups_of(question: str) -> tuple[str, ...]:
    """The background groups of a question, in display order (its codes but ``no_answer``)."""
    return tuple(code for code in BACKGROUND[question] if code != NO_ANSWER)


def share(part: int, whole: int) -> float | None:
    """part / whole, rounded to 4 decimals; None when ``whole`` is under ``MIN_GROUP``."""
    if whole < q.MIN_GROUP:
        return None
    return round(part / whole, 4)


@dataclass(frozen=True)
class Protection:
    """Which cells of one background question are hidden (see the module's rule)."""

    hidden_groups: frozenset[str]
    hide_no_answer: bool
    hide_answered: bool

    @property
    def hidden(self) -> list[str]:
        return sorted(self.hidden_groups) + ([NO_ANSWER] if self.hide_no_answer else [])


def protect(sizes: dict[str, int], no_answer: int, skipped: int, order: tuple[str, ...]) -> Protection:
    """The cells to hide of a background question whose groups have ``sizes`` (``order`` breaks ties: the later
    group in display order is hidden first)."""
    hidden = {g for g, c in sizes.items() if 0 < c < q.MIN_GROUP}
    hide_no_answer = hide_answered = False
    if not hidden:
        return Protection(frozenset(), False, False)
    rank = {g: i for i, g in enumerate(order)}
    rest = sorted((g for g, c in sizes.items() if g not in hidden and c > 0), key=lambda g: (sizes[g], -rank[g]))

    def safe() -> bool:
        cells = [sizes[g] for g in hidden]
        cells += [no_answer] if hide_no_answer else []
        cells += [skipped] if hide_answered else []
        cells = [c for c in cells if c > 0]
        return len(cells) >= 2 and sum(cells) >= q.MIN_GROUP

    while not safe():
        if rest:
            hidden.add(rest.pop(0))
        elif not hide_no_answer:
            hide_no_answer = True
        elif not hide_answered:
            hide_answered = True
        else:  # everything of the question is hidden: only n remains, which the wave shows anyway
            break
    return Protection(frozenset(hidden), hide_no_answer, hide_answered)


def _question(counts: Counter, codes: tuple[str, ...]) -> dict:
    answered = sum(counts[c] for c in codes)
    return {
        "answered": answered,
        "counts": {c: counts[c] for c in codes},
        "shares": {c: share(counts[c], answered) for c in codes},
    }


def _background_question(counts: Counter, question: str, n: int) -> tuple[dict, Protection]:
    codes = BACKGROUND[question]
    groups = groups_of(question)
    answered = sum(counts[c] for c in codes)
    guard = protect({g: counts[g] for g in groups}, counts[NO_ANSWER], n - answered, groups)
    shown = [c for c in codes if c not in guard.hidden_groups and not (c == NO_ANSWER and guard.hide_no_answer)]
    out: dict = {"counts": {c: counts[c] for c in shown}, "suppressed": guard.hidden}
    if not guard.hide_answered:
        out["answered"] = answered
        out["shares"] = {c: share(counts[c], answered) for c in shown}
    return out, guard


def summarise(background_rows, other_rows, problem_rows, *, survey_id=None, codes_issued: int | None = None) -> dict:
    """The results from grouped counts:

    - ``background_rows``: ``(evening_safety, age_band, gender, lives_in, count)``, one per combination;
    - ``other_rows``: ``(overall_safety, avoids_places, count)``;
    - ``problem_rows``: ``(problem, answer, count)``.

    ``None`` is a skipped question. ``codes_issued``: the codes of a ``codes`` wave (else None: no response rate).
    """
    background_rows = list(background_rows)
    n = sum(row[-1] for row in background_rows)
    out: dict = {
        "survey_id": str(survey_id) if survey_id is not None else None,
        "n": n,
        "response_rate": round(n / codes_issued, 4) if codes_issued else None,
        "withheld": n < q.MIN_GROUP,
        "safe_share": None,
        "never_out_share": None,
        "questions": {},
        "problems": {},
        "by_group": {},
    }
    if out["withheld"]:
        return out

    evening: Counter = Counter()
    background = {name: Counter() for name in BACKGROUND}
    # per background question and group: [evening answered, safe]
    within: dict[str, dict[str, list[int]]] = {name: {} for name in BACKGROUND}
    for ev, age, gender, lives, count in background_rows:
        evening[ev] += count
        for name, value in (("age_band", age), ("gender", gender), ("lives_in", lives)):
            background[name][value] += count
            if ev in q.EVENING_SAFETY:
                cell = within[name].setdefault(value, [0, 0])
                cell[0] += count
                cell[1] += count if ev in q.SAFE else 0

    questions = out["questions"]
    questions["evening_safety"] = _question(evening, q.EVENING_SAFETY)
    answered_evening = questions["evening_safety"]["answered"]
    out["safe_share"] = share(sum(evening[c] for c in q.SAFE), answered_evening)
    out["never_out_share"] = share(evening[q.NEVER_OUT], answered_evening)

    other = {name: Counter() for name in OTHER_QUESTIONS}
    for overall, avoids, count in other_rows:
        other["overall_safety"][overall] += count
        other["avoids_places"][avoids] += count
    for name, codes in OTHER_QUESTIONS.items():
        questions[name] = _question(other[name], codes)

    problems = {p: Counter() for p in q.PROBLEMS}
    for problem, answer, count in problem_rows:
        if problem in problems:
            problems[problem][answer] += count
    for p in q.PROBLEMS:
        entry = _question(problems[p], q.PROBLEM_ANSWERS)
        questions[problem_key(p)] = entry
        out["problems"][p] = share(sum(problems[p][a] for a in q.BIG_PROBLEM), entry["answered"])

    for name in BACKGROUND:
        entry, guard = _background_question(background[name], name, n)
        questions[name] = entry
        breakdown = {}
        for g in groups_of(name):
            if g in guard.hidden_groups:
                breakdown[g] = {"suppressed": True}
            else:
                answered, safe = within[name].get(g, [0, 0])
                breakdown[g] = {"n": background[name][g], "safe_share": share(safe, answered)}
        out["by_group"][name] = breakdown
    return out


# --- who may read ------------------------------------------------------------------------------------------------


def survey_for(user, survey_id, slug: str | None = None):
    """A wave whose results this user may read: a supervisor's own area's, an admin's (of the area ``?area=`` names,
    when named). ``NotFound`` for one outside the user's reach, so nothing of it shows; naming another area than
    one's own is ``Forbidden`` (``fieldlog.scope``)."""
    from fieldlog import scope
    from fieldlog.errors import Forbidden, NotFound
    from fieldlog.surveys.services import get_survey

    if user.role not in ("supervisor", "admin"):
        raise Forbidden("Your role may not do this.")
    area = scope.read_area(user, slug) if slug is not None else None
    survey = get_survey(survey_id)
    scope.check_record(user, survey.area_id, "No such survey.")
    if area is not None and area.id != survey.area_id:
        raise NotFound("No such survey.")
    return survey


# --- reading the counts ------------------------------------------------------------------------------------------


def _responses(survey_id, include_suspect: bool):
    from fieldlog.surveys.models import SurveyResponse

    where = [SurveyResponse.survey_id == survey_id]
    if not include_suspect:
        where.append(SurveyResponse.suspect.is_(False))
    return SurveyResponse, where


def counts_of(survey_id, include_suspect: bool = False) -> tuple[list, list, list]:
    """The grouped counts ``summarise`` takes. PostgreSQL groups them itself (three statements, the problems through
    ``json_each_text``); SQLite reads the seven coded columns in one pass and they are counted here — its GROUP BYs
    cost a pass each, and its JSON functions over every row cost more than parsing the texts (measured with
    bench/survey_results.py)."""
    r, where = _responses(survey_id, include_suspect)
    conn = db.session.connection()  # Core rows: no ORM loading for what is only counted
    if conn.dialect.name == "postgresql":
        return _grouped_counts(conn, r, where)
    rows = conn.execute(
        select(
            r.evening_safety, r.age_band, r.gender, r.lives_in, r.overall_safety, r.avoids_places,
            cast(r.problems, Text),
        ).where(*where)
    ).all()  # fmt: skip
    background = Counter(row[:4] for row in rows)
    other = Counter(row[4:6] for row in rows)
    tally = Counter(chain.from_iterable(json.loads(row[6]).items() for row in rows if row[6]))
    return (
        [(*key, count) for key, count in background.items()],
        [(*key, count) for key, count in other.items()],
        [(*key, count) for key, count in tally.items()],
    )


def _grouped_counts(conn, r, where) -> tuple[list, list, list]:
    background = conn.execute(
        select(r.evening_safety, r.age_band, r.gender, r.lives_in, func.count())
        .where(*where)
        .group_by(r.evening_safety, r.age_band, r.gender, r.lives_in)
    ).all()
    other = conn.execute(
        select(r.overall_safety, r.avoids_places, func.count())
        .where(*where)
        .group_by(r.overall_safety, r.avoids_places)
    ).all()
    pairs = func.json_each_text(r.problems).table_valued("key", "value").render_derived(name="pair")
    problems = conn.execute(
        select(pairs.c.key, pairs.c.value, func.count())
        .select_from(r)
        .join(pairs, literal(True))
        .where(*where)
        .group_by(pairs.c.key, pairs.c.value)
    ).all()
    return background, other, problems


def codes_issued(survey) -> int | None:
    if survey.mode != "codes":
        return None
    from fieldlog.surveys.models import SurveyCode

    return db.session.scalar(select(func.count()).select_from(SurveyCode).where(SurveyCode.survey_id == survey.id))


def results(survey, include_suspect: bool = False) -> dict:
    """SPEC §7's results of one wave (see the module's note on suppression); ``places`` from ``places.summary``."""
    from fieldlog.surveys.places import places_summary

    background, other, problems = counts_of(survey.id, include_suspect)
    out = summarise(background, other, problems, survey_id=survey.id, codes_issued=codes_issued(survey))
    out["include_suspect"] = include_suspect
    out["places"] = (
        {"hotspots": [], "cells": []} if out["withheld"] else places_summary(survey, out["n"], include_suspect)
    )
    return out


def headline(surveys) -> dict:
    """``{survey_id: {"responses": n, "safe_share": float | None}}`` for each wave (suspects left out), in one
    statement; ``safe_share`` is None when fewer than ``MIN_GROUP`` responded (or answered the question)."""
    from fieldlog.surveys.models import SurveyResponse as r

    ids = [s.id for s in surveys]
    out = {i: {"responses": 0, "safe_share": None} for i in ids}
    if not ids:
        return out
    rows = db.session.execute(
        select(r.survey_id, r.evening_safety, func.count())
        .where(r.survey_id.in_(ids), r.suspect.is_(False))
        .group_by(r.survey_id, r.evening_safety)
    ).all()
    evening: dict = {i: Counter() for i in ids}
    for survey_id, answer, count in rows:
        evening[survey_id][answer] += count
    for i in ids:
        n = sum(evening[i].values())
        answered = sum(evening[i][c] for c in q.EVENING_SAFETY)
        safe = sum(evening[i][c] for c in q.SAFE)
        out[i] = {"responses": n, "safe_share": share(safe, answered) if n >= q.MIN_GROUP else None}
    return out


# --- comparing two waves ------------------------------------------------------------------------------------------


def _difference(this, other):
    if this is None or other is None:
        return None
    return round(this - other, 4)


def _pair(this, other) -> dict:
    return {"this": this, "other": other, "difference": _difference(this, other)}


def comparability(survey, other) -> list[dict]:
    """Why two waves are not like for like (SPEC §7): their modes or questionnaires differ. Empty: comparable."""
    return [
        {"code": name, "this": getattr(survey, name), "other": getattr(other, name)}
        for name in ("mode", "questionnaire")
        if getattr(survey, name) != getattr(other, name)
    ]


def compare(survey, other, include_suspect: bool = False) -> dict:
    """The differences (this − other) of the headline figures and of every share of every question; shares either
    wave withholds compare as None."""
    a, b = results(survey, include_suspect), results(other, include_suspect)
    reasons = comparability(survey, other)
    questions = {}
    for name, entry in a["questions"].items():
        other_shares = b["questions"].get(name, {}).get("shares", {})
        questions[name] = {
            code: _pair(value, other_shares.get(code)) for code, value in entry.get("shares", {}).items()
        }
    return {
        "survey_id": str(survey.id),
        "with": str(other.id),
        "years": {"this": survey.year, "other": other.year},
        "comparable": not reasons,
        "reasons": reasons,
        "n": _pair(a["n"], b["n"]),
        "response_rate": _pair(a["response_rate"], b["response_rate"]),
        "safe_share": _pair(a["safe_share"], b["safe_share"]),
        "never_out_share": _pair(a["never_out_share"], b["never_out_share"]),
        "problems": {p: _pair(a["problems"].get(p), b["problems"].get(p)) for p in q.PROBLEMS},
        "questions": questions,
    }
