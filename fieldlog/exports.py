"""Files people download: the attachment response, and Excel workbooks (``.xlsx``, openpyxl) with headers in the
user's language, local times as real date-time cells (timezone-naive, in the area's zone: Excel has no time zones),
numbers as numbers.

Beside the CSV of SPEC §3, which stays the machine-readable export: a Swedish Excel reads a CSV with the wrong
decimal separator and list delimiter, and shows times with offsets as text. The workbooks themselves are written
beside their features: visits in ``fieldlog.visits.exports``, coverage in ``fieldlog.supervisor.dashboard``;
records in their declared columns by ``columns_workbook``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME = "yyyy-mm-dd hh:mm"
MINUTES = "0.0"
PERCENT = "0%"
_COLUMN_FORMATS = {"datetime": DATETIME, "minutes": MINUTES}


def attachment(body, content_type: str, filename: str) -> Response:
    """A download: ``body`` (bytes, or a Response already holding them) saved as ``filename``."""
    response = body if isinstance(body, Response) else Response(body)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None


def sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], formats: dict[int, str]) -> None:
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


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def columns_workbook(columns, rows, export, title: str) -> bytes:
    """One sheet of records in their declared Excel columns (``RecordType.xlsx_columns`` of
    ``fieldlog.sync.records``, valued through ``export``): visits, activities."""
    headers = [str(column.header) for column in columns]
    data = [[column.value(row, export) for column in columns] for row in rows]
    formats = {i: _COLUMN_FORMATS[c.kind] for i, c in enumerate(columns, start=1) if c.kind is not None}
    wb = Workbook()
    sheet(wb, title, headers, data, formats)
    return workbook_bytes(wb)


def columns_csv(columns, rows, export) -> Iterator[str]:
    """The CSV export of records in their declared CSV columns (UTF-8 with a byte-order mark, a header row of the
    columns' names), one line per record; times as ``export`` gives them (the area's zone with their offset)."""
    values = [column.value for column in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow([column.name for column in columns])
    yield "\ufeff" + flush()  # a byte-order mark: spreadsheet programs then read UTF-8 (å, ä, ö) correctly
    for row in rows:
        writer.writerow([value(row, export) for value in values])
        yield flush()
