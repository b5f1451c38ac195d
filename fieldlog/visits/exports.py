"""The visits' exports, for the pages and the API alike: CSV (SPEC §3, machine-readable), GeoJSON (the visits
with a position) and Excel (``.xlsx``, for people). Columns are declared with the visit (``fieldlog.sync.records``);
the rows are the area's live visits of a period, oldest first."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import jsonify
from flask_babel import gettext as _

from fieldlog.areas.models import Area
from fieldlog.exports import XLSX, attachment, columns_csv, columns_workbook
from fieldlog.extensions import db
from fieldlog.periods import Period
from fieldlog.sync.records import VISIT, Export
from fieldlog.visits import review
from fieldlog.visits.labels import code_label, mode_label
from fieldlog.visits.models import Visit

FORMATS = ("csv", "geojson", "xlsx")


def rows(area: Area, p: Period) -> list:
    """The area's live visits of the period with their names, oldest first. Read in full before the response: the
    request boundary ends the transaction before a streamed body is sent."""
    query = review.filtered(area, p.start, p.end).order_by(None).order_by(Visit.started_at, Visit.id)
    return db.session.execute(query).all()


def download(fmt: str, area: Area, p: Period):
    """The export of the area's visits in the period as a file to save: ``visits-<area>-<first>-<last>.<fmt>``."""
    found = rows(area, p)
    if fmt == "csv":
        body, content_type = "".join(csv_lines(found, area.timezone)).encode("utf-8"), "text/csv; charset=utf-8"
    elif fmt == "geojson":
        body, content_type = jsonify(geojson(found)), "application/geo+json"
    elif fmt == "xlsx":
        body, content_type = visits_workbook(found, area.timezone), XLSX
    else:
        raise ValueError(fmt)
    return attachment(body, content_type, f"visits-{area.slug}-{p.first.isoformat()}-{p.last.isoformat()}.{fmt}")


def csv_lines(rows, timezone: str) -> Iterator[str]:
    """The CSV export (UTF-8, header row), one line per visit; times in the area's time zone with their offset."""
    return columns_csv(VISIT.csv_columns, rows, Export(ZoneInfo(timezone)))


def geojson(rows) -> dict:
    """A FeatureCollection of the visits that have a position (GeoJSON order: lon, lat)."""
    features = []
    for row in rows:
        v = row.Visit
        if v.lat is None or v.lon is None:
            continue
        props = review.wire(v, row.officer_username, row.flag_username)
        props.pop("position")
        props["hotspot"] = row.hotspot_name
        props["accuracy_m"] = v.accuracy_m
        features.append(
            {
                "type": "Feature",
                "id": str(v.id),
                "geometry": {"type": "Point", "coordinates": [v.lon, v.lat]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def visits_workbook(rows, timezone: str) -> bytes:
    """The visits, one row each, in the columns declared with the visit, codes in the user's language."""
    return columns_workbook(VISIT.xlsx_columns, rows, Export(ZoneInfo(timezone), mode_label, code_label), _("Visits"))
