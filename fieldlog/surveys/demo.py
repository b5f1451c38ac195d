"""The demo's safety survey (SPEC §7, ``fieldlog demo``): three waves of Svenljunga's survey, following its history.

- **two years ago**, an ``open`` web survey in November (as in 2019): 565 respondents aged 13 and over (and a few
  suspect answers), about half of them marking places they avoid — mostly Torget, ICA-området, Thilanderska parken
  and Busstationen, mostly in the evening and at night. Closed and published.
- **last year**, letters with single-use codes to a random sample (``codes``: 400 letters), 173 respondents with
  Svenljunga's 2020 shares on ``overall_safety`` (56 % safe or very safe, 21 % neither, 23 % unsafe or very unsafe)
  and its reasons (poor lighting, groups of young people, suspected drug dealing). Closed and published. The mode
  differs from the year before, so the two are not like for like (the public page says so).
- **this year**, an ``open`` wave running now (opened nine days before the demo is loaded, closes in 26 days),
  not published, with its first few dozen answers: the respondent's page has something live.

Also in the data, so that every view has something true to show: background groups under 10 (suppressed in results),
suspect answers (honeypot, too fast, a burst) that all mark Idrottsplatsen (a public place that only reaches 10 marks
if suspects are counted), a non-public hot spot (Skolgården) with more than 10 marks, a cluster of marks where no hot
spot exists — the dark footpath along Ätran south of the park (``CANDIDATE``) — so the candidate view has a place to
suggest, marks at the petrol station archived since, a few picked from the list of named places (no map), and a few
answers to "what would make you feel safer" (``IMPROVEMENTS``: no personal data, never public).

Deterministic: one seed per wave; the counts that matter are exact (drawn from pools of fixed size), the rest is
dice. Written in bulk (one INSERT per table and wave). Safe to run twice: a wave is found by area and year and is
filled only while it has no responses.
"""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from fieldlog.extensions import db
from fieldlog.surveys.models import Survey, SurveyBrowser, SurveyCode, SurveyMark, SurveyResponse
from fieldlog.surveys.questionnaire import NO_ANSWER, PLACE_REASONS, PLACE_WHEN, PROBLEM_ANSWERS, PROBLEMS
from fieldlog.surveys.services import code_hash

_IDS = uuid.UUID("5e1f2a9c-2019-4d7b-a3c2-7a11e5ca1e19")

# The dark footpath along Ätran south of Thilanderska parken: no hot spot within 500 m.
CANDIDATE = {"lat": 57.49030, "lon": 13.10030}
# Lived there before the hot spot was archived; named in the older wave.
ARCHIVED_PLACE = "Gamla macken"

# Answers to "what would make you feel safer?", as residents write them: what the supervisors read, never the public.
IMPROVEMENTS = (
    "Bättre belysning längs gångvägen vid ån, där är det becksvart på kvällarna.",
    "Fler vuxna ute på fredags- och lördagskvällar, gärna nattvandrare.",
    "Att polisen syns oftare vid busstationen när de sista bussarna går.",
    "Någonstans för ungdomarna att vara på kvällarna, så att de inte bara står på torget.",
    "Klipp buskarna i parken så att man ser vem som kommer.",
    "Kameror vid ICA-parkeringen.",
)
IMPROVEMENT_EVERY = 13  # about one respondent in thirteen writes something

# (share of those who answer the problems question) per problem: none, small, fairly big, big, don't know.
_PROBLEMS_BEFORE = {
    "youth_disorder": (15, 30, 30, 20, 5),
    "drugs": (15, 25, 25, 25, 10),
    "vandalism": (15, 35, 30, 15, 5),
    "graffiti": (20, 40, 25, 10, 5),
    "littering": (15, 40, 30, 12, 3),
    "poor_lighting": (15, 30, 30, 22, 3),
    "intoxication": (25, 40, 20, 10, 5),
    "traffic": (15, 35, 30, 17, 3),
    "online_harassment": (15, 25, 20, 15, 25),
    "burglary": (30, 40, 15, 5, 10),
}
_PROBLEMS_LATER = {
    **_PROBLEMS_BEFORE,
    "youth_disorder": (12, 28, 32, 23, 5),
    "drugs": (12, 23, 28, 27, 10),
    "poor_lighting": (10, 25, 35, 27, 3),
}

# When, and why, per place: (day, evening, night) weights; reasons with weights (1–3 of them per mark).
_WHEN = {
    "Torget": (15, 50, 35),
    "ICA-området": (20, 55, 25),
    "Thilanderska parken": (10, 45, 45),
    "Busstationen": (15, 35, 50),
    "Idrottsplatsen": (10, 60, 30),
    "Skolgården": (10, 60, 30),
    "Parkeringen vid Kulturhuset": (5, 35, 60),
    ARCHIVED_PLACE: (10, 40, 50),
    "candidate": (5, 50, 45),
    "elsewhere": (30, 45, 25),
}
_REASONS = {
    "Torget": {"youth_groups": 6, "intoxication": 4, "disorder": 3, "drugs": 2},
    "ICA-området": {"youth_groups": 6, "traffic": 4, "disorder": 3},
    "Thilanderska parken": {"drugs": 6, "poor_lighting": 5, "isolated": 3, "youth_groups": 3},
    "Busstationen": {"intoxication": 5, "vandalism": 4, "poor_lighting": 3, "youth_groups": 3},
    "Idrottsplatsen": {"youth_groups": 4, "vandalism": 3, "poor_lighting": 2},
    "Skolgården": {"vandalism": 5, "youth_groups": 4, "poor_lighting": 2},
    "Parkeringen vid Kulturhuset": {"traffic": 6, "youth_groups": 5},
    ARCHIVED_PLACE: {"isolated": 4, "poor_lighting": 4, "traffic": 2},
    "candidate": {"poor_lighting": 7, "isolated": 6, "other": 1},
    "elsewhere": {"poor_lighting": 3, "isolated": 3, "traffic": 2, "other": 2},
}
# Last year's reasons as Svenljunga's 2020 round gave them: poor lighting, groups of young people, suspected drugs.
_LATER_REASONS = {"poor_lighting": 4, "youth_groups": 4, "drugs": 3}


@dataclass
class Wave:
    """One wave as the demo makes it. Counts are exact; ``None`` in a pool is a skipped question."""

    key: str
    years_ago: int
    mode: str
    published: bool
    target: int
    seed: int
    evening: dict
    overall: dict
    age: dict
    gender: dict
    lives: dict
    # marks per place (hot spot name, "candidate", "elsewhere"): exact counts
    marks: dict
    problems: dict
    suspects: list = field(default_factory=list)
    kiosk: int = 0
    letters: int = 0


WAVES = [
    Wave(
        key="first",
        years_ago=2,
        mode="open",
        published=True,
        target=500,
        seed=2019,
        evening={
            "very_safe": 62,
            "fairly_safe": 170,
            "fairly_unsafe": 150,
            "very_unsafe": 68,
            "never_out": 75,
            "dont_know": 20,
            None: 20,
        },
        overall={"very_safe": 60, "safe": 225, "neither": 140, "unsafe": 100, "very_unsafe": 30, None: 10},
        age={"13-15": 45, "16-19": 60, "20-34": 110, "35-49": 140, "50-64": 125, "65+": 70, NO_ANSWER: 10, None: 5},
        gender={"woman": 305, "man": 242, "other": 6, NO_ANSWER: 8, None: 4},
        lives={"town": 380, "countryside": 172, NO_ANSWER: 7, None: 6},
        marks={
            "Torget": 118,
            "ICA-området": 88,
            "Thilanderska parken": 82,
            "Busstationen": 64,
            "Idrottsplatsen": 14,
            "Skolgården": 18,
            ARCHIVED_PLACE: 12,
            "candidate": 9,
            "elsewhere": 25,
        },
        problems=_PROBLEMS_BEFORE,
        suspects=[["honeypot"], ["too_fast"], ["too_fast"], ["burst"], ["burst"], ["burst"], ["honeypot", "too_fast"]],
        kiosk=40,
    ),
    Wave(
        key="second",
        years_ago=1,
        mode="codes",
        published=True,
        target=200,
        seed=2020,
        evening={
            "very_safe": 22,
            "fairly_safe": 62,
            "fairly_unsafe": 42,
            "very_unsafe": 17,
            "never_out": 20,
            "dont_know": 5,
            None: 5,
        },
        # Svenljunga 2020: 97/173 = 56 % safe or very safe, 36 = 21 % neither, 40 = 23 % unsafe or very unsafe.
        overall={"very_safe": 30, "safe": 67, "neither": 36, "unsafe": 28, "very_unsafe": 12},
        age={"13-15": 7, "16-19": 12, "20-34": 30, "35-49": 41, "50-64": 44, "65+": 35, NO_ANSWER: 3, None: 1},
        gender={"woman": 94, "man": 74, "other": 3, NO_ANSWER: 2},
        lives={"town": 112, "countryside": 58, NO_ANSWER: 3},
        marks={
            "Torget": 34,
            "ICA-området": 25,
            "Thilanderska parken": 29,
            "Busstationen": 18,
            "Idrottsplatsen": 8,
            "Skolgården": 12,
            "candidate": 11,
            "elsewhere": 6,
        },
        problems=_PROBLEMS_LATER,
        suspects=[["too_fast"], ["too_fast"], ["too_fast"]],
        letters=400,
    ),
    Wave(
        key="current",
        years_ago=0,
        mode="open",
        published=False,
        target=600,
        seed=2021,
        evening={
            "very_safe": 6,
            "fairly_safe": 16,
            "fairly_unsafe": 9,
            "very_unsafe": 3,
            "never_out": 4,
            "dont_know": 1,
            None: 2,
        },
        overall={"very_safe": 5, "safe": 19, "neither": 8, "unsafe": 6, "very_unsafe": 2, None: 1},
        age={"13-15": 9, "16-19": 8, "20-34": 7, "35-49": 8, "50-64": 6, "65+": 3},
        gender={"woman": 23, "man": 17, "other": 1},
        lives={"town": 30, "countryside": 11},
        marks={
            "Torget": 6,
            "ICA-området": 4,
            "Thilanderska parken": 5,
            "Busstationen": 3,
            "Parkeringen vid Kulturhuset": 4,
            "candidate": 5,
            "elsewhere": 1,
        },
        problems=_PROBLEMS_LATER,
        kiosk=6,
    ),
]
CURRENT_OPENED_DAYS_AGO = 9
CURRENT_RUNS_DAYS = 35


def wave_year(key: str, today: date) -> int:
    """The year of a demo wave ("first", "second", "current") when the demo is loaded on ``today``."""
    return today.year - next(w.years_ago for w in WAVES if w.key == key)


def survey_id(year: int) -> uuid.UUID:
    """The fixed id of the demo's wave of ``year``."""
    return uuid.uuid5(_IDS, f"survey-{year}")


def _id(*parts) -> uuid.UUID:
    return uuid.uuid5(_IDS, "-".join(str(p) for p in parts))


def title(year: int) -> str:
    return f"Trygghetsundersökning Svenljunga {year}"


def _pool(rng: random.Random, counts: dict, n: int) -> list:
    """Exactly ``counts[code]`` of each code (``None``: skipped), shuffled; ``n`` in all."""
    out = [code for code, count in counts.items() for _ in range(count)]
    if len(out) != n:
        raise ValueError(f"demo survey: a pool of {len(out)} answers for {n} respondents")
    rng.shuffle(out)
    return out


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return (
        round(lat + north_m / 111_320, 6),
        round(lon + east_m / (111_320 * math.cos(math.radians(lat))), 6),
    )


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    north = (lat2 - lat1) * 111_320
    east = (lon2 - lon1) * 111_320 * math.cos(math.radians(lat1))
    return math.hypot(north, east)


def _position(rng: random.Random, place: str, spots: dict) -> tuple[float, float]:
    """A point a resident would tap for the place: inside a hot spot's circle, around the candidate's path, or
    somewhere in town well away from both."""
    if place in spots:
        spot = spots[place]
        while True:
            north, east = rng.gauss(0, spot.radius_m * 0.45), rng.gauss(0, spot.radius_m * 0.45)
            if math.hypot(north, east) <= spot.radius_m * 0.9:
                return _offset(spot.lat, spot.lon, north, east)
    if place == "candidate":
        # Along the path: spread more east–west than north–south.
        north, east = rng.gauss(0, 25), rng.gauss(0, 45)
        return _offset(CANDIDATE["lat"], CANDIDATE["lon"], max(-70, min(70, north)), max(-110, min(110, east)))
    while True:  # elsewhere in town: not near any hot spot or the candidate, so every count above stays exact
        lat, lon = round(rng.uniform(57.4870, 57.5060), 6), round(rng.uniform(13.0960, 13.1240), 6)
        if all(_distance_m(lat, lon, s.lat, s.lon) > s.radius_m + 150 for s in spots.values()) and (
            _distance_m(lat, lon, CANDIDATE["lat"], CANDIDATE["lon"]) > 400
        ):
            return lat, lon


def _mark_reasons(rng: random.Random, place: str, later: bool) -> list[str]:
    weights = dict(_REASONS[place])
    if later:
        for code, w in _LATER_REASONS.items():
            weights[code] = weights.get(code, 0) + w
    chosen: list[str] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        code = _weighted(rng, weights)
        if code not in chosen:
            chosen.append(code)
    return [c for c in PLACE_REASONS if c in chosen]


def _deal(rng: random.Random, marks: dict, markers: list[int]) -> dict[int, list[str]]:
    """The places each marking respondent named: every place's exact count, at most one mark per place and person,
    one to five each (most name one place, some two or three, a few more)."""
    sizes = {m: 1 for m in markers}
    extra = sum(marks.values()) - len(markers)
    while extra > 0:
        m = rng.choice(markers)
        if sizes[m] < 5 and (sizes[m] < 3 or rng.random() < 0.2):
            sizes[m] += 1
            extra -= 1
    named: dict[int, list[str]] = {m: [] for m in markers}
    for place in sorted(marks, key=lambda p: -marks[p]):
        for _ in range(marks[place]):
            # The respondent with the most room left who has not named the place yet (ties by the dice).
            free = [m for m in markers if len(named[m]) < sizes[m] and place not in named[m]]
            if not free:
                raise ValueError("demo survey: too many marks of one place for the respondents who mark")
            room = max(sizes[m] - len(named[m]) for m in free)
            named[rng.choice([m for m in free if sizes[m] - len(named[m]) == room])].append(place)
    return named


def _times(rng: random.Random, opens: datetime, until: datetime, n: int, tz: ZoneInfo) -> list[datetime]:
    """When ``n`` answers came in: most in the first days after the wave opened, in waking hours."""
    days = max(1, (until - opens).days)
    out = []
    while len(out) < n:
        day = min(int(rng.expovariate(3.0 / days)), days - 1)
        local = (opens.astimezone(tz) + timedelta(days=day)).replace(
            hour=rng.choice((7, 8, 12, 12, 17, 18, 19, 20, 20, 21, 21, 22)), minute=rng.randrange(60)
        )
        at = local.astimezone(opens.tzinfo)
        if opens <= at < until:
            out.append(at)
    return sorted(out)


def _period(wave: Wave, year: int, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    if wave.key == "current":
        local_now = now.astimezone(tz)
        opens = datetime.combine(local_now.date() - timedelta(days=CURRENT_OPENED_DAYS_AGO), time(0), tz)
        return opens.astimezone(now.tzinfo), (opens + timedelta(days=CURRENT_RUNS_DAYS)).astimezone(now.tzinfo)
    opens = datetime.combine(date(year, 11, 1), time(0), tz)
    closes = datetime.combine(date(year, 12, 1), time(0), tz)
    return opens.astimezone(now.tzinfo), closes.astimezone(now.tzinfo)


def _fill(wave: Wave, survey: Survey, spots: dict, tz: ZoneInfo, now: datetime) -> int:
    """The wave's responses, marks, codes and browsers, in bulk. Returns the number of responses."""
    rng = random.Random(wave.seed)  # noqa: S311  (demo data, reproducible by design)
    n = sum(wave.evening.values())
    evening = _pool(rng, wave.evening, n)
    overall = _pool(rng, wave.overall, n)
    age = _pool(rng, wave.age, n)
    gender = _pool(rng, wave.gender, n)
    lives = _pool(rng, wave.lives, n)

    # Who marks places: about half, those who feel unsafe more often (Efraimidis–Spirakis weighted sample).
    unsafe = {"fairly_unsafe": 3.0, "very_unsafe": 4.0, "never_out": 2.5}
    total_marks = sum(wave.marks.values())
    n_markers = min(n, max(math.ceil(total_marks / 5), round(total_marks / 1.55)))
    keyed = sorted(range(n), key=lambda i: -(rng.random() ** (1 / unsafe.get(evening[i], 1.0))))
    markers = sorted(keyed[:n_markers])
    named = _deal(rng, wave.marks, markers)

    until = min(survey.closes_at, now - timedelta(hours=1))
    times = _times(rng, survey.opens_at, until, n, tz)
    rng.shuffle(times)
    kiosk = set(rng.sample(range(n), wave.kiosk)) if wave.kiosk else set()
    # The list of named places (no map) offers the public hot spots.
    picked = {name for name, spot in spots.items() if spot.public and not spot.deleted}
    later = wave.key != "first"

    responses, marks, browsers = [], [], []
    for i in range(n):
        rid = _id("response", survey.year, i)
        places = named.get(i, [])
        avoids = "yes" if places else ("no" if rng.random() < 0.85 else ("yes" if rng.random() < 0.5 else None))
        problems = {}
        for problem in PROBLEMS:
            if rng.random() < 0.95:
                problems[problem] = rng.choices(PROBLEM_ANSWERS, weights=wave.problems[problem])[0]
        responses.append(
            {
                "id": rid,
                "survey_id": survey.id,
                "channel": "kiosk" if i in kiosk else "web",
                "suspect": False,
                "suspect_reasons": [],
                "created_at": times[i],
                "evening_safety": evening[i],
                "overall_safety": overall[i],
                "avoids_places": avoids,
                "age_band": age[i],
                "gender": gender[i],
                "lives_in": lives[i],
                "problems": problems,
                "improvements": IMPROVEMENTS[(i // IMPROVEMENT_EVERY) % len(IMPROVEMENTS)]
                if i % IMPROVEMENT_EVERY == 5
                else "",
            }
        )
        if wave.mode == "open" and i not in kiosk:
            browsers.append({"survey_id": survey.id, "browser_hash": hashlib.sha256(rid.bytes).hexdigest()})
        for place in places:
            if place in spots and place in picked and rng.random() < 0.1:
                # Picked from the list of named places (no map): at the hot spot's centre.
                spot = spots[place]
                lat, lon, hotspot_id = spot.lat, spot.lon, spot.id
            else:
                lat, lon = _position(rng, place, spots)
                hotspot_id = None
            when = rng.choices(PLACE_WHEN, weights=_WHEN[place])[0] if rng.random() < 0.97 else None
            marks.append(
                {
                    "survey_id": survey.id,
                    "response_id": rid,
                    "lat": lat,
                    "lon": lon,
                    "when": when,
                    "reasons": _mark_reasons(rng, place, later),
                    "hotspot_id": hotspot_id,
                }
            )

    # Suspect answers: a bot's honeypot, a few clicked through in seconds, a burst in one minute — all "very unsafe",
    # all marking Idrottsplatsen, which only then would reach ten marks.
    burst_at = times[0] + timedelta(days=2)
    for j, reasons in enumerate(wave.suspects):
        rid = _id("suspect", survey.year, j)
        at = burst_at + timedelta(seconds=7 * j) if "burst" in reasons else times[(j * 37) % n] + timedelta(minutes=3)
        responses.append(
            {
                "id": rid,
                "survey_id": survey.id,
                "channel": "web",
                "suspect": True,
                "suspect_reasons": reasons,
                "created_at": at,
                "evening_safety": "very_unsafe",
                "overall_safety": "very_unsafe",
                "avoids_places": "yes",
                "age_band": None,
                "gender": None,
                "lives_in": None,
                "problems": {"youth_disorder": "big", "drugs": "big"},
                "improvements": "",
            }
        )
        if wave.mode == "open":
            browsers.append({"survey_id": survey.id, "browser_hash": hashlib.sha256(rid.bytes).hexdigest()})
        if "Idrottsplatsen" in spots:
            lat, lon = _position(rng, "Idrottsplatsen", spots)
            marks.append(
                {
                    "survey_id": survey.id,
                    "response_id": rid,
                    "lat": lat,
                    "lon": lon,
                    "when": "evening",
                    "reasons": ["youth_groups"],
                    "hotspot_id": None,
                }
            )

    db.session.execute(insert(SurveyResponse), responses)
    if marks:
        db.session.execute(insert(SurveyMark), marks)
    if browsers:
        db.session.execute(insert(SurveyBrowser), browsers)
    if wave.letters:
        used = len(responses)
        codes = [
            {
                "survey_id": survey.id,
                "code_hash": code_hash("".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))),
                "used": k < used,
            }
            for k in range(wave.letters)
        ]
        db.session.execute(insert(SurveyCode), codes)
    return len(responses)


def load(area, spots: dict, now: datetime) -> tuple[list[uuid.UUID], list[str]]:
    """Make what is missing of the demo's waves; (their ids, oldest first; the lines to print)."""
    tz = ZoneInfo(area.timezone)
    today = now.astimezone(tz).date()
    ids, added = [], 0
    for wave in WAVES:
        year = today.year - wave.years_ago
        survey = db.session.scalar(select(Survey).where(Survey.area_id == area.id, Survey.year == year))
        if survey is None:
            opens, closes = _period(wave, year, tz, now)
            made = opens - timedelta(days=21)
            survey = Survey(
                id=survey_id(year),
                area_id=area.id,
                year=year,
                title=title(year),
                opens_at=opens,
                closes_at=closes,
                mode=wave.mode,
                questionnaire="core-1",
                published=wave.published,
                target_responses=wave.target,
                rev=2 if wave.published else 1,
                created_at=made,
                # Published two weeks after closing: the feed dates the result then.
                updated_at=closes + timedelta(days=14) if wave.published else made,
            )
            db.session.add(survey)
            db.session.flush()
        ids.append(survey.id)
        has = db.session.scalar(
            select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
        )
        if not has:
            added += _fill(wave, survey, spots, tz, now)
    db.session.flush()
    first, second, current = (today.year - w.years_ago for w in WAVES)
    return ids, [
        f"Survey: {first} open web survey (565 answers), {second} letters with codes to a sample (173 of 400), both "
        f"published; {current} open now, unpublished "
        f"({'added ' + str(added) + ' answers' if added else 'nothing added, already loaded'})."
    ]
