"""Whether a hot spot met all of its target in a period, and which part is short (issue 10 D4).

The SPEC's target is visits per week (``target_visits``, counted from the day a spot was created); the pages judge
the whole of what the hot-spots method asks for:
- visits: at least ``target_visits``;
- length: at least ``KOPER_SHARE`` of the visits lasted 10–16 minutes (Koper 1995);
- timing: where the spot has hot hours, at least ``HOT_HOUR_SHARE`` of the target presence time
  (``target_visits`` × ``target_minutes``) fell within them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from fieldlog import periods

KOPER_SHARE = 0.5
HOT_HOUR_SHARE = 0.5


@dataclass
class Judgement:
    status: str  # "met", "below" or "none" (no target in the period)
    parts: list[tuple[str, bool, str]] = field(default_factory=list)  # (key, met?, in words)

    @property
    def short(self) -> list[str]:
        return [text for _key, ok, text in self.parts if not ok]


def judge(row: dict, target_minutes: int | None, has_hot_hours: bool) -> Judgement:
    target = row.get("target_visits")
    if not target:
        return Judgement("none")
    visits = row["visits"]
    parts = [
        (
            "visits",
            visits >= target - 1e-9,
            _("visits: %(n)s of %(t)s", n=visits, t=format_decimal(target, "#,##0.#")),
        )
    ]
    share = row["koper_visits"] / visits if visits else 0.0
    parts.append(
        (
            "koper",
            visits > 0 and share >= KOPER_SHARE,
            _(
                "10–16 minutes: %(share)s of the visits (target at least %(target)s)",
                share=format_percent(share),
                target=format_percent(KOPER_SHARE),
            ),
        )
    )
    if has_hot_hours:
        needed = target * (target_minutes or 15) * HOT_HOUR_SHARE
        parts.append(
            (
                "hot_hours",
                row["hot_hour_minutes"] >= needed - 1e-9,
                _(
                    "hot hours: %(m)s of %(t)s minutes",
                    m=format_decimal(row["hot_hour_minutes"], "#,##0.0"),
                    t=format_decimal(needed, "#,##0.0"),
                ),
            )
        )
    return Judgement("met" if all(ok for _k, ok, _t in parts) else "below", parts)


def judged_rows(area, p, spots: dict) -> list[dict]:
    """The coverage rows of a period, each judged on all of its target and beside the previous period's figures."""
    from fieldlog.coverage import services as coverage

    before = {r["id"]: r for r in coverage.coverage(area, periods.previous(p))["hotspots"]}
    rows = []
    for r in coverage.coverage(area, p)["hotspots"]:
        spot = spots.get(r["id"])
        verdict = judge(r, spot.target_minutes if spot else None, bool(spot and spot.hot_hours))
        rows.append({**r, "status": verdict.status, "short": verdict.short, "spot": spot, "prev": before.get(r["id"])})
    return rows
