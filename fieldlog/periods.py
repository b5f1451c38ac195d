"""Periods: inclusive local days of an area, as the API and the pages ask for them.

A period is a run of whole days in the area's own time zone (``Period``: first and last day, and the half-open UTC
range they cover, DST included). It comes from one of three places, all resolved here:

- the API's ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (``resolve``; the checks of ``PeriodQuerySchema`` call ``problems``);
- a page's period picker: a named period (``NAMED``: this week, last week — "förra veckan" —, the last 4 weeks) or
  custom days (``chosen``);
- a default: the last 28 days up to today in the area's zone.

The limits are the same everywhere: days in the years 1971–9000 (a date the databases and time zones handle) and at
most 366 days in one period (a year, leap day included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldlog.db import utcnow

MIN_YEAR, MAX_YEAR = 1971, 9000
MAX_DAYS = 366
DEFAULT_DAYS = 28

# The period picker's choices, in its order: the named periods and "custom" (from/to).
NAMED = {
    "this_week": _l("This week"),
    "last_week": _l("Last week"),
    "last_4_weeks": _l("Last 4 weeks"),
}
CUSTOM = "custom"
PRESETS = (*NAMED, CUSTOM)


def choices() -> list[tuple[str, str]]:
    """The picker's options as (value, label in the user's language) — the template global ``period_choices``."""
    return [(value, str(label)) for value, label in NAMED.items()] + [(CUSTOM, _("Custom"))]


@dataclass(frozen=True)
class Period:
    """Inclusive local days, as the half-open UTC range [start, end)."""

    first: date
    last: date
    timezone: str
    start: datetime
    end: datetime

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def period(first: date, last: date, timezone: str) -> Period:
    tz = ZoneInfo(timezone)
    start = datetime.combine(first, datetime.min.time(), tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    return Period(first, last, timezone, start, end)


def today_in(area_or_timezone) -> date:
    """Today's date in an area's time zone (or a zone's name)."""
    timezone = area_or_timezone if isinstance(area_or_timezone, str) else area_or_timezone.timezone
    return utcnow().astimezone(ZoneInfo(timezone)).date()


def previous(p: Period) -> Period:
    """The period of the same length just before ``p``."""
    return period(p.first - timedelta(days=p.days), p.first - timedelta(days=1), p.timezone)


def in_range(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def problems(first: date | None, last: date | None) -> dict[str, str]:
    """What is wrong with ``from``/``to`` (either may be missing), by field, in the API's words; empty when fine."""
    for name, day in (("from", first), ("to", last)):
        if day is not None and not in_range(day):
            return {name: f"Must be a day in the years {MIN_YEAR}–{MAX_YEAR}."}
    if first and last:
        if last < first:
            return {"to": "Must not be before 'from'."}
        if (last - first).days + 1 > MAX_DAYS:
            return {"to": f"At most {MAX_DAYS} days from 'from'."}
    return {}


def resolve(
    timezone: str,
    first: date | None,
    last: date | None,
    default_days: int = DEFAULT_DAYS,
    today: date | None = None,
) -> Period:
    """The inclusive local days asked for (already checked by ``problems``): without ``to``, up to today (or ``from``
    if that is later); without ``from``, the ``default_days`` days up to ``to``."""
    if last is None:
        today = today or today_in(timezone)
        last = max(today, first) if first else today
    if first is None:
        first = last - timedelta(days=default_days - 1)
    return period(first, last, timezone)


def named(name: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period, as seen on ``today``."""
    monday = today - timedelta(days=today.weekday())
    if name == "this_week":
        return monday, today
    if name == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if name == "last_4_weeks":
        return today - timedelta(days=27), today
    raise KeyError(name)


def parse_day(value: str | None) -> date | None:
    """A page's ``YYYY-MM-DD`` day within the limits, else None."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is None or in_range(day) else None


def chosen(args: Mapping[str, str], timezone: str, default: str = "last_week") -> tuple[str, Period, list[str]]:
    """A page's period picker (``?period=<name>`` or ``period=custom&from&to``): the choice, its period, and the
    messages about bad custom days (which then fall back to ``default``), in the user's language."""
    preset = args.get("period", default)
    if preset not in PRESETS:
        preset = default
    errors: list[str] = []
    if preset == CUSTOM:
        first, last = parse_day(args.get("from")), parse_day(args.get("to"))
        if first is None or last is None:
            errors.append(_("Give both days as YYYY-MM-DD."))
        elif last < first:
            errors.append(_("The last day must not be before the first."))
        elif (last - first).days + 1 > MAX_DAYS:
            errors.append(_("At most 366 days."))
        else:
            return preset, period(first, last, timezone), errors
        preset = default
    first, last = named(preset, today_in(timezone))
    return preset, period(first, last, timezone), errors
