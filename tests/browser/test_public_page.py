"""The public promise page in real Chromium (SPEC §8): on a 390 px phone without sideways scrolling, axe clean,
readable without JavaScript and in print; the embed shown in a frame only by the area's own origins."""

from __future__ import annotations

import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from fieldlog.extensions import db as _db
from tests.browser.test_supervisor_layout import LAYOUT_PROBLEMS, PHONE


@pytest.fixture
def demo(app, runner):
    """The demo's area, hot spots, visits and its published promise."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    from fieldlog.promises.models import Promise

    with app.app_context():
        assert _db.session.scalar(_db.select(Promise).where(Promise.published.is_(True))) is not None


def _phone(browser, **kwargs):
    return browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="sv-SE", **kwargs
    )


def test_public_page_fits_a_phone_and_passes_axe(browser, live_server, demo):
    context = _phone(browser)
    try:
        page = context.new_page()
        response = page.goto(live_server + "/public/svenljunga")
        assert response.status == 200
        expect(page.get_by_role("heading", level=1)).to_contain_text("Medborgarlöfte")
        expect(page.get_by_text(re.compile(r"\d+ av \d+ veckor med minst målet av besök")).first).to_be_visible()
        problems = page.evaluate(LAYOUT_PROBLEMS, PHONE["width"])
        assert not problems, "\n".join(problems)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        page.goto(live_server + "/public/svenljunga?lang=en")
        expect(page.get_by_role("heading", name="How far it has come")).to_be_visible()
        assert page.evaluate(LAYOUT_PROBLEMS, PHONE["width"]) == []
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        # The embed too, at the width of a column on the municipality's page.
        page.goto(live_server + "/public/svenljunga/embed")
        assert page.evaluate(LAYOUT_PROBLEMS, PHONE["width"]) == []
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()


def test_public_page_needs_no_javascript(browser, live_server, demo):
    context = _phone(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + "/public/svenljunga")
        expect(page.get_by_role("heading", name="Så långt har vi kommit")).to_be_visible()
        expect(page.get_by_role("img").first).to_be_visible()  # the pictures are SVG made on the server
        expect(page.get_by_text("(pågående månad)").first).to_be_visible()
        assert page.locator("script").count() == 0
    finally:
        context.close()


def test_public_page_prints_readably(browser, live_server, demo):
    """On paper (A4 at 96 dpi: 794 px wide): no top bar or links to click, every commitment whole on the page's
    width, and Chromium makes a PDF of it."""
    context = browser.new_context(viewport={"width": 794, "height": 1123}, locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(live_server + "/public/svenljunga")
        page.emulate_media(media="print")
        expect(page.locator(".topbar")).to_be_hidden()
        expect(page.locator(".links")).to_be_hidden()
        commitments = page.locator(".commitment")
        assert commitments.count() >= 3
        for i in range(commitments.count()):
            expect(commitments.nth(i)).to_be_visible()
            assert commitments.nth(i).evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        assert page.evaluate(LAYOUT_PROBLEMS, 794) == []
        # Black on white: the body text is printed dark.
        color = page.evaluate("getComputedStyle(document.body).color")
        assert color in ("rgb(0, 0, 0)", "rgb(17, 17, 17)"), color
        pdf = page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000
    finally:
        context.close()


@pytest.fixture
def other_site():
    """Another web site (its own server and port: another origin) whose page shows ``?src=`` in a frame."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            src = parse_qs(urlparse(self.path).query).get("src", [""])[0]
            body = (
                f'<!doctype html><html lang="sv"><title>Kommunen</title>'
                f'<iframe id="f" title="Löftet" src="{html.escape(src)}" width="380" height="600"></iframe></html>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_embed_shows_in_a_frame_only_on_the_areas_origins(browser, app, live_server, demo, other_site):
    from fieldlog.areas.models import Area

    allowed = f"http://127.0.0.1:{other_site}"
    other = f"http://localhost:{other_site}"  # the same server under another name: another origin
    with app.app_context():
        _db.session.scalar(_db.select(Area).where(Area.slug == "svenljunga")).embed_origins = [allowed]
        _db.session.commit()
    embed = quote(live_server + "/public/svenljunga/embed", safe="")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{allowed}/?src={embed}")
        expect(page.frame_locator("#f").get_by_role("heading", level=1)).to_contain_text("Medborgarlöfte")
        # Another site's page gets nothing in its frame: Chromium refuses to show the embed there.
        blocked = context.new_page()
        refused = []
        blocked.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)
        blocked.goto(f"{other}/?src={embed}")
        blocked.wait_for_timeout(300)
        expect(blocked.frame_locator("#f").get_by_role("heading", level=1)).to_have_count(0)
        assert refused, "Chromium did not report the frame-ancestors refusal"
    finally:
        context.close()


def test_supervisors_update_reaches_page_json_embed_card_and_feed(browser, app, live_server, demo):
    """Issue 12 item 6: what a supervisor writes on the promise's page is on every public output at once."""
    from fieldlog.demo import DEMO_PASSWORD
    from fieldlog.promises.models import Promise

    with app.app_context():
        promise = _db.session.scalar(_db.select(Promise).where(Promise.published.is_(True)))
        promise_id, commitment_id = promise.id, promise.commitments[0].id
    text = "Vi har haft extra kvällspass vid Torget hela veckan."
    public = browser.new_context(locale="sv-SE")
    supervisor = browser.new_context(locale="sv-SE")
    try:
        before = public.request.get(live_server + "/public/svenljunga/card.png")
        assert before.status == 200
        page = supervisor.new_page()
        page.goto(live_server + "/login")
        page.get_by_label("Användarnamn").fill("lena")
        page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
        page.goto(f"{live_server}/supervisor/promises/{promise_id}")
        page.locator(f"#update-{commitment_id}-text").fill(text)
        form = page.locator("form.update-form").filter(has=page.locator(f"#update-{commitment_id}-text"))
        form.get_by_role("button").click()
        page.wait_for_load_state("networkidle")

        reader = public.new_page()
        reader.goto(live_server + "/public/svenljunga")
        expect(reader.locator(f"#c-{commitment_id} .updates li").first).to_contain_text(text)
        reader.goto(live_server + "/public/svenljunga/embed")
        expect(reader.locator(f"#e-{commitment_id} .updates")).to_contain_text(text)
        body = public.request.get(live_server + "/public/svenljunga.json").json()
        assert body["promise"]["commitments"][0]["updates"][0]["text"] == text
        assert text in public.request.get(live_server + "/public/svenljunga/feed.atom").text()
        after = public.request.get(live_server + "/public/svenljunga/card.png")
        assert after.headers["etag"] != before.headers["etag"]  # the card says when the latest news came
    finally:
        supervisor.close()
        public.close()
