"""Who may frame the public page (SPEC §8 ``embed_origins``): set by an admin on the area's page or by
``fieldlog areas set`` (SPEC §7 end), the same rules for both, audited."""

from __future__ import annotations

import pytest
from markupsafe import escape

from fieldlog.areas.models import Area
from fieldlog.audit.models import AuditEntry
from fieldlog.extensions import db as _db
from tests.conftest import csrf_token


def _area(app, area_id: int) -> Area:
    with app.app_context():
        row = _db.session.get(Area, area_id)
        _db.session.expunge(row)
        return row


def _post(client, area, text: str):
    token = csrf_token(client, "/supervisor/areas")
    return client.post(f"/supervisor/areas/{area.id}/embed", data={"embed_origins": text, "csrf_token": token})


def test_admin_sets_the_origins_one_a_line(app, client, login, admin, area):
    login("root")
    response = _post(client, area, " https://www.svenljunga.se/ \n\nHTTPS://Kommun.Example:8443\nhttp://localhost:5000")
    assert response.status_code == 303
    assert _area(app, area.id).embed_origins == [
        "https://www.svenljunga.se",
        "https://kommun.example:8443",
        "http://localhost:5000",
    ]
    page = client.get("/supervisor/areas").get_data(as_text=True)
    assert "https://kommun.example:8443" in page
    assert "http://localhost/public/svenljunga/embed" in page  # the address to put in the frame
    embed = client.application.test_client().get("/public/svenljunga/embed")
    assert "frame-ancestors https://www.svenljunga.se https://kommun.example:8443 http://localhost:5000;" in (
        embed.headers["Content-Security-Policy"] + ";"
    )
    with app.app_context():
        entry = _db.session.scalars(_db.select(AuditEntry).where(AuditEntry.entity_type == "area")).one()
        assert entry.action == "update" and entry.after["embed_origins"][0] == "https://www.svenljunga.se"
    audit = client.get("/supervisor/audit").get_data(as_text=True)
    assert "webbplatser som får visa den offentliga sidan" in audit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("http://www.svenljunga.se", "Måste börja med https://"),
        ("https://www.svenljunga.se/sida", "Skriv varje webbplats som"),
        ("https://*.svenljunga.se", "Skriv varje webbplats som"),
        ("https://a.se; script-src *", "Skriv varje webbplats som"),
        ("www.svenljunga.se", "Skriv varje webbplats som"),
        ("https://a.se:99999", "Porten måste vara mellan 1 och 65535"),
        ("'self'", "Skriv varje webbplats som"),
    ],
)
def test_admin_bad_origin_is_named_in_swedish_and_nothing_changes(app, client, login, admin, area, text, message):
    login("root")
    response = _post(client, area, "https://ok.example\n" + text)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert str(escape(text)) in html  # what was typed stays in the field
    assert _area(app, area.id).embed_origins == []


def test_admin_clears_the_origins(app, client, login, admin, area):
    login("root")
    _post(client, area, "https://www.svenljunga.se")
    assert _post(client, area, "  \n").status_code == 303
    assert _area(app, area.id).embed_origins == []
    assert "frame-ancestors 'none'" in client.get("/public/svenljunga/embed").headers["Content-Security-Policy"]


def test_supervisor_may_not_set_origins(app, client, login, supervisor, area):
    login("sven")
    token = csrf_token(client, "/supervisor/")
    response = client.post(
        f"/supervisor/areas/{area.id}/embed", data={"embed_origins": "https://evil.example", "csrf_token": token}
    )
    assert response.status_code == 403
    assert _area(app, area.id).embed_origins == []


def test_cli_sets_origins_and_public_report(app, runner, area):
    result = runner.invoke(
        args=[
            "areas",
            "set",
            "svenljunga",
            "--no-public-report",
            "--embed-origin",
            "https://www.svenljunga.se",
            "--embed-origin",
            "https://kommun.example:8443/",
        ]
    )
    assert result.exit_code == 0, result.output
    row = _area(app, area.id)
    assert row.public_report is False
    assert row.embed_origins == ["https://www.svenljunga.se", "https://kommun.example:8443"]
    # Not given: unchanged. Given again: replaces the list.
    result = runner.invoke(args=["areas", "set", "svenljunga", "--public-report"])
    assert result.exit_code == 0, result.output
    row = _area(app, area.id)
    assert row.public_report is True and len(row.embed_origins) == 2
    result = runner.invoke(args=["areas", "set", "svenljunga", "--embed-origin", "https://ny.example"])
    assert _area(app, area.id).embed_origins == ["https://ny.example"]
    result = runner.invoke(args=["areas", "set", "svenljunga", "--no-embed-origins"])
    assert result.exit_code == 0 and _area(app, area.id).embed_origins == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["areas", "set", "nowhere", "--public-report"], "SLUG"),
        (["areas", "set", "svenljunga", "--embed-origin", "http://www.svenljunga.se"], "--embed-origin"),
        (["areas", "set", "svenljunga", "--embed-origin", "https://a.se/x"], "--embed-origin"),
    ],
)
def test_cli_rejects_bad_input_naming_it(app, runner, area, args, field):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert field in result.output
    row = _area(app, area.id)
    assert row.embed_origins == [] and row.public_report is True
