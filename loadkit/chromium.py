"""What the browser tests and the benches ask Chromium through the DevTools protocol (CDP)."""

from __future__ import annotations

import time


def registration_id(cdp, scope: str) -> str:
    """The service worker registration of the app at ``scope``, as the DevTools protocol names it (``cdp``: a
    Playwright CDP session of the app's page)."""
    found: dict[str, str] = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.update({r["scopeURL"]: r["registrationId"] for r in event["registrations"]}),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while scope not in found and time.monotonic() < deadline:
        cdp.send("Runtime.evaluate", {"expression": "1"})  # lets the event loop deliver events
        time.sleep(0.05)
    return found[scope]
