"""People and devices (supervisors: the officers of their area; admins: everyone) and areas (admins)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from fieldlog import scope
from fieldlog.areas.models import Area
from fieldlog.areas.services import parse_origins, update_public_settings
from fieldlog.audit import services as audit
from fieldlog.audit.services import entries_for
from fieldlog.auth.models import Device, User
from fieldlog.auth.services import AccountError, create_user, reset_password, revoke_device, revoke_devices
from fieldlog.db import utcnow
from fieldlog.errors import Invalid
from fieldlog.extensions import db
from fieldlog.supervisor.access import admin_required, all_areas, current_area, supervisor_required
from fieldlog.supervisor.dashboard import bp
from fieldlog.supervisor.forms import AreaForm, ButtonForm, PasswordForm, UserForm
from fieldlog.supervisor.pages import confirmed


def _snapshot(user: User) -> dict:
    """What the audit log keeps of an account: never the password hash."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "area": user.area.slug if user.area else None,
        "active": user.active,
    }


def _manageable_or_404(user_id: int) -> User:
    """Supervisors manage the officers of their own area; admins everyone but themselves' role."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not scope.may_see(current_user, user.area_id) or (current_user.role != "admin" and user.role != "officer"):
        abort(404)
    return user


@bp.route("/people", methods=["GET", "POST"])
@supervisor_required
def people():
    area = current_area()
    form = UserForm()
    areas = all_areas()
    if current_user.role == "admin":
        form.area.choices = [SelectChoice(a.id, a.name) for a in areas]
    else:
        form.area.choices = [SelectChoice(current_user.area_id, current_user.area.name)]
    role = "officer"
    if current_user.role == "admin" and request.form.get("role") in ("officer", "supervisor"):
        role = request.form["role"]
    status = 200
    if form.validate_on_submit():
        target_area = current_user.area
        if current_user.role == "admin":
            target_area = db.session.get(Area, form.area.data) if form.area.data else None
        if target_area is None:
            form.area.errors.append(_("Choose an area."))
            status = 400
        else:
            try:
                user = create_user(
                    form.username.data, form.password.data, role, area=target_area, display_name=form.display_name.data
                )
            except AccountError as e:
                getattr(form, e.field).errors.append(_account_error(e))
                status = 400
            else:
                audit.record(current_user, "user", user.id, "create", None, _snapshot(user))
                flash(_("Account %(username)s created.", username=user.username), "info")
                return redirect(url_for("supervisor.person", user_id=user.id), 303)
    elif request.method == "POST":
        status = 400
    query = select(User).order_by(User.role, User.display_name)
    if current_user.role != "admin":
        query = query.where(User.area_id == current_user.area_id, User.role == "officer")
    elif area is not None and request.args.get("all") != "1":
        query = query.where((User.area_id == area.id) | (User.role == "admin"))
    users = list(db.session.scalars(query))
    last_seen = dict(
        db.session.execute(
            select(Device.user_id, db.func.max(Device.last_seen_at))
            .where(Device.user_id.in_([u.id for u in users]), Device.revoked_at.is_(None))
            .group_by(Device.user_id)
        ).all()
    )
    return render_template(
        "supervisor/people.html", users=users, form=form, area=area, areas=areas, last_seen=last_seen
    ), status


def _account_error(e: AccountError) -> str:
    messages = {
        "username": _("This username is taken, or not valid."),
        "password": _("Use at least 8 characters."),
        "area": _("Choose an area."),
        "role": _("Not a role."),
    }
    return messages.get(e.field, e.message)


@bp.get("/people/<int:user_id>")
@supervisor_required
def person(user_id: int):
    user = _manageable_or_404(user_id)
    devices = list(
        db.session.scalars(select(Device).where(Device.user_id == user.id).order_by(Device.last_seen_at.desc()))
    )
    entries = entries_for("user", [str(user.id)]) + entries_for("device", [str(d.id) for d in devices])
    entries.sort(key=lambda row: row.AuditEntry.at, reverse=True)
    return render_template(
        "supervisor/person.html",
        user=user,
        devices=devices,
        password_form=PasswordForm(),
        button=ButtonForm(),
        audit=entries,
    )


@bp.post("/people/<int:user_id>/password")
@supervisor_required
def person_password(user_id: int):
    user = _manageable_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        revoked = reset_password(user, form.password.data)
        audit.record(current_user, "user", user.id, "password_reset", None, None)
        _audit_revoked(revoked)
        flash(_("New password set for %(username)s; they are signed out everywhere.", username=user.username), "info")
    else:
        flash(_("Use at least 8 characters."), "error")
    return redirect(url_for("supervisor.person", user_id=user.id), 303)


@bp.post("/people/<int:user_id>/active")
@supervisor_required
def person_active(user_id: int):
    user = _manageable_or_404(user_id)
    if user.id == current_user.id:
        abort(400)
    if ButtonForm().validate_on_submit():
        before = _snapshot(user)
        user.active = not user.active
        if not user.active:
            # A deactivated account's phones are signed out at once.
            _audit_revoked(revoke_devices(user))
        audit.record(
            current_user, "user", user.id, "activate" if user.active else "deactivate", before, _snapshot(user)
        )
        db.session.flush()
        flash(_("Account activated.") if user.active else _("Account deactivated; its devices are signed out."), "info")
    return redirect(url_for("supervisor.person", user_id=user.id), 303)


def _audit_revoked(devices: list[Device]) -> None:
    for device in devices:
        audit.record(
            current_user,
            "device",
            device.id,
            "revoke",
            {"name": device.name, "revoked_at": None},
            {"name": device.name, "revoked_at": device.revoked_at.isoformat()},
        )


@bp.post("/devices/<uuid:device_id>/revoke")
@supervisor_required
def device_revoke(device_id):
    device = db.session.get(Device, device_id)
    if device is None:
        abort(404)
    _manageable_or_404(device.user_id)
    if ButtonForm().validate_on_submit() and device.revoked_at is None and not confirmed():
        flash(_("The device %(name)s is still signed in: tick the box to confirm first.", name=device.name), "error")
    elif ButtonForm().validate_on_submit() and device.revoked_at is None:
        revoke_device(device, utcnow())
        _audit_revoked([device])
        flash(_("The device %(name)s is signed out.", name=device.name), "info")
    return redirect(url_for("supervisor.person", user_id=device.user_id), 303)


@bp.route("/areas", methods=["GET", "POST"])
@admin_required
def areas():
    form = AreaForm()
    status = 200
    if form.validate_on_submit():
        try:
            ZoneInfo(form.timezone.data)
        except (ZoneInfoNotFoundError, ValueError):
            form.timezone.errors.append(_("Unknown time zone."))
        if db.session.scalar(select(Area).where(Area.slug == form.slug.data)) is not None:
            form.slug.errors.append(_("An area with this short name exists."))
        if not form.timezone.errors and not form.slug.errors:
            area = Area(
                slug=form.slug.data,
                name=form.name.data.strip(),
                timezone=form.timezone.data,
                public_report=form.public_report.data,
            )
            db.session.add(area)
            db.session.flush()
            audit.record(current_user, "area", area.id, "create", None, {"slug": area.slug, "name": area.name})
            flash(_("Area %(name)s created.", name=area.name), "info")
            return redirect(url_for("supervisor.areas"), 303)
        status = 400
    elif request.method == "POST":
        status = 400
    return _areas_page(form, status)


def _areas_page(form: AreaForm, status: int = 200, embed_errors: dict | None = None, embed_values: dict | None = None):
    return (
        render_template(
            "supervisor/areas.html",
            areas=all_areas(),
            form=form,
            button=ButtonForm(),
            embed_errors=embed_errors or {},
            embed_values=embed_values or {},
        ),
        status,
    )


@bp.post("/areas/<int:area_id>/embed")
@admin_required
def area_embed(area_id: int):
    """The sites (origins) whose pages may show the area's public page in a frame (SPEC §8), one a line."""
    area = db.session.get(Area, area_id)
    if area is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("supervisor.areas"), 303)
    text = request.form.get("embed_origins", "")
    try:
        origins = parse_origins(text.splitlines())
    except Invalid as e:
        errors = [str(m) for m in e.fields["embed_origins"]]
        return _areas_page(AreaForm(formdata=None), 400, {area.id: errors}, {area.id: text})
    if update_public_settings(area, current_user, embed_origins=origins):
        flash(_("The sites that may embed the public page of %(name)s are saved.", name=area.name), "info")
    return redirect(url_for("supervisor.areas"), 303)


@bp.post("/areas/<int:area_id>/public")
@admin_required
def area_public(area_id: int):
    area = db.session.get(Area, area_id)
    if area is None:
        abort(404)
    if ButtonForm().validate_on_submit():
        update_public_settings(area, current_user, public_report=not area.public_report)
    return redirect(url_for("supervisor.areas"), 303)
