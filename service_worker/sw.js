/* fieldlog officer app service worker (served at /sw.js; the server fills in VERSION, PRECACHE and INTEGRITY).
 *
 * - The shell is precached into a versioned cache during install, and install waits for it. A static file whose
 *   bytes the server vouches for (INTEGRITY: its SRI hash) is taken from the browser's HTTP cache when the copy there
 *   matches — on a first visit the page has just loaded most of them, and an update changes few — and fetched only
 *   when it does not; the shell page and the manifest are revalidated (a 304 when unchanged).
 * - A new worker waits: the page shows "new version — reload" and only the officer's tap sends SKIP_WAITING.
 * - Navigations to the app: network first with a short timeout, the cached shell as fallback — while this worker runs.
 *   A navigation that finds it stopped (a cold start: the phone opens the app) gets the cached shell from the browser
 *   itself (a static route), without waiting for the worker to start.
 * - Precached files from the shell cache; other static files (the map library) stale-while-revalidate. The API never
 *   goes through a cache (writes are the outbox's job).
 * - A module worker: it imports the page's own sync module, so that Background Sync uploads the outbox with no page
 *   open (same mutation ids, one sync at a time under the same lock as the pages).
 */
import { syncInWorker } from "/static/js/sync.js"; // classic fallback: the server makes this line `const syncInWorker = null;`

const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const INTEGRITY = __INTEGRITY__;
// What the server decides (config.js reads it here, as the page reads the shell's data-config): the part the worker's
// modules read — no kiosk questionnaires, no words to show (fieldlog/officer/views.py worker_config).
globalThis.FIELDLOG_CONFIG = __CONFIG__;
const PREFIX = "fieldlog-officer-";
const SHELL_CACHE = `${PREFIX}shell-${VERSION}`;
const RUNTIME_CACHE = `${PREFIX}runtime`;
const SHELL_URL = PRECACHE[0];
const NAVIGATION_TIMEOUT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
  // Where the browser can (the Service Worker Static Routing API), it serves the shell's static files from this
  // version's cache itself, without running this worker's fetch handler for each of them: a cold start's modules and
  // style sheets arrive while the worker is still busy with the navigation. The same answers as staleWhileRevalidate
  // gives precached files; a file missing from the cache goes to the network, as there.
  if (event.addRoutes) {
    const statics = PRECACHE.filter((url) => url.startsWith("/static/"));
    event.waitUntil(
      event
        .addRoutes(statics.map((url) => ({ condition: { urlPattern: url }, source: { cacheName: SHELL_CACHE } })))
        .catch((error) => console.warn("static routes not taken; the fetch handler serves the shell", error)),
    );
  }
});

// Every file first, then into the cache: a failed fetch fails the install and leaves nothing half-stored.
async function precache() {
  const responses = await Promise.all(PRECACHE.map(precacheFetch));
  const cache = await caches.open(SHELL_CACHE);
  await Promise.all(responses.map((response, i) => cache.put(PRECACHE[i], response)));
}

async function precacheFetch(url) {
  const integrity = INTEGRITY[url];
  if (integrity) {
    // The HTTP cache's copy, whatever its age, if its bytes are this version's (a mismatch is a network error).
    try {
      const cached = await fetch(new Request(url, { cache: "force-cache", integrity }));
      if (cached.ok) return cached;
    } catch {
      // not cached, or an older version's bytes: from the server below
    }
  }
  const response = await fetch(new Request(url, integrity ? { cache: "reload", integrity } : { cache: "no-cache" }));
  if (!response.ok) throw new Error(`precache: ${url} answered ${response.status}`);
  return response;
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      // Only our own old shells; the runtime cache (the map library) survives updates.
      await Promise.all(
        names.filter((n) => n.startsWith(`${PREFIX}shell-`) && n !== SHELL_CACHE).map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

// Background Sync (where it exists; Safari and Firefox lack it, and the page syncs by itself there): the worker
// pushes the outbox itself, then tells any open page to redraw. A failed sync rejects, and the browser retries later.
// While the app is locked the worker has no data key: it uploads only the entries sealed for the server at save time,
// reading nothing, and keeps the answers sealed for the page to open after the unlock (sync.js, issue 15).
self.addEventListener("sync", (event) => {
  if (event.tag !== "fieldlog-sync") return;
  event.waitUntil(
    (async () => {
      try {
        // A browser without module workers got the classic worker: it can only ask an open page to sync.
        if (syncInWorker) await syncInWorker();
      } finally {
        const clients = await self.clients.matchAll({ type: "window" });
        clients.forEach((c) => c.postMessage({ type: "SYNCED" }));
      }
    })(),
  );
});

// A cold start's navigation without waiting for the worker (Service Worker Static Routing API, where the browser has
// it): when this worker is not running, the browser answers `/app` from this version's shell cache by itself. Through
// the handler, an offline cold start after a browser restart waited 30–150 ms for the worker to start (a process, its
// module graph read from disk) before the navigation's request even began (its navigation timing's fetchStart, on the
// development machine); bench/cold_start.py's "navigation answered" went from a median of 104 ms to 46 ms (load 7–14).
// The browser still starts the worker, but beside the page now, not in front of it. The cached shell is what the handler gives offline, and it belongs to the cached modules beside it; a newer
// version on the server reaches the phone as it always has, as a new worker (the browser checks /sw.js on the
// navigation) whose reload the officer is offered. While the worker runs, navigations go to the handler below
// (network first). Only `/app` itself: an address with a query goes to the handler, which answers it with the shell.
// Registered apart from the precache's install handler, beside the handler it spares.
self.addEventListener("install", (event) => {
  if (!event.addRoutes) return;
  const coldNavigation = {
    condition: {
      urlPattern: { pathname: SHELL_URL, search: "" },
      requestMode: "navigate",
      runningStatus: "not-running",
    },
    source: { cacheName: SHELL_CACHE },
  };
  event.waitUntil(
    event
      .addRoutes(coldNavigation)
      .catch((error) => console.warn("navigation route not taken; the fetch handler serves the shell", error)),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    if (url.pathname === SHELL_URL || url.pathname.startsWith(`${SHELL_URL}/`)) {
      event.respondWith(networkFirstShell(request));
    }
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith(`${SHELL_URL}/`)) {
    event.respondWith(staleWhileRevalidate(event, request));
  }
});

// The shell cache, opened once per worker start: a cold start serves every module of the app from it at once.
let shellCache = null;
const openShell = () => (shellCache ||= caches.open(SHELL_CACHE));

async function networkFirstShell(request) {
  const cache = openShell();
  // Offline by the phone's own word: the cached shell at once. A fetch could only fail — at once with no network, or
  // only after NAVIGATION_TIMEOUT_MS on a link that says it is up but carries nothing (a cold start must not wait).
  if (self.navigator.onLine === false) {
    const cached = await (await cache).match(SHELL_URL);
    if (cached) return cached;
  }
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok) return response;
    const cached = await (await cache).match(SHELL_URL);
    return cached || response;
  } catch (error) {
    const cached = await (await cache).match(SHELL_URL);
    if (cached) return cached;
    throw error;
  }
}

async function staleWhileRevalidate(event, request) {
  // Precached shell files change only as a whole, through a new version: served from the shell cache as they are.
  const precached = await (await openShell()).match(request);
  if (precached) return precached;
  const runtime = await caches.open(RUNTIME_CACHE);
  const cached = await runtime.match(request);
  const network = fetch(request).then(async (response) => {
    if (response.ok) await runtime.put(request, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  return cached || network;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
