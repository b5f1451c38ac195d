"""The supervisor's survey wave pages in Chromium: a wave created through the form (times in the area's zone), a
refused form with its messages beside the fields, axe clean on the list and the form."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_supervisor_pages import sign_in


def _axe_clean(page, label: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{label}: " + results.generate_report()


def test_a_supervisor_creates_a_wave_and_shares_its_address(page, live_server, area, supervisor):
    sign_in(page, live_server)
    page.goto(live_server + "/supervisor/")
    page.get_by_role("link", name="Trygghetsundersökningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trygghetsundersökningar · Svenljunga")
    _axe_clean(page, "the empty list")
    page.get_by_role("link", name="Ny undersökning").click()
    page.get_by_label("År").fill("2027")
    page.get_by_label("Rubrik").fill("Trygghetsundersökning Svenljunga 2027")
    page.get_by_label("Öppnar").fill("2027-11-01T00:00")
    page.get_by_label("Stänger").fill("2027-10-01T00:00")  # before it opens
    page.get_by_label("Mål: antal svar").fill("600")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Undersökningen sparades inte.")
    error = page.locator("#closes_at-error")
    expect(error).to_have_text("Måste vara efter öppningstiden.")
    expect(page.get_by_label("Stänger")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Rubrik")).to_have_value("Trygghetsundersökning Svenljunga 2027")
    _axe_clean(page, "the form with an error")
    page.get_by_label("Stänger").fill("2027-12-01T00:00")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Undersökningen ”Trygghetsundersökning Svenljunga 2027” sparades.")).to_be_visible()
    wave = page.locator(".wave").first
    expect(wave).to_contain_text("inte öppnad än")
    expect(wave).to_contain_text("1 nov. 2027 00:00 – 1 dec. 2027 00:00")
    expect(wave).to_contain_text("0 av målet 600")
    share = wave.locator("a.share-url")
    expect(share).to_have_text(live_server + "/survey/svenljunga/2027")
    _axe_clean(page, "the list with a wave")
    share.click()
    expect(page.get_by_role("heading", name="Enkäten har inte öppnat än")).to_be_visible()
