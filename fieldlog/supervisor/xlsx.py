"""Excel exports (``.xlsx``, openpyxl): headers in the user's language, local times as real date-time cells
(timezone-naive, in the area's zone: Excel has no time zones), numbers as numbers, codes translated.

Beside the CSV of SPEC §3, which stays the machine-readable export: a Swedish Excel reads a CSV with the wrong
decimal separator and list delimiter, and shows times with offsets as text."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DATETIME = "yyyy-mm-dd hh:mm"
MINUTES = "0.0"
PERCENT = "0%"


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], formats: dict[int, str]) -> None:
    ws = wb.active if wb.active.max_row == 1 and wb.active.title == "Sheet" else wb.create_sheet()
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append(values)
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text that merely starts with "=": kept as text, never run as a formula
                cell.data_type = "s"
            fmt = formats.get(cell.column)
            if fmt and cell.value is not None:
                cell.number_format = fmt
    ws.freeze_panes = "B2"
    for i, header in enumerate(headers, start=1):
        width = max([len(header)] + [len(str(r[i - 1])) for r in rows[:200] if r[i - 1] is not None]) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 50)


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def visits_workbook(rows, timezone: str, mode_label, code_label) -> bytes:
    tz = ZoneInfo(timezone)
    headers = [
        _("Started"),
        _("Ended"),
        _("Minutes"),
        _("Hot spot"),
        _("Officer"),
        _("Username"),
        _("Logged"),
        _("Mode"),
        _("Officers"),
        _("Observations"),
        _("Activities"),
        _("Contacts"),
        _("Notes"),
        _("On site"),
        _("Distance (m)"),
        _("Latitude"),
        _("Longitude"),
        _("Accuracy (m)"),
        _("Flag"),
        _("Flagged by"),
        _("Flagged at"),
        _("Visit id"),
    ]
    data = []
    for row in rows:
        v = row.Visit
        minutes = round((v.ended_at - v.started_at).total_seconds() / 60, 1) if v.ended_at else None
        data.append(
            [
                _local(v.started_at, tz),
                _local(v.ended_at, tz),
                minutes,
                row.hotspot_name,
                row.officer_name,
                row.officer_username,
                _("After the fact") if v.entry == "after" else _("Live (Arrive/Leave)"),
                mode_label(v.mode),
                v.officers,
                ", ".join(code_label(c) for c in v.observations or []),
                ", ".join(code_label(c) for c in v.activities or []),
                v.contacts,
                v.notes or None,
                None if v.on_site is None else (_("yes") if v.on_site else _("no")),
                None if v.distance_m is None else round(v.distance_m),
                v.lat,
                v.lon,
                v.accuracy_m,
                v.flag_comment,
                row.flag_username,
                _local(v.flag_at, tz),
                str(v.id),
            ]
        )
    wb = Workbook()
    _sheet(wb, _("Visits"), headers, data, {1: DATETIME, 2: DATETIME, 3: MINUTES, 21: DATETIME})
    return _bytes(wb)


def coverage_workbook(rows: list[dict], officers: list[dict], timezone: str, status_label) -> bytes:
    tz = ZoneInfo(timezone)
    headers = [
        _("Hot spot"),
        _("Priority"),
        _("Visits"),
        _("Target"),
        _("Compliance"),
        _("Status"),
        _("Short of"),
        _("Presence time (min)"),
        _("Hot hours (min)"),
        _("Officer minutes"),
        _("Median visit (min)"),
        _("10–16 min visits"),
        _("On site"),
        _("Officers"),
        _("Last visit"),
        _("Visits, period before"),
        _("Presence time (min), period before"),
    ]
    data = [
        [
            r["name"],
            r["priority"],
            r["visits"],
            r["target_visits"],
            r["visit_compliance"],
            status_label(r["status"]),
            "; ".join(r.get("short") or []) or None,
            r["presence_minutes"],
            r["hot_hour_minutes"],
            r["officer_minutes"],
            r["median_visit_minutes"],
            r["koper_visits"],
            r["on_site_visits"],
            r["officers_distinct"],
            _local(r["last_visit_at"], tz),
            (r.get("prev") or {}).get("visits"),
            (r.get("prev") or {}).get("presence_minutes"),
        ]
        for r in rows
    ]
    wb = Workbook()
    formats = {4: "0.0", 5: PERCENT, 8: MINUTES, 9: MINUTES, 10: MINUTES, 11: MINUTES, 15: DATETIME, 17: MINUTES}
    _sheet(wb, _("Coverage"), headers, data, formats)
    officer_headers = [
        _("Officer"),
        _("Visits"),
        _("Hot spots"),
        _("Minutes at hot spots"),
        _("Officer minutes"),
        _("10–16 min visits"),
        _("Share of 10–16 min visits"),
    ]
    officer_rows = [
        [
            o["name"],
            o["visits"],
            o["hotspots"],
            round(o["minutes"], 1),
            round(o["officer_minutes"], 1),
            o["koper"],
            o["koper_share"],
        ]
        for o in officers
    ]
    _sheet(wb, _("Per officer"), officer_headers, officer_rows, {4: MINUTES, 5: MINUTES, 7: PERCENT})
    return _bytes(wb)
