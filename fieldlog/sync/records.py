"""Synced record types — what phones create offline and sync exactly once (SPEC §3) — each declared once.

A ``RecordType`` says, for its type:

* ``name``: the ``type`` of its pull changes; its mutation types are ``<name>.upsert`` and ``<name>.delete``;
* ``model``: where it is stored — a table with ``id``, ``rev``, ``deleted``, ``created_at``, ``updated_at``,
  ``change_seq`` and the owner column;
* ``input_schema``: what a phone sends as a mutation's ``data``. Its fields *are* the wire fields. Each is stored in
  the column of its name, except those in ``stored_as`` (a nested object kept as several columns); those columns are
  the client-decided ones: equal in all of them is "the same record" (push rule 3);
* ``rules``: a ``Rules`` class, made once per push and type — the checks that need the clock, the configuration or
  the database, the server-derived columns, what an edit does besides;
* ``wire_schema`` and ``wire_source``: a stored row as the server sends it (pull, conflicts, lists); ``user_columns``
  are shown as usernames;
* what a pull carries: the rows whose ``owner_column`` is the user (or ``pull_scope``); in a snapshot only live rows
  whose ``snapshot_column`` lies within the last SNAPSHOT_DAYS. With ``pull_visible``, a narrower condition, the
  rows of ``pull_scope`` that are not visible to the user are sent as removals (``deleted: true``, no data): a row
  can then leave what a user sees (an area's planned activity that another officer marks done) and the phone is
  told so;
* ``csv_columns`` / ``xlsx_columns``: the exports, each column's name and value written once, side by side.

Push (``fieldlog.sync.push``), pull (``fieldlog.sync.pull``) and the sync schemas read ``RECORDS`` / ``MUTATIONS``.

**Adding a type** (``activity``, SPEC §6) takes: its feature package (model with the columns above and a migration,
input and wire schemas, its checks); here, a ``Rules`` subclass and one ``RecordType`` appended to ``RECORDS`` (a
type's pull rank is its place in that list: append, never insert — old cursors that ended a page then reset once);
and its entry on the officer app's side. Push, pull and their schemas need no edit.

A record that is only ever created and never pulled back (a kiosk's survey response, SPEC §7) is a ``CreateOnlyType``
in ``CREATE_ONLY`` instead: one ``<name>.create`` mutation type, applied by its own handler, its first result kept in
the mutation log like any other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from sqlalchemy import Table, and_, bindparam, or_, select

from fieldlog.activities import services as activities
from fieldlog.activities.labels import PARTNER_LABELS, STATUS_LABELS, TOPIC_LABELS, TYPE_LABELS, grades_text, label
from fieldlog.activities.labels import labels as code_labels
from fieldlog.activities.models import Activity
from fieldlog.activities.schemas import ActivityInputSchema, ActivitySchema
from fieldlog.db import ByIds
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.surveys import sync as surveys
from fieldlog.surveys.schemas import KioskResponseSchema
from fieldlog.visits import services as visits
from fieldlog.visits.models import Visit
from fieldlog.visits.schemas import VisitInputSchema, VisitSchema


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export: its name (the CSV header; for Excel, what it shows) and how a row gives its value.

    ``value(row, export)``: ``row`` is a row of the exporting query (the record under its model's name, joined
    names beside it), ``export`` the export's ``Export`` (time zone, labels). Excel columns carry a translated
    ``header`` and a ``kind`` (``datetime`` or ``minutes``) for the cell's number format."""

    name: str
    value: Callable[[Any, Export], Any]
    header: Any = None
    kind: str | None = None


@dataclass(frozen=True)
class Export:
    """What an export's values depend on besides the row."""

    tz: ZoneInfo
    mode_label: Callable[[str], str] = str
    code_label: Callable[[str], str] = str


class Rules:
    """A record type's own rules during one push: one instance per push and type, so that what the rules need (the
    area's hot spots, the configuration) is loaded once. The defaults are those of a record its owner alone may
    change, with no checks beyond its input schema and nothing derived."""

    def __init__(self, record: RecordType, actor, now: datetime):
        self.record = record
        self.actor = actor
        self.now = now
        # The push's connection (the session's, in its transaction), set by the push that made these rules: their
        # look-ups run on it rather than asking the session for it again. None: ask the session.
        self.connection = None

    def may_change(self, row: Mapping) -> bool:
        """Whether the pushing user may change this stored row (otherwise: rejected / forbidden)."""
        return row[self.record.owner_column] == self.actor.user_id

    def may_create(self) -> bool:
        """Whether the pushing user may create a record of this type (otherwise: rejected / forbidden)."""
        return True

    def new_row(self, record_id: uuid.UUID) -> dict:
        """The columns of a new record that the phone does not send."""
        return {
            "id": record_id,
            self.record.owner_column: self.actor.user_id,
            "created_at": self.now,
            "rev": 1,
            "deleted": False,
        }

    def prepare(self, items: list[dict]) -> None:
        """Called once per push with every valid loaded payload of this type, before any is applied: load here at
        once what ``columns`` will need for them (a visit's hot spots), rather than all of it or one at a time."""

    def columns(self, data: dict) -> tuple[dict[str, list[str]], dict | None]:
        """A loaded payload checked: the reasons, per field, why it cannot be stored, or (no reasons) its stored
        columns — the phone's and those the server derives. One call for both: it runs for every pushed record."""
        return {}, self.record.client_values(data)

    def edited(self, record_id: uuid.UUID, row: dict) -> Sequence[dict]:
        """What an applied upsert does besides storing ``row`` (already updated; may be changed here): audit rows."""
        return ()


@dataclass(frozen=True, eq=False)
class RecordType:
    name: str
    model: type
    input_schema: type[Schema]
    wire_schema: type[Schema]
    wire_source: Callable[[Any, Mapping[int, str]], dict]
    rules: type[Rules]
    owner_column: str
    snapshot_column: str
    stored_as: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    user_columns: tuple[str, ...] = ()
    device_column: str | None = None
    pull_scope: Callable[[Table, Any], Any] | None = None
    pull_visible: Callable[[Table, Any], Any] | None = None
    csv_columns: tuple[ExportColumn, ...] = ()
    xlsx_columns: tuple[ExportColumn, ...] = ()

    def __post_init__(self) -> None:
        wire_fields = tuple(self.input_schema._declared_fields)
        flat_fields = tuple(f for f in wire_fields if f not in self.stored_as)
        table = self.model.__table__
        derived = {
            "table": table,
            # The rows of some ids (a push's records), as a statement built once.
            "by_ids": ByIds(select(table), table.c.id),
            "upsert": f"{self.name}.upsert",
            "delete": f"{self.name}.delete",
            "wire_fields": wire_fields,
            "client_columns": tuple(c for f in wire_fields for c in self.stored_as.get(f, (f,))),
            "loader": self.input_schema(),
            "dumper": self.wire_schema(),
            # The fields stored in their own column, picked at once; then each ``stored_as`` field's columns.
            "_flat_fields": flat_fields,
            "_pick": _picker(flat_fields),
            "_nested": tuple(
                (f, columns, _picker(columns), dict.fromkeys(columns)) for f, columns in self.stored_as.items()
            ),
        }
        for key, value in derived.items():
            object.__setattr__(self, key, value)

    # -- push

    def client_values(self, data: dict) -> dict:
        """A loaded payload's client-decided columns (``stored_as`` fields flattened; absent → NULL)."""
        # itemgetter and zip: this runs for every pushed record, and a dict built in C costs half a Python loop's.
        # (A loaded payload holds every field: each is required or has a default.)
        values = dict(zip(self._flat_fields, self._pick(data), strict=True))
        for wire_field, columns, pick, nulls in self._nested:
            nested = data[wire_field]
            if nested is None:
                values.update(nulls)
            else:
                try:
                    values.update(zip(columns, pick(nested), strict=True))
                except KeyError:  # a key the nested schema lets be absent
                    values.update({column: nested.get(column) for column in columns})
        return values

    def same_client_data(self, stored: Mapping, values: Mapping) -> bool:
        """Push rule 3: a resent create is "the same" when every client-decided column is equal."""
        return all(stored[name] == values[name] for name in self.client_columns)

    # -- wire

    def to_wire(self, row, usernames: Mapping[int, str]) -> dict:
        return self.dumper.dump(self.wire_source(row, usernames))

    def to_wire_many(self, rows, usernames: Mapping[int, str]) -> list[dict]:
        return self.dumper.dump([self.wire_source(row, usernames) for row in rows], many=True)

    # -- pull

    def scope(self, user):
        """Which rows of this type a pull gives this user."""
        if self.pull_scope is not None:
            return self.pull_scope(self.table, user)
        return self.table.c[self.owner_column] == user.id

    def visible(self, user):
        """Which rows of its scope a pull shows this user (the others, as removals); None: all of them."""
        if self.pull_visible is not None:
            return self.pull_visible(self.table, user)
        return None


def _picker(keys: tuple[str, ...]) -> Callable[[Mapping], tuple]:
    """A function that picks these keys' values from a mapping, as a tuple (in C: ``itemgetter``)."""
    pick = itemgetter(*keys)
    return pick if len(keys) > 1 else lambda mapping: (pick(mapping),)


# ---------------------------------------------------------------------------------------------------------- visit


_SPOT = HotSpot.__table__
_HOTSPOTS = ByIds(
    select(_SPOT.c.id, _SPOT.c.lat, _SPOT.c.lon, _SPOT.c.radius_m, _SPOT.c.deleted, _SPOT.c.deleted_at).where(
        _SPOT.c.area_id == bindparam("area_id")
    ),
    _SPOT.c.id,
)


_UNSEEN = object()


class VisitRules(Rules):
    """SPEC §2's visit rules that need the clock, the configuration or the hot spot (``visits.check_visit``), the
    derived ``distance_m`` / ``on_site``, and push rule 4: an edit answers (clears) a supervisor's flag."""

    def __init__(self, record: RecordType, actor, now: datetime):
        super().__init__(record, actor, now)
        # Hot spot id -> its row, or None for an id looked up and not found (not of the officer's area).
        self._hotspots: dict[uuid.UUID, dict | None] = {}
        self._limits: visits.VisitLimits | None = None

    def prepare(self, items: list[dict]) -> None:
        self._load({item["hotspot_id"] for item in items})

    def _load(self, ids: set[uuid.UUID]) -> None:
        """The hot spots these visits name — those of the officer's area (another area's is "unknown"), in one query:
        a phone's push after each save names one, and the area may have hundreds — and the limits."""
        connection = self.connection if self.connection is not None else db.session
        rows = _HOTSPOTS.rows(connection, ids, area_id=self.actor.area_id)
        self._hotspots.update(dict.fromkeys(ids))
        self._hotspots.update((row.id, row._asdict()) for row in rows)
        self._limits = visits.VisitLimits.from_config(current_app.config)

    def columns(self, data: dict) -> tuple[dict[str, list[str]], dict | None]:
        hotspot_id = data["hotspot_id"]
        hotspot = self._hotspots.get(hotspot_id, _UNSEEN)  # one look-up: this runs for every pushed visit
        if hotspot is _UNSEEN:
            self._load({hotspot_id})  # not prepared for it (a caller that skipped prepare): looked up alone
            hotspot = self._hotspots[hotspot_id]
        errors = visits.check_visit(data, hotspot, self.now, self._limits)
        if errors:
            return errors, None
        values = self.record.client_values(data)
        values["distance_m"], values["on_site"] = visits.derived_position(data["position"], hotspot)
        return errors, values

    def edited(self, record_id: uuid.UUID, row: dict) -> Sequence[dict]:
        # Read from the row already in hand: no work for visits without a flag. The audit log says the flag was
        # answered, which the supervisor's dashboard lists.
        audit = ()
        if row.get("flag_at") is not None:
            audit = (
                {
                    "at": self.now,
                    "actor_id": self.actor.user_id,
                    "entity_type": self.record.name,
                    "entity_id": str(record_id),
                    "action": "flag_answered",
                    "before": {
                        "comment": row.get("flag_comment"),
                        "by_id": row.get("flag_by_id"),
                        "at": row["flag_at"].isoformat(),
                    },
                    "after": None,
                },
            )
        row.update(flag_comment=None, flag_by_id=None, flag_at=None)
        return audit


def csv_text(value) -> str:
    """Text a spreadsheet shows as text: a leading =, +, - or @ would otherwise run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    value = str(value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _minutes(visit) -> float | None:
    if visit.ended_at is None:
        return None
    return round((visit.ended_at - visit.started_at).total_seconds() / 60, 1)


def _iso(moment: datetime | None, tz: ZoneInfo) -> str:
    """A time in the area's zone with its offset (CSV)."""
    return moment.astimezone(tz).isoformat() if moment is not None else ""


def _naive(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A local time as Excel wants it: in the area's zone, without one (Excel has no time zones)."""
    return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None


def _blank(value):
    return "" if value is None else value


# The CSV export of SPEC §3 (machine-readable): codes, times with offsets.
VISIT_CSV = (
    ExportColumn("id", lambda r, e: r.Visit.id),
    ExportColumn("hotspot_id", lambda r, e: r.Visit.hotspot_id),
    ExportColumn("hotspot", lambda r, e: csv_text(r.hotspot_name)),
    ExportColumn("officer", lambda r, e: r.officer_username),
    ExportColumn("started_at", lambda r, e: _iso(r.Visit.started_at, e.tz)),
    ExportColumn("ended_at", lambda r, e: _iso(r.Visit.ended_at, e.tz)),
    ExportColumn("duration_minutes", lambda r, e: _blank(_minutes(r.Visit))),
    ExportColumn("mode", lambda r, e: r.Visit.mode),
    ExportColumn("officers", lambda r, e: r.Visit.officers),
    ExportColumn("observations", lambda r, e: ";".join(r.Visit.observations or [])),
    ExportColumn("activities", lambda r, e: ";".join(r.Visit.activities or [])),
    ExportColumn("contacts", lambda r, e: r.Visit.contacts),
    ExportColumn("notes", lambda r, e: csv_text(r.Visit.notes)),
    ExportColumn("entry", lambda r, e: r.Visit.entry),
    ExportColumn("lat", lambda r, e: csv_text(r.Visit.lat)),
    ExportColumn("lon", lambda r, e: csv_text(r.Visit.lon)),
    ExportColumn("accuracy_m", lambda r, e: csv_text(r.Visit.accuracy_m)),
    ExportColumn("distance_m", lambda r, e: csv_text(r.Visit.distance_m)),
    ExportColumn("on_site", lambda r, e: csv_text(r.Visit.on_site)),
    ExportColumn("flag_comment", lambda r, e: csv_text(r.Visit.flag_comment)),
    ExportColumn("flag_by", lambda r, e: r.flag_username or ""),
    ExportColumn("flag_at", lambda r, e: _iso(r.Visit.flag_at, e.tz)),
    ExportColumn("rev", lambda r, e: r.Visit.rev),
)

# The Excel export (people's): headers in the user's language, local times as date-time cells, codes translated.
# A column's name is the stored column it shows.
VISIT_XLSX = (
    ExportColumn("started_at", lambda r, e: _naive(r.Visit.started_at, e.tz), _l("Started"), "datetime"),
    ExportColumn("ended_at", lambda r, e: _naive(r.Visit.ended_at, e.tz), _l("Ended"), "datetime"),
    ExportColumn("duration_minutes", lambda r, e: _minutes(r.Visit), _l("Minutes"), "minutes"),
    ExportColumn("hotspot_id", lambda r, e: r.hotspot_name, _l("Hot spot")),
    ExportColumn("officer_name", lambda r, e: r.officer_name, _l("Officer")),
    ExportColumn("officer", lambda r, e: r.officer_username, _l("Username")),
    ExportColumn(
        "entry",
        lambda r, e: _("After the fact") if r.Visit.entry == "after" else _("Live (Arrive/Leave)"),
        _l("Logged"),
    ),
    ExportColumn("mode", lambda r, e: e.mode_label(r.Visit.mode), _l("Mode")),
    ExportColumn("officers", lambda r, e: r.Visit.officers, _l("Officers")),
    ExportColumn(
        "observations", lambda r, e: ", ".join(e.code_label(c) for c in r.Visit.observations or []), _l("Observations")
    ),
    ExportColumn(
        "activities", lambda r, e: ", ".join(e.code_label(c) for c in r.Visit.activities or []), _l("Activities")
    ),
    ExportColumn("contacts", lambda r, e: r.Visit.contacts, _l("Contacts")),
    ExportColumn("notes", lambda r, e: r.Visit.notes or None, _l("Notes")),
    ExportColumn(
        "on_site",
        lambda r, e: None if r.Visit.on_site is None else (_("yes") if r.Visit.on_site else _("no")),
        _l("On site"),
    ),
    ExportColumn(
        "distance_m",
        lambda r, e: None if r.Visit.distance_m is None else round(r.Visit.distance_m),
        _l("Distance (m)"),
    ),
    ExportColumn("lat", lambda r, e: r.Visit.lat, _l("Latitude")),
    ExportColumn("lon", lambda r, e: r.Visit.lon, _l("Longitude")),
    ExportColumn("accuracy_m", lambda r, e: r.Visit.accuracy_m, _l("Accuracy (m)")),
    ExportColumn("flag_comment", lambda r, e: r.Visit.flag_comment, _l("Flag")),
    ExportColumn("flag_by", lambda r, e: r.flag_username, _l("Flagged by")),
    ExportColumn("flag_at", lambda r, e: _naive(r.Visit.flag_at, e.tz), _l("Flagged at"), "datetime"),
    ExportColumn("id", lambda r, e: str(r.Visit.id), _l("Visit id")),
)

VISIT = RecordType(
    name="visit",
    model=Visit,
    input_schema=VisitInputSchema,
    wire_schema=VisitSchema,
    wire_source=visits.wire_source,
    rules=VisitRules,
    owner_column="officer_id",
    snapshot_column="started_at",
    stored_as={"position": ("lat", "lon", "accuracy_m")},
    user_columns=("officer_id", "flag_by_id"),
    device_column="device_id",
    csv_columns=VISIT_CSV,
    xlsx_columns=VISIT_XLSX,
)

# ------------------------------------------------------------------------------------------------------- activity


class ActivityRules(Rules):
    """SPEC §6's activity rules that need the clock or the database (``activities.check_activity``), ``area`` from
    the token, and who may change what: an officer their own activities, a supervisor any in their own area."""

    def __init__(self, record: RecordType, actor, now: datetime):
        super().__init__(record, actor, now)
        self._hotspots: dict[uuid.UUID, dict] | None = None

    def may_change(self, row: Mapping) -> bool:
        if row["officer_id"] == self.actor.user_id:
            return True
        actor = self.actor
        return actor.role == "supervisor" and actor.area_id is not None and row["area_id"] == actor.area_id

    def may_create(self) -> bool:
        # An activity belongs to an area: a user without one (an admin) has nowhere to log it.
        return self.actor.area_id is not None and self.actor.role in ("officer", "supervisor")

    def new_row(self, record_id: uuid.UUID) -> dict:
        row = super().new_row(record_id)
        row["area_id"] = self.actor.area_id
        return row

    def columns(self, data: dict) -> tuple[dict[str, list[str]], dict | None]:
        hotspot = None
        if data["hotspot_id"] is not None:
            if self._hotspots is None:
                table = HotSpot.__table__
                rows = db.session.execute(
                    select(table.c.id, table.c.deleted, table.c.deleted_at).where(table.c.area_id == self.actor.area_id)
                )
                self._hotspots = {row.id: dict(row._mapping) for row in rows}
            hotspot = self._hotspots.get(data["hotspot_id"])
        errors = activities.check_activity(data, hotspot, self.now)
        if errors:
            return errors, None
        return errors, self.record.client_values(data)


def _activity_scope(table: Table, user):
    """A pull walks the changes of the user's own activities and of every activity of the user's area ..."""
    if user.area_id is None:
        return table.c.officer_id == user.id
    return or_(table.c.officer_id == user.id, table.c.area_id == user.area_id)


def _activity_visible(table: Table, user):
    """... and shows the user's own and the area's planned ones (SPEC §6); another's that is no longer planned
    (done, cancelled) reaches the phone as a removal."""
    return or_(table.c.officer_id == user.id, and_(table.c.area_id == user.area_id, table.c.status == "planned"))


def _activity_minutes(activity) -> float | None:
    if activity.ends_at is None:
        return None
    return round((activity.ends_at - activity.starts_at).total_seconds() / 60, 1)


# The CSV export of SPEC §6 (machine-readable): codes, times with offsets.
ACTIVITY_CSV = (
    ExportColumn("id", lambda r, e: r.Activity.id),
    ExportColumn("type", lambda r, e: r.Activity.type),
    ExportColumn("status", lambda r, e: r.Activity.status),
    ExportColumn("starts_at", lambda r, e: _iso(r.Activity.starts_at, e.tz)),
    ExportColumn("ends_at", lambda r, e: _iso(r.Activity.ends_at, e.tz)),
    ExportColumn("duration_minutes", lambda r, e: _blank(_activity_minutes(r.Activity))),
    ExportColumn("officer", lambda r, e: r.officer_username),
    ExportColumn("place", lambda r, e: csv_text(r.Activity.place)),
    ExportColumn("hotspot_id", lambda r, e: _blank(r.Activity.hotspot_id)),
    ExportColumn("hotspot", lambda r, e: csv_text(r.hotspot_name)),
    ExportColumn("school", lambda r, e: csv_text(r.Activity.school)),
    ExportColumn("grades", lambda r, e: ";".join(str(g) for g in r.Activity.grades or [])),
    ExportColumn("group", lambda r, e: csv_text(r.Activity.group)),
    ExportColumn("participants", lambda r, e: _blank(r.Activity.participants)),
    ExportColumn("staff", lambda r, e: _blank(r.Activity.staff)),
    ExportColumn("topics", lambda r, e: ";".join(r.Activity.topics or [])),
    ExportColumn("partners", lambda r, e: ";".join(r.Activity.partners or [])),
    ExportColumn("notes", lambda r, e: csv_text(r.Activity.notes)),
    ExportColumn("rev", lambda r, e: r.Activity.rev),
)

# The Excel export (people's): headers in the user's language, local times as date-time cells, codes translated.
ACTIVITY_XLSX = (
    ExportColumn("starts_at", lambda r, e: _naive(r.Activity.starts_at, e.tz), _l("Starts"), "datetime"),
    ExportColumn("ends_at", lambda r, e: _naive(r.Activity.ends_at, e.tz), _l("Ends"), "datetime"),
    ExportColumn("duration_minutes", lambda r, e: _activity_minutes(r.Activity), _l("Minutes"), "minutes"),
    ExportColumn("type", lambda r, e: label(TYPE_LABELS, r.Activity.type), _l("Type")),
    ExportColumn("status", lambda r, e: label(STATUS_LABELS, r.Activity.status), _l("Status")),
    ExportColumn("officer_name", lambda r, e: r.officer_name, _l("Logged by")),
    ExportColumn("officer", lambda r, e: r.officer_username, _l("Username")),
    ExportColumn("place", lambda r, e: r.Activity.place or None, _l("Place")),
    ExportColumn("hotspot_id", lambda r, e: r.hotspot_name, _l("Hot spot")),
    ExportColumn("school", lambda r, e: r.Activity.school or None, _l("School")),
    ExportColumn("grades", lambda r, e: grades_text(r.Activity.grades) or None, _l("Grades")),
    ExportColumn("group", lambda r, e: r.Activity.group or None, _l("Class")),
    ExportColumn("participants", lambda r, e: r.Activity.participants, _l("Participants")),
    ExportColumn("staff", lambda r, e: r.Activity.staff, _l("Staff")),
    ExportColumn("topics", lambda r, e: code_labels(TOPIC_LABELS, r.Activity.topics) or None, _l("Topics")),
    ExportColumn("partners", lambda r, e: code_labels(PARTNER_LABELS, r.Activity.partners) or None, _l("Partners")),
    ExportColumn("notes", lambda r, e: r.Activity.notes or None, _l("Notes")),
    ExportColumn("id", lambda r, e: str(r.Activity.id), _l("Activity id")),
)

ACTIVITY = RecordType(
    name="activity",
    model=Activity,
    input_schema=ActivityInputSchema,
    wire_schema=ActivitySchema,
    wire_source=activities.wire_source,
    rules=ActivityRules,
    owner_column="officer_id",
    snapshot_column="starts_at",
    user_columns=("officer_id",),
    device_column="device_id",
    pull_scope=_activity_scope,
    pull_visible=_activity_visible,
    csv_columns=ACTIVITY_CSV,
    xlsx_columns=ACTIVITY_XLSX,
)

# ------------------------------------------------------------------------------------------------------- registry

# In pull order (after hot spots): append new types at the end.
RECORDS: dict[str, RecordType] = {record.name: record for record in (VISIT, ACTIVITY)}

# Mutation type → (record type, operation).
MUTATIONS: dict[str, tuple[RecordType, str]] = {
    name: (record, operation)
    for record in RECORDS.values()
    for operation, name in (("upsert", record.upsert), ("delete", record.delete))
}


@dataclass(frozen=True)
class CreateOnlyType:
    """A record a phone creates once and never reads back (a kiosk's survey response, SPEC §7): no rev to update, no
    pull, no export. Its one mutation type ``<name>.create`` is applied by ``apply(actor, now, head, mutation)``,
    which returns the mutation's result; the push stores that result with the mutation id as for any other type, so
    a replay answers the same (rule 1). ``input_schema`` describes ``data`` in the OpenAPI document."""

    name: str
    input_schema: type[Schema]
    apply: Callable[[Any, datetime, dict, dict], dict]

    @property
    def create(self) -> str:
        return f"{self.name}.create"


SURVEY_RESPONSE = CreateOnlyType(surveys.NAME, KioskResponseSchema, surveys.apply_create)

# Mutation type → its create-only type. Apart from MUTATIONS: the push's set-based path for visits never sees them.
CREATE_ONLY: dict[str, CreateOnlyType] = {record.create: record for record in (SURVEY_RESPONSE,)}
