"""The survey kiosk's server side (issue 13, SPEC §7 "Kiosk"): the questionnaire the shell declares to the officer
app, and the password check before a kiosk starts."""

from __future__ import annotations

import json
import re

from fieldlog.surveys import questionnaire as core
from tests.fixtures.users import PASSWORD


def shell_config(client) -> dict:
    html = client.get("/app").get_data(as_text=True)
    raw = re.search(r"data-config='([^']*)'", html).group(1)
    return json.loads(raw.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&"))


def test_the_shell_declares_core_1_from_the_one_definition_in_both_languages(client):
    declared = shell_config(client)["survey"]["questionnaires"]
    assert set(declared) == set(core.QUESTIONNAIRES)
    q = declared["core-1"]
    # Every question, once, on the screens in the questionnaire's order.
    assert [name for screen in q["screens"] for name in screen] == list(core.QUESTIONS)
    for name, codes in core.SINGLE_CHOICE.items():
        assert q["questions"][name] == {"name": name, "kind": "one", "codes": list(codes)}
    assert q["questions"]["problems"]["items"] == list(core.PROBLEMS)
    assert q["questions"]["problems"]["codes"] == list(core.PROBLEM_ANSWERS)
    assert q["questions"]["places"] == {
        "name": "places",
        "kind": "places",
        "max": core.MAX_PLACES,
        "when": list(core.PLACE_WHEN),
        "reasons": list(core.PLACE_REASONS),
    }
    assert q["questions"]["improvements"]["max_length"] == core.IMPROVEMENTS_MAX
    sv, en = q["labels"]["sv"], q["labels"]["en"]
    # SPEC §7's Swedish words; the English msgid on switch.
    assert sv["evening_safety"]["text"].startswith("Hur trygg eller otrygg känner du dig")
    assert en["evening_safety"]["text"] == str(core.QUESTION_LABELS["evening_safety"])
    assert sv["evening_safety"]["codes"]["very_safe"] == "Mycket trygg"
    assert set(sv["problems"]["items"]) == set(core.PROBLEMS)
    assert set(sv["places"]["reasons"]) == set(core.PLACE_REASONS)
    assert sv["screens"][0] == "Trygghet" and en["screens"][0] == "Safety"
    assert len(sv["screens"]) == len(q["screens"])


def test_the_precache_holds_the_kiosk_and_its_styles(client):
    body = client.get("/sw.js").get_data(as_text=True)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    for name in ("js/kiosk.js", "js/views/kiosk.js", "css/kiosk.css"):
        # Stylesheets carry their content hash in the name.
        stem, ext = name.rsplit(".", 1)
        assert any(re.fullmatch(rf"/static/{stem}(\.[0-9a-f]{{12}})?\.{ext}", url) for url in precache), name


def test_password_check_says_yes_only_to_the_callers_own_password(client, auth, officer, supervisor):
    headers = auth(officer)
    assert client.post("/api/v1/kiosk/password", json={"password": PASSWORD}, headers=headers).status_code == 204
    wrong = client.post("/api/v1/kiosk/password", json={"password": "not it"}, headers=headers)
    assert wrong.status_code == 403
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"
    # The token stays good: a wrong password is not a failed sign-in of the device.
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    missing = client.post("/api/v1/kiosk/password", json={}, headers=headers)
    assert missing.status_code == 400 and "password" in missing.get_json()["error"]["fields"]
    assert client.post("/api/v1/kiosk/password", json={"password": PASSWORD}).status_code == 401


def test_password_checks_are_throttled_like_sign_ins(client, auth, officer):
    headers = auth(officer)
    for _ in range(10):
        assert client.post("/api/v1/kiosk/password", json={"password": "x"}, headers=headers).status_code == 403
    response = client.post("/api/v1/kiosk/password", json={"password": PASSWORD}, headers=headers)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
