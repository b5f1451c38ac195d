"""Every page and download a signed-in person can reach by following links, on the demo's data (issue 10, A1).

Loads `fieldlog demo`, signs in through the real sign-in page (form POST with its CSRF token, as a browser does), then
follows every same-site link breadth-first: ``a[href]`` (pages and downloads), and the stylesheets, scripts, icons and
manifest a page loads; GET forms (period pickers, filters) are submitted once with the values they show. Any 5xx
fails, and so does a 4xx for a link the page offered, naming the page and the link that led there; so does a stored
code (``youth_gathering``) shown to a reader as such.

Links that would change state are skipped (none should be a GET, but a link to sign out must not end the crawl), and
so are other sites. Pages of one kind (the same path with the ids taken out, and the same query keys) are capped, so
that the hundreds of visit pages do not make the crawl slow: several of each are still opened.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import pytest

from fieldlog.demo import DEMO_PASSWORD
from fieldlog.visits.models import ACTIVITIES, MODES, OBSERVATIONS
from tests.fixtures.users import csrf_token

# Paths that act on something; the pages reach them only through POST forms, and a crawl never follows them.
STATE_CHANGING = re.compile(r"^/(logout|locale)$|/(archive|revoke|flag|unflag|password|active|public)$|^/api/")
# Same-kind pages opened at most this many times (a kind: the path without its ids, and the query's keys).
PER_KIND = 12
# 4xx answers a link may give on purpose, with the reason: {(kind, status): reason}. Empty: a link shown works.
EXPECTED_4XX: dict[tuple[str, int], str] = {}
HTML = "text/html"
# Stored codes a person must never read as such (SPEC §2: stored as codes, shown translated).
MACHINE_CODES = re.compile(r"\b(" + "|".join(c for c in (*MODES, *OBSERVATIONS, *ACTIVITIES) if "_" in c) + r")\b")


@dataclass
class Page:
    links: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # what a reader sees (no scripts, styles or attributes)


class LinkParser(HTMLParser):
    """The links of a page, and the GET forms as the URL a browser would open on submitting them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None

    def handle_data(self, data: str) -> None:
        if self.lasttag not in ("script", "style"):
            self.page.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs}
        if tag in ("a", "link") and a.get("href") and a.get("rel") not in ("preconnect", "dns-prefetch"):
            self.page.links.append(a["href"])
        elif tag in ("script", "img", "source") and a.get("src"):
            self.page.links.append(a["src"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action") or "", "fields": []} if method == "get" else None
        elif self._form is not None:
            self._field(tag, a)

    def _field(self, tag: str, a: dict) -> None:
        name = a.get("name")
        if tag == "input" and name and not a.get("disabled"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value") or "on"))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self._form["fields"].append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._form["fields"].append((self._select, value))
                self._select = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._form is not None:
            self._form["fields"].append((self._select, self._select_first or ""))
            self._select = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            action = self._form["action"]
            query = urlencode(self._form["fields"])
            self.page.forms.append(urlunsplit(("", "", urlsplit(action).path or "", query, "")) or "?" + query)
            self._form = None


def parse(html: str) -> Page:
    parser = LinkParser()
    parser.feed(html)
    parser.close()
    return parser.page


_ID = re.compile(r"/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)(?=/|$)")


def kind(url: str) -> str:
    """``/supervisor/visits/<id>?cursor`` for ``/supervisor/visits/1b9…?cursor=…``: what pages of one sort share."""
    parts = urlsplit(url)
    keys = sorted({k.split("=")[0] for k in parts.query.split("&") if k})
    return _ID.sub("/<id>", parts.path) + ("?" + "&".join(keys) if keys else "")


def same_site(base: str, href: str) -> str | None:
    """The path and query a link leads to on this site, or None (another site, a fragment, mailto:, javascript:)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


@dataclass
class Crawl:
    visited: dict[str, int] = field(default_factory=dict)  # url → status
    problems: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)


def crawl(client, start: str, offered_only_by_links: bool = True) -> Crawl:
    """Breadth-first from ``start``: every same-site link and GET form, each URL once, each kind at most PER_KIND."""
    result = Crawl()
    queue: deque[tuple[str, str, str]] = deque([(start, "(start)", start)])  # url, page it was on, href as written
    seen = {start}
    while queue:
        url, source, href = queue.popleft()
        response = client.get(url)
        response.get_data()  # read it all (a download too), then let go of any file behind it
        response.close()
        status = response.status_code
        result.visited[url] = status
        where = f"{url} (link {href!r} on {source})"
        if status >= 500:
            result.problems.append(f"{status} on {where}")
            continue
        if status in (301, 302, 303, 307, 308):
            target = same_site("http://localhost" + url, response.headers["Location"])
            if target is None:
                continue
            if urlsplit(target).path == "/login":
                result.problems.append(f"{status} to the sign-in page from {where}: the link signed the user out")
                continue
            _enqueue(result, queue, seen, target, url, response.headers["Location"])
            continue
        if 400 <= status < 500:
            reason = EXPECTED_4XX.get((kind(url), status))
            if reason is None:
                result.problems.append(f"{status} on {where}")
            continue
        if response.mimetype != HTML:
            continue
        page = parse(response.get_data(as_text=True))
        shown = MACHINE_CODES.findall(" ".join(page.text))
        if shown:
            result.problems.append(f"codes {sorted(set(shown))} shown as such on {where}")
        base = "http://localhost" + url
        for link in page.links:
            target = same_site(base, link)
            if target is not None:
                _enqueue(result, queue, seen, target, url, link)
        for form in page.forms:
            target = same_site(base, form)
            if target is not None:
                _enqueue(result, queue, seen, target, url, f"form {form}")
    return result


def _enqueue(result: Crawl, queue: deque, seen: set, target: str, source: str, href: str) -> None:
    if target in seen or STATE_CHANGING.search(urlsplit(target).path):
        return
    k = kind(target)
    if result.kinds.get(k, 0) >= PER_KIND:
        return
    result.kinds[k] = result.kinds.get(k, 0) + 1
    seen.add(target)
    queue.append((target, source, href))


@pytest.fixture
def demo(app, runner):
    # A server error answers 500 as in production (its traceback goes to the captured log), not an exception here.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def sign_in(client, username: str) -> str:
    """Sign in as a browser does: the sign-in page's form, with its CSRF token. Returns where it leads."""
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def test_link_parser_reads_links_and_get_forms():
    page = parse(
        '<a href="/a">A</a><link rel="stylesheet" href="/s.css"><script src="/x.js"></script>'
        '<form method="get" action="/v"><input type="hidden" name="area" value="s">'
        '<input type="radio" name="period" value="this_week"><input type="radio" name="period" value="last" checked>'
        '<select name="hotspot"><option value="">All</option><option value="7" selected>T</option></select>'
        '<select name="officer"><option value="">All</option><option value="anna">Anna</option></select>'
        '<button type="submit">Show</button></form>'
        '<form method="post" action="/logout"><input name="csrf_token" value="t"></form>'
    )
    assert page.links == ["/a", "/s.css", "/x.js"]
    assert page.forms == ["/v?area=s&period=last&hotspot=7&officer="]
    assert kind("/supervisor/visits/6b1e1f0e-2019-4a5e-9d1c-5f7e1a0b2019?cursor=x") == "/supervisor/visits/<id>?cursor"
    assert same_site("http://localhost/supervisor/", "https://tile.openstreetmap.org/") is None
    assert same_site("http://localhost/supervisor/", "people#x") == "/supervisor/people"


@pytest.mark.parametrize(
    ("username", "locale", "landing"),
    [
        ("lena", "sv", "/supervisor/"),
        ("johan", "en", "/supervisor/"),
        ("admin", "sv", "/supervisor/"),
        ("anna", "sv", "/"),
    ],
)
def test_every_link_a_signed_in_user_can_follow_works(app, demo, username, locale, landing):
    client = app.test_client()
    assert sign_in(client, username) == "/"
    if locale != "sv":  # the language switch every page offers
        client.post("/locale", data={"locale": locale, "next": "/", "csrf_token": csrf_token(client, landing)})
        assert f'<html lang="{locale}">' in client.get(landing).get_data(as_text=True)
    result = crawl(client, "/")
    assert not result.problems, f"{len(result.problems)} broken as {username}:\n" + "\n".join(result.problems)
    assert result.visited.get(landing) == 200
    if username != "anna":
        _assert_reached_every_supervisor_page(result, admin=username == "admin")
    else:
        assert result.visited.get("/app") == 200


def _assert_reached_every_supervisor_page(result: Crawl, admin: bool) -> None:
    """The crawl really went everywhere: every kind of page, several visits, every hot spot and person, exports."""
    kinds = {kind(url) for url, status in result.visited.items() if status == 200}
    paths = {urlsplit(url).path for url, status in result.visited.items() if status == 200}
    expected = {
        "/supervisor/",
        "/supervisor/visits",
        "/supervisor/visits/<id>",
        "/supervisor/hotspots/<id>",
        "/supervisor/hotspots/<id>/edit",
        "/supervisor/hotspots/new",
        "/supervisor/people",
        "/supervisor/people/<id>",
        "/supervisor/report",
        "/supervisor/audit",
        "/supervisor/export/visits.csv",
        "/supervisor/export/visits.geojson",
        "/supervisor/activities/",
        "/supervisor/activities/<id>",
        "/supervisor/activities/export.csv",
        "/supervisor/activities/export.xlsx",
        "/supervisor/surveys/",
        "/supervisor/surveys/new",
    }
    if admin:
        expected |= {"/supervisor/areas", "/public/svenljunga"}
    else:  # planning is a supervisor's, in their own area
        expected |= {"/supervisor/activities/new", "/supervisor/activities/<id>/edit"}
    reached = {_ID.sub("/<id>", p) for p in paths}
    assert expected <= reached, f"never reached: {sorted(expected - reached)}"
    assert sum(1 for p in paths if re.fullmatch(r"/supervisor/visits/[0-9a-f-]{36}", p)) >= 5
    spots = {p for p in paths if re.fullmatch(r"/supervisor/hotspots/[0-9a-f-]{36}", p)}
    assert len(spots) >= 7  # every live hot spot of the demo
    people = {p for p in paths if re.fullmatch(r"/supervisor/people/\d+", p)}
    assert len(people) >= 5  # every officer (an admin: everyone)
    assert kinds  # for the message of a failing assert above


def test_every_demo_visit_and_hot_spot_page_opens(app, demo, db):
    """What the crawl's cap on same-kind pages leaves out: every visit of the demo (flagged, after the fact, open,
    with every code), and every hot spot, the archived one too (no page links to it; a bookmark or the audit log does).
    """
    from sqlalchemy import select

    from fieldlog.hotspots.models import HotSpot
    from fieldlog.visits.models import Visit

    visits = db.session.execute(select(Visit.id, Visit.deleted)).all()
    spots = db.session.execute(select(HotSpot.id, HotSpot.deleted)).all()
    assert any(deleted for _id, deleted in spots)
    client = app.test_client()
    sign_in(client, "lena")
    problems = []
    for visit_id, deleted in visits:
        status = client.get(f"/supervisor/visits/{visit_id}").status_code
        if status != (404 if deleted else 200):
            problems.append(f"{status} on /supervisor/visits/{visit_id}")
    for spot_id, deleted in spots:
        for url in (f"/supervisor/hotspots/{spot_id}", f"/supervisor/visits?hotspot={spot_id}&period=last_4_weeks"):
            status = client.get(url).status_code
            if status != 200:
                problems.append(f"{status} on {url}")
        edit = client.get(f"/supervisor/hotspots/{spot_id}/edit")
        if edit.status_code != (302 if deleted else 200):
            problems.append(f"{edit.status_code} on /supervisor/hotspots/{spot_id}/edit")
    assert not problems, "\n".join(problems)


def _api_token(client, username: str) -> dict:
    response = client.post(
        "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD, "device_name": "crawl"}
    )
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _get_all(client, url: str, headers: dict, key: str, cursor_key: str) -> list:
    """Every page of a paged API list, following its cursor."""
    items, cursor = [], None
    for _ in range(100):
        separator = "&" if "?" in url else "?"
        response = client.get(url + (f"{separator}cursor={cursor}" if cursor else ""), headers=headers)
        assert response.status_code == 200, f"{response.status_code} on {url}: {response.get_data(as_text=True)}"
        body = response.get_json()
        items += body[key]
        cursor = body.get(cursor_key)
        if not cursor or (cursor_key == "cursor" and not body.get("has_more")):
            return items
    raise AssertionError(f"{url} never ended")


@pytest.mark.parametrize("username", ["anna", "erik", "sara", "omar"])
def test_what_the_officer_app_loads_works_for_every_demo_officer(app, demo, username):
    """The app's first screen on the demo's data: who am I, the area's hot spots and their status, a full pull
    (the open visit forgotten since yesterday, flagged visits, visits logged after the fact, the archived hot spot)."""
    client = app.test_client()
    headers = _api_token(client, username)
    for url in ("/api/v1/me", "/api/v1/hotspots", "/api/v1/hotspots/status"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, f"{response.status_code} on {url}"
    changes = _get_all(client, "/api/v1/sync/pull?limit=50", headers, "changes", "cursor")
    assert any(c["type"] == "hotspot" for c in changes) and any(c["type"] == "visit" for c in changes)


@pytest.mark.parametrize(("username", "area"), [("lena", ""), ("admin", "area=svenljunga")])
def test_supervisor_api_answers_on_the_demo(app, demo, username, area):
    """What other programs read on the demo's data: coverage and its grids, the visit list to its end, exports."""
    client = app.test_client()
    headers = _api_token(client, username)
    today = date.today()
    days = f"from={today - timedelta(days=60)}&to={today + timedelta(days=1)}"
    query = f"{area}&{days}" if area else days
    coverage = client.get(f"/api/v1/coverage?{query}", headers=headers)
    assert coverage.status_code == 200, coverage.get_data(as_text=True)
    for spot in coverage.get_json()["hotspots"]:
        grid = client.get(f"/api/v1/coverage/{spot['id']}/grid?{query}", headers=headers)
        assert grid.status_code == 200, f"{grid.status_code} on the grid of {spot['name']}"
    visits = _get_all(client, f"/api/v1/visits?{area}", headers, "visits", "next_cursor")
    assert len(visits) > 100
    for export in ("visits.csv", "visits.geojson"):
        response = client.get(f"/api/v1/{export}?{query}", headers=headers)
        assert response.status_code == 200, f"{response.status_code} on {export}"


def test_survey_result_pages_and_their_links_work(app, demo):
    """The survey result pages (SPEC §7) and every link on them, as the demo's supervisor: results, places, the
    prefilled hot-spot form of a candidate place."""
    from tests.api.survey_results_support import demo_wave

    wave = demo_wave(app)
    client = app.test_client()
    sign_in(client, "lena")
    result = crawl(client, f"/supervisor/surveys/{wave}/results")
    assert not result.problems, "\n".join(result.problems)
    paths = {urlsplit(url).path for url, status in result.visited.items() if status == 200}
    assert {f"/supervisor/surveys/{wave}/results", f"/supervisor/surveys/{wave}/places"} <= paths
    assert any(re.fullmatch(rf"/supervisor/surveys/{wave}/candidates/[0-9a-f]+/accept", p) for p in paths)
