"""The coverage terms (SPEC §1, §3), each defined here once; every statement that counts visits takes them from here.

* **A visit that counts** has ended and is not deleted: a visit in progress or a tombstone counts for nothing. It
  belongs to a period (a day, a week, the last 7 days) by its ``started_at``. ``counts`` spells the condition in SQL
  for the coverage statements, the pages' own queries and the triggers (``coverage.triggers``).
* **A Koper visit** lasts 10 to 16 minutes, both bounds included (Koper 1995): ``KOPER_MINUTES``, ``is_koper``.
* **The figure columns**: the visit columns a counting visit's figures depend on (``FIGURE_COLUMNS``); a change to
  any other column (notes, a flag) changes no figure and queues no recomputation.
* **The day figures**: what ``coverage_day`` keeps per hot spot and local day (``DAY_FIGURES``).

The words the pages use for these figures (``supervisor/terms.py``) name the same bounds; a test holds them together.
"""

from __future__ import annotations

# Koper (1995): stops of 10 to 16 minutes deter best. Inclusive at both ends.
KOPER_MINUTES = (10, 16)
KOPER_MIN_S, KOPER_MAX_S = KOPER_MINUTES[0] * 60, KOPER_MINUTES[1] * 60
# Durations come from stored times; a thousandth of a second absorbs floating-point noise at the Koper bounds.
EPS = 0.001

# The columns a counting visit's figures depend on; changing any other (notes, a flag) changes no figure.
FIGURE_COLUMNS = ("hotspot_id", "officer_id", "started_at", "ended_at", "officers", "on_site", "deleted")

# The figures of one hot spot and local day (``coverage_day``; ``coverage.days`` says why they add up).
DAY_FIGURES = ("visits", "koper", "on_site", "officer_sec", "presence_sec", "hot_sec", "overlap_sec", "overlap_hot_sec")


def counts(visit: str | None = None, *, ended_at: str | None = None, deleted: str | None = None) -> str:
    """SQL condition: the visit counts (ended, not deleted). ``visit`` qualifies the columns (a table, an alias,
    ``NEW`` or ``OLD`` in a trigger); without it they are bare. A statement that carries the two columns under
    other names (an end in seconds, say) names them instead."""
    prefix = f"{visit}." if visit else ""
    return f"{ended_at or prefix + 'ended_at'} IS NOT NULL AND NOT {deleted or prefix + 'deleted'}"


def is_koper(seconds: str) -> str:
    """SQL condition: a visit of ``seconds`` (an SQL expression of its duration) is a Koper visit."""
    return f"{seconds} >= {KOPER_MIN_S - EPS} AND {seconds} <= {KOPER_MAX_S + EPS}"
