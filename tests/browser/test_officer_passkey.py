"""Issue 15 item 1: the device's passkey — fingerprint, face or screen lock — unlocks the app beside the PIN, offline,
through WebAuthn's PRF extension. Real Chromium with the DevTools protocol's virtual authenticator (a platform
authenticator with user verification and PRF, as a phone's): set up after the PIN, unlock offline with the data there,
nothing secret stored; no PRF, no offer; a failed verification or a removed credential leaves the PIN; ten wrong PINs
block the passkey too; turning it off and on from the Today view; leaving the survey kiosk.

WebAuthn needs a host name (an IP address is no relying party), so these tests open the app at localhost."""

from __future__ import annotations

import base64
import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.officer import (
    PIN,
    WAIT,
    choose_pin,
    fill_sign_in,
    local_visit_ids,
    read_raw,
    shot,
    unlock,
    wait_uploaded,
)
from tests.browser.test_officer_app_shell import check_view
from tests.browser.test_officer_device_lock import QUEUE_VISITS
from tests.browser.test_survey_kiosk import expect_kiosk_only
from tests.fixtures.users import PASSWORD

LOCKED = "Appen är låst"
PASSKEY_UNLOCK = "Lås upp med fingeravtryck eller skärmlås"
OFFER = "Lås upp med fingeravtryck eller skärmlås?"
USE = "Använd fingeravtryck eller skärmlås"
NEW_PIN = "97531864"


@pytest.fixture
def browser_context_args(browser_context_args):
    # 320 px: the narrowest phone the app is laid out for (check_view measures against it).
    return {**browser_context_args, "viewport": {"width": 320, "height": 640}}


@pytest.fixture
def base(live_server) -> str:
    return live_server.replace("127.0.0.1", "localhost")


class Authenticator:
    """A virtual platform authenticator (CTAP2, internal transport, user verification), as a phone's."""

    def __init__(self, page: Page, prf: bool = True):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable")
        options = {
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": True,
            "hasUserVerification": True,
            "isUserVerified": True,
            "hasPrf": prf,
            "automaticPresenceSimulation": True,
        }
        self.id = self.cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]

    def credentials(self) -> list:
        return self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})["credentials"]

    def verified(self, value: bool) -> None:
        self.cdp.send("WebAuthn.setUserVerified", {"authenticatorId": self.id, "isUserVerified": value})

    def clear(self) -> None:
        self.cdp.send("WebAuthn.clearCredentials", {"authenticatorId": self.id})


def lock_record(page: Page) -> dict:
    return page.evaluate(
        """() => import('/static/js/vault.js').then(async (v) => {
          const r = await v.readLock();
          const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
          return { failures: r.failures, blocked: r.blocked, pin: !!r.pin,
            passkey: r.passkey && { id: hex(r.passkey.id), salt: hex(r.passkey.salt), iv: hex(r.passkey.wrapped.iv),
              ct: hex(r.passkey.wrapped.ct) } };
        })"""
    )


# What must never be stored: the PRF output, the wrapping key HKDF makes of it, and the data key it wraps — all got
# here the way the app gets them (one more touch of the authenticator), as hex.
SECRETS = """async () => {
  const { readLock } = await import('/static/js/vault.js');
  const { passkeyOutput, PASSKEY_INFO } = await import('/static/js/passkey.js');
  const { passkey } = await readLock();
  const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
  const output = await passkeyOutput(passkey.id, passkey.salt);
  const ikm = await crypto.subtle.importKey('raw', output, 'HKDF', false, ['deriveBits']);
  const wrapping = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: passkey.salt, info: new TextEncoder().encode(PASSKEY_INFO) }, ikm, 256);
  const key = await crypto.subtle.importKey('raw', wrapping, 'AES-GCM', false, ['decrypt']);
  const data = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: passkey.wrapped.iv }, key, passkey.wrapped.ct);
  return { output: hex(output), wrapping: hex(wrapping), data: hex(data) };
}"""


def sign_in_with_passkey(page: Page, base: str) -> None:
    """Sign in, choose the PIN, and take the passkey the app offers next."""
    page.goto(base + "/app")
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Välj en PIN-kod")).to_be_visible(timeout=WAIT)
    choose_pin(page)
    expect(page.get_by_role("heading", name=OFFER)).to_be_visible(timeout=WAIT)
    check_view(page, "passkey offer")
    shot(page, "passkey-offer")
    page.get_by_role("button", name=USE).click()
    expect(page.get_by_role("heading", name="Hot spots", exact=True)).to_be_visible(timeout=WAIT)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT)


def lock_now(page: Page) -> None:
    page.get_by_role("button", name="Lås appen").click()
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible(timeout=WAIT)


def passkey_unlock(page: Page) -> None:
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name=PASSKEY_UNLOCK).click()
    expect(page.get_by_role("heading", name=LOCKED)).to_have_count(0, timeout=WAIT)


def test_the_passkey_set_up_after_the_pin_unlocks_offline_and_nothing_secret_is_stored(
    page, context, base, officer, hotspot
):
    authenticator = Authenticator(page)
    sign_in_with_passkey(page, base)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    [credential] = authenticator.credentials()
    record = lock_record(page)
    assert record["pin"] and record["passkey"] and len(record["passkey"]["salt"]) == 64
    # Stored: the credential's id, not the officer's name (the user handle is random).
    assert record["passkey"]["id"] == base64.b64decode(credential["credentialId"]).hex()
    assert "anna" not in base64.b64decode(credential["userHandle"]).decode("latin-1")

    context.set_offline(True)
    ids = page.evaluate(QUEUE_VISITS, {"hotspotId": str(hotspot.id), "count": 2})
    page.reload()  # a cold start, offline
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name=PASSKEY_UNLOCK)).to_be_focused()
    expect(page.get_by_label("PIN-kod", exact=True)).to_be_visible()  # the PIN stays beside it
    check_view(page, "lock screen with the passkey")
    shot(page, "passkey-lock-screen")
    passkey_unlock(page)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    assert sorted(local_visit_ids(page)) == ids
    assert lock_record(page)["failures"] == 0

    # The storage read directly: no PRF output, no key made of it, no data key — only their wraps.
    secrets = page.evaluate(SECRETS)
    assert len(secrets["output"]) == len(secrets["wrapping"]) == len(secrets["data"]) == 64
    raw = json.dumps(read_raw(page))
    for name, value in secrets.items():
        assert value not in raw, name
    assert "kö 0" not in raw and PIN not in raw
    # The wrap opens to the data key the app holds: the same key as the PIN's (a visit sealed now opens after a PIN
    # unlock).
    page.evaluate(QUEUE_VISITS, {"hotspotId": str(hotspot.id), "count": 1})
    page.reload()
    unlock(page)
    assert len(local_visit_ids(page)) == 3


def test_without_prf_the_passkey_is_not_offered(page, context, base, officer, hotspot):
    # No platform authenticator: nothing is offered after the PIN, nor on the Today view.
    page.goto(base + "/app")
    fill_sign_in(page)
    page.get_by_role("link", name="Idag", exact=True).click()
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("heading", name="Lås upp med fingeravtryck eller skärmlås")).to_have_count(0)

    # A platform authenticator without PRF (it could not give the key back): tried once, told, not kept.
    Authenticator(page, prf=False)
    page.reload()
    unlock(page)
    page.get_by_role("link", name="Idag", exact=True).click()
    card = page.locator("section.passkey")
    expect(card).to_be_visible(timeout=WAIT)
    card.get_by_label("PIN-kod").fill(PIN)
    card.get_by_role("button", name=USE).click()
    expect(page.locator("#passkey-error")).to_have_text(
        "Den här telefonen kan inte låsa upp appen med fingeravtryck eller skärmlås. Använd PIN-koden.", timeout=WAIT
    )
    expect(card.get_by_role("button", name=USE)).to_be_enabled()
    record = lock_record(page)
    assert record["passkey"] is None and record["failures"] == 0
    page.reload()
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name=PASSKEY_UNLOCK)).to_have_count(0)
    unlock(page)


def test_a_removed_passkey_or_a_failed_verification_is_told_and_the_pin_still_works(
    page, context, base, officer, hotspot
):
    authenticator = Authenticator(page)
    sign_in_with_passkey(page, base)
    context.set_offline(True)
    lock_now(page)
    passkey_unlock(page)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)

    # The passkey removed from the phone (its screen lock was reset): a message in Swedish, the PIN field stays and
    # gets the focus, no try is counted.
    authenticator.clear()
    lock_now(page)
    page.get_by_role("button", name=PASSKEY_UNLOCK).click()
    error = page.locator("#pin-error")
    expect(error).to_have_text(
        "Fingeravtrycket eller skärmlåset avbröts eller godkändes inte. Försök igen eller skriv PIN-koden.",
        timeout=WAIT,
    )
    expect(page.get_by_label("PIN-kod", exact=True)).to_be_focused()
    expect(page.get_by_role("button", name=PASSKEY_UNLOCK)).to_be_enabled()
    assert lock_record(page)["failures"] == 0
    # A wrong PIN is counted; the button comes back and the field can be typed in again (submitOnce).
    page.get_by_label("PIN-kod", exact=True).fill("000000")
    page.get_by_role("button", name="Lås upp", exact=True).click()
    expect(error).to_have_text("Fel PIN-kod. 9 försök kvar.", timeout=WAIT)
    expect(page.get_by_role("button", name="Lås upp", exact=True)).to_be_enabled()
    expect(page.get_by_label("PIN-kod", exact=True)).to_be_focused()
    unlock(page)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)

    # A new passkey (off and on again on the Today view); then the finger is not recognised: told, the PIN opens.
    page.get_by_role("link", name="Idag", exact=True).click()
    card = page.locator("section.passkey")
    card.get_by_role("button", name="Sluta använda fingeravtryck").click()
    card.get_by_label("PIN-kod").fill(PIN)
    card.get_by_role("button", name=USE).click()
    expect(page.locator("#passkey-status")).to_contain_text("Klart", timeout=WAIT)
    assert len(authenticator.credentials()) == 1
    authenticator.verified(False)
    lock_now(page)
    page.get_by_role("button", name=PASSKEY_UNLOCK).click()
    expect(error).to_contain_text("avbröts eller godkändes inte", timeout=WAIT)
    assert lock_record(page)["failures"] == 0
    unlock(page)
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)


def test_ten_wrong_pins_block_the_passkey_too_and_the_password_keeps_it(page, context, base, app, officer, hotspot):
    authenticator = Authenticator(page)
    sign_in_with_passkey(page, base)
    context.set_offline(True)
    ids = page.evaluate(QUEUE_VISITS, {"hotspotId": str(hotspot.id), "count": 2})
    lock_now(page)
    for left in range(9, 0, -1):
        page.get_by_label("PIN-kod", exact=True).fill("000000")
        page.get_by_role("button", name="Lås upp", exact=True).click()
        expect(page.locator("#pin-error")).to_have_text(f"Fel PIN-kod. {left} försök kvar.", timeout=WAIT)
    page.get_by_label("PIN-kod", exact=True).fill("000000")
    page.get_by_role("button", name="Lås upp", exact=True).click()
    expect(page.get_by_text("För många fel PIN-koder.")).to_be_visible(timeout=WAIT)
    # Blocked: no passkey button, and why; the passkey itself is refused without being asked.
    expect(page.get_by_text("Fingeravtryck och skärmlås låser inte heller upp")).to_be_visible()
    expect(page.get_by_role("button", name=PASSKEY_UNLOCK)).to_have_count(0)
    check_view(page, "blocked, with a passkey")
    shot(page, "passkey-blocked")
    tried = page.evaluate("() => import('/static/js/vault.js').then((v) => v.unlockWithPasskey())")
    assert tried == {"ok": False, "blocked": True}
    page.reload()
    expect(page.get_by_role("button", name=PASSKEY_UNLOCK)).to_have_count(0)

    # The password (online) gets the same data key back: the passkey's wrap stays and opens again after the new PIN,
    # with nothing offered twice.
    context.set_offline(False)
    page.get_by_role("link", name="Logga in").click()
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Välj en PIN-kod")).to_be_visible(timeout=WAIT)
    choose_pin(page, NEW_PIN)
    expect(page.get_by_role("heading", name="Hot spots", exact=True)).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    assert len(authenticator.credentials()) == 1
    context.set_offline(True)
    page.reload()
    passkey_unlock(page)
    expect(page.get_by_role("heading", name="Hot spots", exact=True)).to_be_visible(timeout=WAIT)
    assert sorted(local_visit_ids(page)) == ids


def test_the_passkey_is_turned_off_and_on_from_the_today_view(page, context, base, officer, hotspot):
    Authenticator(page)
    sign_in_with_passkey(page, base)
    page.get_by_role("link", name="Idag", exact=True).click()
    card = page.locator("section.passkey")
    expect(card.get_by_role("heading", name="Lås upp med fingeravtryck eller skärmlås")).to_be_visible(timeout=WAIT)
    check_view(page, "today, passkey on")
    card.get_by_role("button", name="Sluta använda fingeravtryck").click()
    expect(page.locator("#passkey-status")).to_have_text("Appen låses nu bara upp med PIN-koden.", timeout=WAIT)
    assert lock_record(page)["passkey"] is None
    page.reload()
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name=PASSKEY_UNLOCK)).to_have_count(0)
    unlock(page)

    # On again: the PIN is asked, and a wrong one counts.
    page.get_by_role("link", name="Idag", exact=True).click()
    expect(card.get_by_label("PIN-kod")).to_be_visible(timeout=WAIT)
    check_view(page, "today, passkey off")
    shot(page, "passkey-today-off")
    card.get_by_label("PIN-kod").fill("000000")
    card.get_by_role("button", name=USE).click()
    expect(page.locator("#passkey-error")).to_have_text("Fel PIN-kod. 9 försök kvar.", timeout=WAIT)
    assert lock_record(page)["passkey"] is None
    card.get_by_label("PIN-kod").fill(PIN)
    # A sync meanwhile draws the Today view again: the PIN being typed stays, and so does the focus.
    page.evaluate("() => { document.getElementById('device-name').dataset.old = '1'; }")
    page.evaluate("() => import('/static/js/sync.js').then((s) => s.syncNow())")
    page.wait_for_function("() => document.getElementById('device-name')?.dataset.old === undefined", timeout=WAIT)
    expect(card.get_by_label("PIN-kod")).to_have_value(PIN)
    expect(card.get_by_label("PIN-kod")).to_be_focused()
    card.get_by_role("button", name=USE).click()
    expect(page.locator("#passkey-status")).to_have_text(
        "Klart: appen kan låsas upp med fingeravtryck eller skärmlås.", timeout=WAIT
    )
    assert lock_record(page)["failures"] == 0
    context.set_offline(True)
    page.reload()
    passkey_unlock(page)
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)


def test_leaving_the_kiosk_with_the_passkey(page, context, base, officer, area, make_hotspot, survey):
    make_hotspot(area, "Torget", public=True)
    authenticator = Authenticator(page)
    sign_in_with_passkey(page, base)
    wait_uploaded(page)
    context.set_offline(True)

    def start() -> None:
        page.get_by_role("link", name="Idag", exact=True).click()
        page.get_by_role("link", name="Starta enkätkiosk").click()
        page.get_by_role("button", name="Starta kiosken").click()
        expect_kiosk_only(page)
        page.get_by_role("button", name="Avsluta kiosken").click()

    def active() -> bool:
        return page.evaluate("() => import('/static/js/kiosk.js').then((k) => k.kioskActive())")

    start()
    leave = page.get_by_role("button", name="Avsluta med fingeravtryck eller skärmlås")
    expect(leave).to_be_visible(timeout=WAIT)
    check_view(page, "kiosk exit with the passkey")
    shot(page, "passkey-kiosk-exit")
    leave.click()
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)
    assert active() is False

    # Not verified: told, still in the kiosk; the PIN, counted, still leads out.
    start()
    authenticator.verified(False)
    leave.click()
    expect(page.locator("#kiosk-exit-error")).to_have_text(
        "Fingeravtrycket eller skärmlåset gick inte igenom. Försök igen eller skriv PIN-koden.", timeout=WAIT
    )
    expect(page.get_by_label("PIN-kod")).to_be_focused()
    expect(page.locator("#tabs")).to_be_hidden()
    assert active() is True and lock_record(page)["failures"] == 0
    page.get_by_label("PIN-kod").fill("000000")
    page.get_by_role("button", name="Avsluta", exact=True).click()
    expect(page.locator("#kiosk-exit-error")).to_have_text("Fel PIN-kod. 9 försök kvar.", timeout=WAIT)
    expect(page.get_by_role("button", name="Avsluta", exact=True)).to_be_enabled()
    page.get_by_label("PIN-kod").fill(PIN)
    page.get_by_role("button", name="Avsluta", exact=True).click()
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)
    assert active() is False and lock_record(page)["failures"] == 0


def test_an_app_served_at_an_ip_address_offers_no_passkey(page, live_server, base):
    # WebAuthn needs a host name for its relying party: at an IP address the option is not shown, even with a
    # platform authenticator with PRF there.
    Authenticator(page)
    available = "() => import('/static/js/passkey.js').then((m) => m.passkeyAvailable())"
    page.goto(live_server + "/app")
    assert page.evaluate(available) is False
    page.goto(base + "/app")
    assert page.evaluate(available) is True
