"""Hot spot pages for supervisors and admins: one hot spot's coverage, creating, editing and archiving it.

A blueprint of its own (``supervisor.hotspots``), nested in the supervisor pages' blueprint under
``/supervisor/hotspots``; the API of hot spots is ``fieldlog.hotspots.api``, the rules ``fieldlog.hotspots.services``.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from fieldlog import periods
from fieldlog.areas.models import Area
from fieldlog.audit.services import entries_for
from fieldlog.coverage import services as coverage
from fieldlog.errors import Conflict, Invalid, StaleRevision
from fieldlog.extensions import db
from fieldlog.hotspots import services as hotspots
from fieldlog.hotspots.models import HotSpot
from fieldlog.hotspots.schemas import HotSpotInputSchema
from fieldlog.supervisor import charts
from fieldlog.supervisor.access import supervisor_required
from fieldlog.supervisor.forms import HotSpotForm, RevForm
from fieldlog.supervisor.pages import area_or_404, confirmed, page_period, tiles
from fieldlog.supervisor.targets import judged_rows

bp = Blueprint("hotspots", __name__, url_prefix="/hotspots")


def _hot_mask(hot_hours: list[dict]) -> list[list[bool]]:
    """Which weekday × hour cells the hot hours touch (Mon..Sun × 0..23); past midnight spills into the next day."""
    mask = [[False] * 24 for _ in range(7)]
    for window in hot_hours or []:
        start = int(window["from"][:2]) * 60 + int(window["from"][3:])
        end = int(window["to"][:2]) * 60 + int(window["to"][3:])
        length = (end - start) % 1440
        for day in window["days"]:
            for hour in range(start // 60, (start + length - 1) // 60 + 1):
                absolute = (day - 1) * 24 + hour
                mask[(absolute // 24) % 7][absolute % 24] = True
    return mask


def _heat(grid: list[list[float]]) -> list[list[int]]:
    peak = max((m for day in grid for m in day), default=0) or 1
    return [[0 if m <= 0 else min(5, 1 + int(4 * m / peak)) for m in day] for day in grid]


def _hotspot_or_404(hotspot_id: uuid.UUID) -> HotSpot:
    """The hot spot if it is within the user's area; otherwise the 404 page (``fieldlog.scope``)."""
    return hotspots.get_for(current_user, hotspot_id)


@bp.get("/<uuid:hotspot_id>")
@supervisor_required
def detail(hotspot_id: uuid.UUID):
    spot = _hotspot_or_404(hotspot_id)
    preset, p = page_period(spot.area, "last_4_weeks")
    row = next((r for r in judged_rows(spot.area, p, {spot.id: spot}) if r["id"] == spot.id), None)
    grid = coverage.grid(spot, p)
    _mondays, weekly = coverage.weekly_figures(spot.area, 12, p.last, [spot])
    chart = charts.weekly_chart(
        weekly[spot.id], "weekly", _("Visits per week at %(name)s, the last 12 weeks", name=spot.name)
    )
    return render_template(
        "supervisor/hotspot.html",
        spot=spot,
        row=row,
        preset=preset,
        period=p,
        grid=grid,
        heat=_heat(grid),
        hot=_hot_mask(spot.hot_hours),
        weekly=weekly[spot.id],
        chart=chart,
        previous=periods.previous(p),
        archive_form=RevForm(rev=spot.rev),
        audit=entries_for("hotspot", [str(spot.id)]),
        tiles=tiles(),
    )


def _form_errors_from(e: ValidationError, form: HotSpotForm) -> None:
    """The service schema's objections, beside the fields they concern (never a raw field name on the page)."""
    fields = e.messages if isinstance(e.messages, dict) else {"_schema": e.messages}
    for name, messages in fields.items():
        if name == "hot_hours":
            rows = messages if isinstance(messages, dict) else {}
            filled = [i for i, row in enumerate(form.hot_hours) if not row.form.is_empty()]
            problems = dict(form.hot_hour_problems)
            for index in rows or [None]:
                position = filled[index] if isinstance(index, int) and index < len(filled) else 0
                problems[position] = _("Window %(n)s:", n=position + 1) + " " + _("Check the days and times.")
            form.hot_hour_problems = problems
            continue
        target = getattr(form, name, None)
        text = [m if isinstance(m, str) else str(m) for m in (messages if isinstance(messages, list) else [messages])]
        if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
            target.errors.extend(text)
        else:
            flash(_("The hot spot could not be saved. Check the form."), "error")


@bp.route("/new", methods=["GET", "POST"])
@supervisor_required
def new():
    area = area_or_404()
    form = HotSpotForm()
    if request.method == "GET":
        form.lat.data, form.lon.data = _area_centre(area)
    if form.validate_on_submit():
        data = form.data_for_service()
        try:
            HotSpotInputSchema().load(data)
            data["area"] = area.slug
            spot = hotspots.create(current_user, data)
        except ValidationError as e:
            _form_errors_from(e, form)
        except (Invalid, Conflict) as e:
            flash(_(e.message), "error")
        else:
            flash(_("Hot spot %(name)s created.", name=spot.name), "info")
            return redirect(url_for(".detail", hotspot_id=spot.id))
    return render_template("supervisor/hotspot_form.html", form=form, spot=None, area=area, tiles=tiles()), (
        400 if request.method == "POST" else 200
    )


def _area_centre(area: Area) -> tuple[float, float]:
    spots = hotspots.list_for(current_user, area.slug)
    if spots:
        return (sum(s.lat for s in spots) / len(spots), sum(s.lon for s in spots) / len(spots))
    return (57.4955, 13.1090)  # Svenljunga; any start point works, the supervisor places the spot


@bp.route("/<uuid:hotspot_id>/edit", methods=["GET", "POST"])
@supervisor_required
def edit(hotspot_id: uuid.UUID):
    spot = _hotspot_or_404(hotspot_id)
    if spot.deleted:
        flash(_("This hot spot is archived and cannot be changed."), "error")
        return redirect(url_for(".detail", hotspot_id=spot.id))
    form = HotSpotForm(obj=spot) if request.method == "GET" else HotSpotForm()
    status = 200
    if request.method == "GET":
        form.rev.data = spot.rev
        for i, window in enumerate(spot.hot_hours or []):
            if i >= len(form.hot_hours):
                form.hot_hours.append_entry()
            row = form.hot_hours[i]
            row.days.data, row.start.data, row.end.data = window["days"], window["from"], window["to"]
        form.hot_hours.append_entry()
    elif form.validate_on_submit():
        data = form.data_for_service()
        try:
            HotSpotInputSchema().load(data)
            expected = int(form.rev.data) if (form.rev.data or "").isdigit() else -1
            hotspots.update(current_user, spot, data, expected)
        except ValidationError as e:
            _form_errors_from(e, form)
            status = 400
        except StaleRevision:
            db.session.rollback()
            spot = _hotspot_or_404(hotspot_id)
            flash(
                _(
                    "Someone changed this hot spot meanwhile (now version %(rev)s). Your changes were not saved: "
                    "compare with the current values below and save again.",
                    rev=spot.rev,
                ),
                "error",
            )
            form.rev.data = spot.rev
            return render_template(
                "supervisor/hotspot_form.html", form=form, spot=spot, area=spot.area, tiles=tiles(), conflict=True
            ), 409
        except (Invalid, Conflict) as e:
            flash(_(e.message), "error")
            status = 400
        else:
            flash(_("Hot spot %(name)s saved.", name=spot.name), "info")
            return redirect(url_for(".detail", hotspot_id=spot.id))
    else:
        status = 400
    return render_template("supervisor/hotspot_form.html", form=form, spot=spot, area=spot.area, tiles=tiles()), status


@bp.post("/<uuid:hotspot_id>/archive")
@supervisor_required
def archive(hotspot_id: uuid.UUID):
    spot = _hotspot_or_404(hotspot_id)
    form = RevForm()
    if not form.validate_on_submit() or not form.rev.data.isdigit():
        abort(400)
    if not confirmed():
        flash(_("Nothing was archived: tick the box to confirm first."), "error")
        return redirect(url_for(".detail", hotspot_id=spot.id) + "#archive", 303)
    try:
        hotspots.archive(current_user, spot, int(form.rev.data))
    except StaleRevision:
        flash(_("Someone changed this hot spot meanwhile. Look at it again before archiving."), "error")
        return redirect(url_for(".detail", hotspot_id=spot.id), 303)
    flash(_("Hot spot %(name)s archived.", name=spot.name), "info")
    return redirect(url_for("supervisor.dashboard"), 303)
