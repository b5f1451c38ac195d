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

from fieldlog.sync.records import VISIT, Export

DATETIME = "yyyy-mm-dd hh:mm"
MINUTES = "0.0"
PERCENT = "0%"
_FORMATS = {"datetime": DATETIME, "minutes": MINUTES}


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
    """The visits, one row each, in the columns declared with the visit (``fieldlog.sync.records``)."""
    export = Export(ZoneInfo(timezone), mode_label, code_label)
    columns = VISIT.xlsx_columns
    headers = [str(column.header) for column in columns]
    data = [[column.value(row, export) for column in columns] for row in rows]
    formats = {i: _FORMATS[c.kind] for i, c in enumerate(columns, start=1) if c.kind is not None}
    wb = Workbook()
    _sheet(wb, _("Visits"), headers, data, formats)
    return _bytes(wb)


def columns_workbook(columns, rows, export: Export, title: str) -> bytes:
    """One sheet of records in their declared Excel columns (``RecordType.xlsx_columns``), e.g. activities."""
    headers = [str(column.header) for column in columns]
    data = [[column.value(row, export) for column in columns] for row in rows]
    formats = {i: _FORMATS[c.kind] for i, c in enumerate(columns, start=1) if c.kind is not None}
    wb = Workbook()
    _sheet(wb, title, headers, data, formats)
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
