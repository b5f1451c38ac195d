"""Every supervisor and admin page on a 390 px phone, with the demo's data (issue 10, A2; SPEC Part II §9).

A page must not scroll sideways (a data table may scroll inside its own ``overflow-x: auto`` wrapper), and nothing
may be cut off: no visible element reaches past the viewport's edges unless a scrolling wrapper (or a map) holds it,
and no box that hides its overflow hides content.

Set ``FIELDLOG_SCREENSHOTS=<folder>`` to also save each page at 390 px and at 1280 px, to look at them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from fieldlog.activities.demo import activity_id
from fieldlog.demo import DEMO_PASSWORD, particular_visit_id
from tests.api.survey_results_support import demo_wave, first_candidate

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = os.environ.get("FIELDLOG_SCREENSHOTS")

# Run in the page: what scrolls the page sideways or is cut off, each named by a short CSS path and its text.
LAYOUT_PROBLEMS = """
(vw) => {
  const problems = [];
  const name = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) part += '#' + e.id;
      else if (e.classList.length) part += '.' + [...e.classList].join('.');
      parts.unshift(part);
    }
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return parts.join(' > ') + (text ? ` "${text}"` : '');
  };
  const scroller = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const x = getComputedStyle(e).overflowX;
      if (x === 'auto' || x === 'scroll') return e;
      if (e.classList.contains('leaflet-container')) return e;
    }
    return null;
  };
  // Out of sight on purpose: the skip link (until focused), hidden elements, a map's panes and tiles.
  // A 1 px box that hides its overflow is the screen-reader-only idiom (.visually-hidden, a card's hidden thead):
  // its own place counts (it can widen the page), what it hides does not.
  const tiny = (e) => {
    if (e.classList.contains('visually-hidden')) return true;
    const b = e.getBoundingClientRect();
    return b.width <= 1 && b.height <= 1 && getComputedStyle(e).overflowX !== 'visible';
  };
  const insideTiny = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) if (tiny(e)) return true;
    return false;
  };
  const hidden = (el) => el.closest('.skip, [hidden], .leaflet-container') || insideTiny(el);
  if (document.documentElement.scrollWidth > vw) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${vw} px`);
  }
  const reported = new Set();  // only the outermost element that sticks out, not each of its descendants
  const inReported = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) if (reported.has(e)) return true;
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (hidden(el) || inReported(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > vw + 1 || r.left < -1) && !scroller(el)) {
      problems.push(`${name(el)} spans ${Math.round(r.left)}–${Math.round(r.right)} px of ${vw}`);
      reported.add(el);
      continue;
    }
    const clips = ['hidden', 'clip'].includes(style.overflowX) && !tiny(el);
    if (clips && !['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} cuts off its content: ${el.scrollWidth} px in ${el.clientWidth}`);
      reported.add(el);
    }
  }
  return problems;
}
"""


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def _ids(app) -> dict:
    from sqlalchemy import select

    from fieldlog.auth.models import User
    from fieldlog.extensions import db
    from fieldlog.hotspots.models import HotSpot
    from fieldlog.promises.models import Promise
    from fieldlog.surveys.models import Survey

    with app.app_context():
        spots = {s.name: s.id for s in db.session.scalars(select(HotSpot))}
        users = {u.username: u.id for u in db.session.scalars(select(User))}
        promises = {p.title: p.id for p in db.session.scalars(select(Promise))}
        surveys = {w.year: w.id for w in db.session.scalars(select(Survey).order_by(Survey.year))}
    return {"spots": spots, "users": users, "promises": promises, "surveys": surveys}


def survey_pages(app) -> dict[str, str]:
    """The wave list and form, and each of the demo's waves (if the demo has them): its edit form and the
    respondent's page (the questions, or "closed")."""
    pages = {"surveys": "/supervisor/surveys/", "survey-new": "/supervisor/surveys/new"}
    for year, survey_id in _ids(app)["surveys"].items():
        pages[f"survey-{year}-edit"] = f"/supervisor/surveys/{survey_id}/edit"
        pages[f"survey-{year}-respond"] = f"/survey/svenljunga/{year}"
    return pages


def supervisor_pages(app) -> dict[str, str]:
    ids = _ids(app)
    spots, users = ids["spots"], ids["users"]
    promise = next(iter(ids["promises"].values()))
    wave = demo_wave(app)
    return {
        "survey-results": f"/supervisor/surveys/{wave}/results",
        "survey-results-suspects": f"/supervisor/surveys/{wave}/results?include_suspect=1",
        "survey-places": f"/supervisor/surveys/{wave}/places",
        "survey-candidate-form": f"/supervisor/surveys/{wave}/candidates/{first_candidate(app, wave)}/accept",
        "dashboard": "/supervisor/",
        "dashboard-4-weeks": "/supervisor/?period=last_4_weeks",
        "hotspot": f"/supervisor/hotspots/{spots['Torget']}",
        "hotspot-new-last-week": f"/supervisor/hotspots/{spots['Parkeringen vid Kulturhuset']}",
        "hotspot-archived": f"/supervisor/hotspots/{spots['Gamla macken']}",
        "hotspot-edit": f"/supervisor/hotspots/{spots['Thilanderska parken']}/edit",
        "hotspot-new": "/supervisor/hotspots/new",
        "visits": "/supervisor/visits",
        "visits-flagged": "/supervisor/visits?flagged=1&period=last_4_weeks",
        "visit-busy": f"/supervisor/visits/{particular_visit_id('busy-evening')}",
        "visit-forgotten": f"/supervisor/visits/{particular_visit_id('forgotten')}",
        "visit-after": f"/supervisor/visits/{particular_visit_id('after-the-fact')}",
        "visit-drive-through": f"/supervisor/visits/{particular_visit_id('drive-through')}",
        "people": "/supervisor/people",
        "person": f"/supervisor/people/{users['anna']}",
        "person-deactivated": f"/supervisor/people/{users['per']}",
        "report": "/supervisor/report?period=last_4_weeks",
        "audit": "/supervisor/audit",
        "promises": "/supervisor/promises/",
        "promise": f"/supervisor/promises/{promise}",
        "promise-edit": f"/supervisor/promises/{promise}/edit",
        "promise-new": "/supervisor/promises/new",
        "activities": "/supervisor/activities/",
        "activities-planned": "/supervisor/activities/?status=planned",
        "activity-session": f"/supervisor/activities/{activity_id('session-0')}",
        "activity-planned": f"/supervisor/activities/{activity_id('session-13')}",
        "activity-walk": f"/supervisor/activities/{activity_id('safety-walk')}",
        "activity-new": "/supervisor/activities/new",
        "activity-edit": f"/supervisor/activities/{activity_id('session-12')}/edit",
        **survey_pages(app),
    }


def admin_pages(app) -> dict[str, str]:
    users = _ids(app)["users"]
    return {
        "admin-dashboard": "/supervisor/?area=svenljunga",
        "admin-people": "/supervisor/people",
        "admin-person-supervisor": f"/supervisor/people/{users['johan']}",
        "admin-areas": "/supervisor/areas",
        "admin-audit": "/supervisor/audit",
        "admin-promises": "/supervisor/promises/?area=svenljunga",
        "admin-activities": "/supervisor/activities/?area=svenljunga",
        "admin-surveys": "/supervisor/surveys/?area=svenljunga",
        "public": "/public/svenljunga",
        "public-embed": "/public/svenljunga/embed",
    }


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def screenshot(page, name: str) -> None:
    """The page from its top, at most 2,400 px of it (a long list would shrink to nothing when looked at)."""
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, 2400)}
    page.screenshot(path=str(folder / name), full_page=True, clip=clip)


def check(page, label: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    if SCREENSHOTS:
        screenshot(page, f"{label}-390.png")
    return [f"{label} ({page.url}): {p}" for p in page.evaluate(LAYOUT_PROBLEMS, PHONE["width"])]


def check_pages(browser, base: str, username: str, pages: dict[str, str], form_errors: bool = False) -> list[str]:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=1,
        has_touch=True,
        is_mobile=True,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
    )
    problems: list[str] = []
    try:
        page = context.new_page()
        page.goto(base + "/login")
        problems += check(page, "sign-in")
        sign_in(page, base, username)
        for label, path in pages.items():
            response = page.goto(base + path)
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            problems += check(page, label)
        if form_errors:  # a form sent back with its messages beside the fields
            page.goto(base + "/supervisor/hotspots/new")
            page.get_by_label("Mål: besök per vecka").fill("-3")
            page.get_by_role("button", name="Spara").click()
            page.locator(".error").first.wait_for()
            problems += check(page, "hotspot-new-errors")
        if SCREENSHOTS:
            page.set_viewport_size(DESKTOP)
            for label, path in pages.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                screenshot(page, f"{label}-1280.png")
    finally:
        context.close()
    return problems


def test_supervisor_pages_fit_a_phone(browser, live_server, app, demo):
    problems = check_pages(browser, live_server, "lena", supervisor_pages(app), form_errors=True)
    assert not problems, "\n".join(problems)


def test_officer_start_page_fits_a_phone(browser, live_server, app, demo):
    problems = check_pages(browser, live_server, "anna", {"officer-start": "/"})
    assert not problems, "\n".join(problems)


def test_admin_pages_fit_a_phone(browser, live_server, app, demo):
    problems = check_pages(browser, live_server, "admin", admin_pages(app))
    assert not problems, "\n".join(problems)


def test_layout_check_finds_what_sticks_out_and_spares_scrolling_tables(browser):
    """The check itself: a wide block and a hidden overflow are found; a wide table in its wrapper is not."""
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.set_content(
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<div style="overflow-x:auto"><table><tr><td style="min-width:900px">wide data</td></tr></table></div>'
        )
        assert page.evaluate(LAYOUT_PROBLEMS, PHONE["width"]) == []
        page.set_content(
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<p id="wide" style="width:600px">too wide</p>'
            '<div id="clipped" style="width:100px;overflow:hidden;white-space:nowrap">a line longer than its box</div>'
        )
        problems = page.evaluate(LAYOUT_PROBLEMS, PHONE["width"])
        assert any("scrolls sideways" in p for p in problems)
        assert any(p.startswith('p#wide "too wide" spans') for p in problems)
        assert any(p.startswith("div#clipped") and "cuts off" in p for p in problems)
    finally:
        context.close()
