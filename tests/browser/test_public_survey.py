"""The survey on the public promise page in real Chromium (SPEC §8), with the demo's waves: on a 390 px phone the
years' table fits without sideways scrolling (not even inside its scroll box), the places read as a list, axe finds
nothing; the same without JavaScript and on paper. A screenshot of the survey's section is kept for a person to look
at (``--basetemp``/test tmp folder)."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_public_page import _phone, demo  # noqa: F401  (the demo fixture)
from tests.browser.test_supervisor_layout import LAYOUT_PROBLEMS, PHONE


def _survey_section(page):
    return page.locator("section.commitment").filter(has=page.locator("table.survey-years"))


def test_survey_section_fits_a_phone(browser, live_server, demo, tmp_path):  # noqa: F811
    context = _phone(browser)
    try:
        page = context.new_page()
        page.goto(live_server + "/public/svenljunga")
        section = _survey_section(page)
        expect(section).to_have_count(1)
        section.scroll_into_view_if_needed()
        table = section.locator("table.survey-years")
        expect(table).to_be_visible()
        expect(table.locator("tbody tr")).to_have_count(2)  # the two published waves, not this year's open one
        expect(section.get_by_text(re.compile(r"Åren går inte helt att jämföra"))).to_be_visible()
        expect(section.locator("ul.places li").first).to_contain_text("nämnd")
        # Not even the table scrolls sideways: its box is no wider than the phone.
        wrap = section.locator(".table-wrap")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), wrap.evaluate(
            "e => [e.scrollWidth, e.clientWidth]"
        )
        box = section.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert page.evaluate(LAYOUT_PROBLEMS, PHONE["width"]) == []
        shot = section.screenshot(path=str(tmp_path / "public-survey-390.png"))
        assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 5_000
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()


def test_survey_section_without_javascript_and_on_paper(browser, live_server, demo):  # noqa: F811
    context = _phone(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + "/public/svenljunga")
        expect(_survey_section(page).locator("table.survey-years")).to_be_visible()
        page.emulate_media(media="print")
        section = _survey_section(page)
        expect(section).to_be_visible()
        assert section.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        expect(section.locator("ul.places li").first).to_be_visible()
    finally:
        context.close()
