"""The survey kiosk's server side (issue 13, SPEC §7 "Kiosk"): the questionnaire the shell declares to the officer
app, and the password check before a kiosk starts."""

from __future__ import annotations

import json
import re

from flask_babel import force_locale

from fieldlog.surveys import questionnaire as core


def shell_config(client) -> dict:
    html = client.get("/app").get_data(as_text=True)
    raw = re.search(r"data-config='([^']*)'", html).group(1)
    return json.loads(raw.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&"))


def test_the_shell_declares_core_1_from_the_one_definition_in_both_languages(app, client):
    declared = shell_config(client)["survey"]["questionnaires"]
    assert set(declared) == set(core.QUESTIONNAIRES)
    q = declared["core-1"]
    # Every question, once, on the screens in the questionnaire's order; each screen with a title in each language.
    assert [name for screen in q["screens"] for name in screen] == list(core.QUESTIONS)
    for lang in ("sv", "en"):
        with app.test_request_context(), force_locale(lang):
            assert {k: v for k, v in q[lang].items() if k != "screen_titles"} == core.describe(core.CORE_1)
        assert len(q[lang]["screen_titles"]) == len(q["screens"])
    sv, en = q["sv"]["questions"], q["en"]["questions"]
    # SPEC §7's Swedish words; the English msgid on switch.
    assert sv["evening_safety"]["text"].startswith("Hur trygg eller otrygg känner du dig")
    assert en["evening_safety"]["text"] == str(core.QUESTION_LABELS["evening_safety"])
    assert [a["code"] for a in sv["evening_safety"]["answers"]] == list(core.EVENING_SAFETY)
    assert {"code": "very_safe", "label": "Mycket trygg"} in sv["evening_safety"]["answers"]
    assert sv["places"]["max"] == core.MAX_PLACES
    assert sv["improvements"]["max_length"] == core.IMPROVEMENTS_MAX
    assert q["sv"]["screen_titles"][0] == "Trygghet" and q["en"]["screen_titles"][0] == "Safety"


def test_the_precache_holds_the_kiosk_and_its_styles(client):
    body = client.get("/sw.js").get_data(as_text=True)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    for name in ("js/kiosk.js", "js/views/kiosk.js", "css/kiosk.css"):
        # Stylesheets carry their content hash in the name.
        stem, ext = name.rsplit(".", 1)
        assert any(re.fullmatch(rf"/static/{stem}(\.[0-9a-f]{{12}})?\.{ext}", url) for url in precache), name
