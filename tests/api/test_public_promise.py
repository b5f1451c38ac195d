"""The public promise page (SPEC §8, issue 12 item 4): the page, its JSON, the embed, the card and the feed."""

from __future__ import annotations

import gzip
import io
import json
import re
from datetime import date, timedelta
from xml.etree import ElementTree as ET

import pytest
from PIL import Image

from fieldlog.extensions import db as _db
from fieldlog.periods import today_in
from fieldlog.promises.progress import iso_weeks
from tests.api.public_support import SECRETS, make_promise, svenljunga

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def promise(app, area, officer, make_hotspot, make_visit):
    return svenljunga(app, area, officer, make_hotspot, make_visit)


def _today(app, area) -> date:
    from fieldlog.areas.models import Area

    with app.app_context():
        return today_in(_db.session.get(Area, area.id))


def _text(html: str) -> str:
    """What a reader sees: the page without its tags, and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_page_shows_the_promise_in_plain_swedish(app, client, area, promise):
    today = _today(app, area)
    html = client.get("/public/svenljunga").get_data(as_text=True)
    text = _text(html)
    assert f'<h1 id="promise-title">Medborgarlöfte Svenljunga {today.year}</h1>' in html
    assert f"1 januari {today.year} – 31 december {today.year}" in text
    for words in (
        "Invånarna upplever otrygghet på Torget",  # the situation
        "Öka den upplevda tryggheten i Svenljunga kommun.",  # the goal
        "Polisen och Svenljunga kommun",  # the parties
    ):
        assert words in text
    weeks = len(iso_weeks(date(today.year, 1, 1), date(today.year, 12, 31)))
    assert re.search(rf"\d+ av {weeks} veckor med minst målet av besök", text)
    assert "3 av 14 klasser i åk 4–6" in text  # three classes of grades 4, 5 and 6 reached; the planned one not yet
    assert "3 av 20 skollektioner genomförda." in text
    assert "1 till är planerad." in text
    assert "72 deltagare sammanlagt." in text
    assert "Ingen trygghetsundersökning ännu" in text
    # The assessment in words, never the code.
    assert "Bedömning: Går enligt plan" in text and "Bedömning: Risk att målet inte nås" in text
    assert "on_track" not in text and "at_risk" not in text and "not_started" not in text
    # The dated updates, newest first within each commitment, dates in Swedish.
    day = today - timedelta(days=2)
    assert f'<time datetime="{day.isoformat()}">' in html
    assert "Vi har besökt Mariaskolan och Östra skolan." in text
    # Only public hot spots are named; the totals say they include others.
    assert "Torget: 2 besök" in text
    assert "Siffrorna omfattar även 1 plats som inte namnges här." in text
    assert "Alla platser tillsammans, även platser som inte namnges på den här sidan" in text
    # The monthly figures stay, the running month marked as partial and left out of the chart.
    assert text.count("(pågående månad)") == 2  # all places, and Torget
    assert "Bara hela månader" in text
    assert "<script" not in html


def test_page_pictures_have_text_alternatives_and_no_inline_style(client, promise):
    html = client.get("/public/svenljunga").get_data(as_text=True)
    charts = re.findall(r"<svg[^>]*role=\"img\"[^>]*>", html)
    assert len(charts) >= 3  # weeks, classes, months
    for svg in charts:
        ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for ref in ids:
            assert re.search(rf'id="{re.escape(ref)}">[^<]+<', html), ref
    assert "style=" not in html  # the CSP allows no inline style


def test_page_in_english(client, promise):
    text = _text(client.get("/public/svenljunga?lang=en").get_data(as_text=True))
    assert "3 of 14 classes in grades 4–6" in text
    assert "No safety survey yet" in text
    assert "Assessment: Going to plan" in text
    assert "(month in progress)" in text


def test_json_keeps_its_keys_and_adds_the_promise(app, client, area, promise):
    body = client.get("/public/svenljunga.json").get_json()
    assert set(body) == {"area", "months", "hotspots", "promise"}
    p = body["promise"]
    assert p["title"].startswith("Medborgarlöfte Svenljunga")
    assert [c["kind"] for c in p["commitments"]] == ["presence", "activities", "survey"]
    presence, sessions, survey = p["commitments"]
    assert presence["assessment"] == "on_track"
    assert [h["name"] for h in presence["progress"]["hotspots"]] == ["Torget"]
    assert presence["progress"]["places"] == 2 and presence["progress"]["places_not_named"] == 1
    assert presence["progress"]["visits"] == 3  # every place counts in the total
    assert sessions["progress"]["groups_reached"] == 3 and sessions["progress"]["reach_target"] == 14
    assert sessions["progress"]["done"] == 3 and sessions["progress"]["planned"] == 1
    assert sessions["progress"]["grades"] == [4, 5, 6]
    assert survey["progress"] == {"waves": [], "comparable": True, "places": None}
    assert [u["text"] for u in sessions["updates"]] == ["Vi har besökt Mariaskolan och Östra skolan."]
    assert set(sessions["updates"][0]) == {"id", "date", "text"}


def test_json_promise_is_null_without_a_published_promise(app, client, area, officer, hotspot):
    make_promise(app, area, officer, [hotspot], published=False)
    body = client.get("/public/svenljunga.json").get_json()
    assert body["promise"] is None
    html = client.get("/public/svenljunga").get_data(as_text=True)
    assert "Polisnärvaro i Svenljunga" in html and "Medborgarlöfte" not in html


def test_the_current_promise_is_the_one_running_today_else_the_latest(app, client, area, officer, hotspot):
    today = _today(app, area)
    make_promise(app, area, officer, [hotspot], date(today.year - 2, 1, 1), date(today.year - 2, 12, 31), title="Två")
    make_promise(app, area, officer, [hotspot], date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), title="Ett")
    assert client.get("/public/svenljunga.json").get_json()["promise"]["title"] == "Ett"  # none runs: the latest
    make_promise(app, area, officer, [hotspot], today - timedelta(days=10), today + timedelta(days=300), title="Nu")
    make_promise(app, area, officer, [hotspot], today + timedelta(days=400), today + timedelta(days=700), title="Sen")
    assert client.get("/public/svenljunga.json").get_json()["promise"]["title"] == "Nu"


def test_an_update_shows_at_once_despite_the_cache(app, client, area, promise):
    from fieldlog.promises.models import CommitmentUpdate

    assert "Trygghetsvandring vid Torget" not in client.get("/public/svenljunga").get_data(as_text=True)
    with app.app_context():
        _db.session.add(
            CommitmentUpdate(
                commitment_id=promise["presence"], date=_today(app, area), text="Trygghetsvandring vid Torget"
            )
        )
        _db.session.commit()
    assert "Trygghetsvandring vid Torget" in client.get("/public/svenljunga").get_data(as_text=True)
    assert "Trygghetsvandring vid Torget" in client.get("/public/svenljunga/embed").get_data(as_text=True)
    assert "Trygghetsvandring vid Torget" in client.get("/public/svenljunga/feed.atom").get_data(as_text=True)


def _card_words(app, lang: str = "") -> str:
    """The words the card draws (the picture itself holds pixels)."""
    from fieldlog.areas.models import Area
    from fieldlog.public import card, views

    with app.test_request_context("/public/svenljunga/card.png" + (f"?lang={lang}" if lang else "")):
        area = _db.session.scalar(_db.select(Area))
        data = views.public_data(area)
        return json.dumps(card.figures(area, data["promise"], data), ensure_ascii=False)


@pytest.mark.parametrize(
    "path",
    ["/public/svenljunga", "/public/svenljunga.json", "/public/svenljunga/embed", "/public/svenljunga/feed.atom"],
)
def test_no_personal_data_anywhere(client, promise, path):
    body = client.get(path).get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in body, (path, secret)
    assert "Hemliga" not in body


def test_no_personal_data_on_the_card(app, promise):
    words = _card_words(app)
    assert "3 av 14 klasser i åk 4–6" in words  # the card says what the page says
    for secret in SECRETS:
        assert secret not in words


def test_open_graph_and_twitter_tags(client, promise):
    html = client.get("/public/svenljunga").get_data(as_text=True)

    def meta(attr: str, name: str) -> str:
        match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', html)
        assert match, name
        return match.group(1)

    assert meta("property", "og:image") == "http://localhost/public/svenljunga/card.png"
    assert meta("property", "og:url") == "http://localhost/public/svenljunga"
    assert (meta("property", "og:image:width"), meta("property", "og:image:height")) == ("1200", "630")
    assert meta("property", "og:title").startswith("Medborgarlöfte Svenljunga")
    assert "3 av 14 klasser i åk 4–6" in meta("property", "og:description")
    assert meta("name", "twitter:card") == "summary_large_image"
    assert meta("name", "twitter:image") == "http://localhost/public/svenljunga/card.png"
    english = client.get("/public/svenljunga?lang=en").get_data(as_text=True)
    assert 'content="http://localhost/public/svenljunga/card.png?lang=en"' in english


def test_card_is_a_1200_by_630_png_kept_until_its_figures_change(app, client, area, promise):
    from fieldlog.promises.models import Commitment

    response = client.get("/public/svenljunga/card.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.get_data()))
    assert image.format == "PNG" and image.size == (1200, 630)
    etag = response.headers["ETag"]
    again = client.get("/public/svenljunga/card.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    with app.app_context():
        _db.session.get(Commitment, promise["sessions"]).assessment = "off_track"
        _db.session.commit()
    changed = client.get("/public/svenljunga/card.png", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Ligger efter planen" in _card_words(app)


def test_card_draws_swedish_letters_with_a_font_that_has_them(app):
    """å, ä and ö have their marks above the letter: a font without them draws a box, or the bare letter."""
    from fieldlog.public.card import font

    face = font(28, True)
    for marked, bare in (("å", "a"), ("ä", "a"), ("ö", "o"), ("Å", "A"), ("Ä", "A"), ("Ö", "O")):
        assert face.getbbox(marked)[1] < face.getbbox(bare)[1], marked  # reaches higher than the bare letter
        assert face.getmask(marked).getbbox() != face.getmask("\u25a1").getbbox()  # not a box


def _atom(body: bytes) -> ET.Element:
    root = ET.fromstring(body)  # noqa: S314 (our own output)
    assert root.tag == f"{ATOM}feed"
    return root


def _check_rfc4287(root: ET.Element) -> None:
    """The rules of RFC 4287 §4.1.1–4.1.2 that a feed reader relies on."""
    rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert rfc3339.match(root.find(f"{ATOM}updated").text)
    feed_author = root.findall(f"{ATOM}author")
    assert len([a for a in root.findall(f"{ATOM}link") if a.get("rel") in (None, "alternate")]) <= 1
    for link in root.iter(f"{ATOM}link"):
        assert link.get("href", "").startswith("http://localhost/"), link.get("href")
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert rfc3339.match(entry.find(f"{ATOM}updated").text)
        assert re.match(r"^[a-z][a-z0-9+.-]*:", entry.find(f"{ATOM}id").text)  # an IRI
        assert feed_author or entry.findall(f"{ATOM}author")
        content = entry.find(f"{ATOM}content")
        links = [a for a in entry.findall(f"{ATOM}link") if a.get("rel") in (None, "alternate")]
        assert content is not None or links  # §4.1.2: content or an alternate link


def test_feed_is_valid_atom_with_stable_ids(app, client, area, promise):
    response = client.get("/public/svenljunga/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = _atom(response.get_data())
    _check_rfc4287(root)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "sv"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}content").text for e in entries] == [
        "Vi har besökt Mariaskolan och Östra skolan.",
        "Kvällspass varje fredag.",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://localhost/public/svenljunga#c-{promise['sessions']}"
    ids = [e.find(f"{ATOM}id").text for e in entries]
    app.config["PUBLIC_REPORT_CACHE_SECONDS"] = 0
    again = _atom(client.get("/public/svenljunga/feed.atom").get_data())
    assert [e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")] == ids
    assert again.find(f"{ATOM}id").text == root.find(f"{ATOM}id").text
    english = _atom(client.get("/public/svenljunga/feed.atom?lang=en").get_data())
    assert english.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_feed_without_updates_is_still_valid(client, area):
    _check_rfc4287(_atom(client.get("/public/svenljunga/feed.atom").get_data()))


def test_embed_may_be_framed_only_by_the_areas_origins(app, client, area, promise):
    from fieldlog.areas.models import Area

    response = client.get("/public/svenljunga/embed")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    with app.app_context():
        _db.session.get(Area, area.id).embed_origins = ["https://www.svenljunga.se", "http://localhost:8080"]
        _db.session.commit()
    response = client.get("/public/svenljunga/embed")
    csp = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert csp["frame-ancestors"] == "https://www.svenljunga.se http://localhost:8080"
    assert "X-Frame-Options" not in response.headers
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert '<base target="_top">' in html and "3 av 14 klasser i åk 4–6" in html
    # The full page may still be framed by no one.
    page = client.get("/public/svenljunga")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_public_routes_are_404_unless_the_area_publishes(client, make_area):
    make_area("tranemo", public_report=False)
    for path in ("/public/tranemo/embed", "/public/tranemo/card.png", "/public/tranemo/feed.atom"):
        assert client.get(path).status_code == 404, path


def test_page_is_small(client, promise):
    """SPEC §9: the page ≤ 50 KB compressed (bench/public_page.py measures the demo)."""
    body = client.get("/public/svenljunga").get_data()
    assert len(gzip.compress(body)) < 50_000


# -- the demo's promise (fieldlog demo): what `make run` shows a resident


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def _demo_secrets(app) -> list[str]:
    """What the demo holds that no public output may show: people's names, visit and activity notes (their first
    words), positions, and the names of hot spots not marked public."""
    from fieldlog.activities.models import Activity
    from fieldlog.auth.models import User
    from fieldlog.hotspots.models import HotSpot
    from fieldlog.visits.models import Visit

    with app.app_context():
        secrets = [u.display_name for u in _db.session.scalars(_db.select(User))]
        secrets += [h.name for h in _db.session.scalars(_db.select(HotSpot).where(HotSpot.public.is_(False)))]
        notes = _db.session.scalars(_db.select(Visit.notes).where(Visit.notes != "")).all()
        notes += _db.session.scalars(_db.select(Activity.notes).where(Activity.notes != "")).all()
        secrets += sorted({n[:30] for n in notes})
        secrets += sorted(
            {f"{v.lat:.5f}" for v in _db.session.scalars(_db.select(Visit).where(Visit.lat.is_not(None)))}
        )
        # What survey respondents wrote ("what would make you feel safer?") and where they tapped the map.
        from fieldlog.surveys.models import SurveyMark, SurveyResponse

        wrote = _db.session.scalars(_db.select(SurveyResponse.improvements).where(SurveyResponse.improvements != ""))
        secrets += sorted({w[:30] for w in wrote})
        secrets += sorted({f"{m.lat:.5f}" for m in _db.session.scalars(_db.select(SurveyMark).limit(200))})
    assert len(secrets) > 10  # the demo holds people, notes and positions: the check below is not empty
    return secrets


def test_demo_promise_page_says_what_its_progress_says(app, client, demo):
    from fieldlog.promises.models import Promise
    from fieldlog.promises.progress import progress

    with app.app_context():
        promise = _db.session.scalar(_db.select(Promise).where(Promise.published.is_(True)))
        today = today_in(promise.area)
        doc = progress(promise, today)
        title = promise.title
        titles = [c.title for c in promise.commitments]
        updates = [u.text for c in promise.commitments for u in c.updates]
    assert promise.starts_on <= today <= promise.ends_on
    html = client.get("/public/svenljunga").get_data(as_text=True)
    text = _text(html)
    assert f'<h1 id="promise-title">{title}</h1>' in html
    for t in titles:
        assert t in text
    assert updates and all(" ".join(u.split()) in text for u in updates)
    by_kind = {c["kind"]: c["progress"] for c in doc["commitments"]}
    weeks = by_kind["presence"]["weeks"]
    assert f"{weeks['met']} av {weeks['total']} veckor med minst målet av besök" in text
    acts = by_kind["activities"]
    assert f"{acts['groups_reached']} av {acts['reach_target']} klass" in text
    # The survey's headline: the latest published wave of the demo (last year's), with its n.
    waves = by_kind["survey"]["waves"]
    last_year = max(w["year"] for w in waves if w["state"] == "closed")
    head = next(w for w in waves if w["year"] == last_year)
    assert f"Trygghetsundersökningen {last_year}: " in text and f"({head['responses']} svar)" in text
    embed = _text(client.get("/public/svenljunga/embed").get_data(as_text=True))
    assert f"{weeks['met']} av {weeks['total']} veckor" in embed


def test_demo_public_outputs_hold_no_personal_data(app, client, demo):
    secrets = _demo_secrets(app)
    outputs = {
        path: client.get(path).get_data(as_text=True)
        for path in (
            "/public/svenljunga",
            "/public/svenljunga?lang=en",
            "/public/svenljunga.json",
            "/public/svenljunga/embed",
            "/public/svenljunga/feed.atom",
        )
    }
    outputs["card"] = _card_words(app)
    for where, body in outputs.items():
        for secret in secrets:
            assert secret not in body, (where, secret)
