// The officer app, after its first screen (app.js drew the lock screen, or nothing): routing, the top bar (sync state,
// language, lock, sign-out), sign-in, the lock's triggers, sync and the update prompt.
import { api } from "./api.js";
import { currentKey, onKeyChange } from "./cipher.js";
import { h, replace } from "./dom.js";
import { getLang, setLang, setTimezone, t, waitingSentences } from "./i18n.js";
import { endKiosk, kioskActive, loadKiosk } from "./kiosk.js";
import { counts } from "./outbox.js";
import { startLockTriggers } from "./lock.js";
import { forgetSession, getSession, loadSession, onSessionChange, setSession } from "./session.js";
import { clearServerCopy } from "./storage.js";
import { onSyncChange, startTriggers, state as syncState, syncNow } from "./sync.js";
import { brand, langButton } from "./views/bar.js";
import { renderHotspots } from "./views/hotspots.js";
import { clearError, prefetch, redrawBanners, setBanner, showError, teardown, updateLive } from "./views/shared.js";
import { renderLock } from "./views/lock.js";
import { renderSetPin } from "./views/pin.js";
import { renderSignIn } from "./views/signin.js";
import { isUnlocked, needsPin, readLock } from "./vault.js";

const main = document.getElementById("main");
const bar = document.getElementById("bar");
const tabs = document.getElementById("tabs");
const dialog = document.getElementById("dialog");

// The views that are seldom the first: loaded when first opened (and warmed right after start-up), so that a cold
// start reads and runs only what the first view needs. The service worker precaches them all the same.
const later = {
  visit: () => import("./views/visit.js"),
  new: () => import("./views/form.js"),
  today: () => import("./views/today.js"),
  map: () => import("./views/map.js"),
  activities: () => import("./views/activities.js"),
  activity: () => import("./views/activity.js"),
  kiosk: () => import("./views/kiosk.js"),
};

/** Load the later views ahead of need, from the service worker's precache — not over the network on the very first
 * visit (the worker is fetching them already; they load on first use). */
function warmLaterViews() {
  const warm = () => Object.values(later).forEach((load) => load().catch(() => undefined));
  if (!("serviceWorker" in navigator) || navigator.serviceWorker.controller) warm();
}

let triggersStarted = false;
let updateWorker = null;
let routeNotice = null;

export const ctx = {
  get session() {
    return getSession();
  },
  get userId() {
    return getSession()?.user?.id;
  },
  navigate(hash, notice) {
    routeNotice = notice || null;
    if (location.hash === hash) route(true, takeNotice());
    else location.hash = hash;
  },
  refresh: (why) => refresh(why),
  confirm: confirmDialog,
  startSync,
  unlocked: () => afterUnlock(true),
  // After a sign-in with the password (which started the sync already). The password also ends a running kiosk
  // (issue 15 item 5: the way out when the PIN is forgotten or blocked at the kiosk's exit).
  pinSet: async () => {
    await endKiosk();
    (await later.kiosk()).leaveKioskScreen();
    await afterUnlock(false);
  },
  lock: () => lockNow(),
};

// --- Lock (issue 15) ---

// A lock record on this phone: then nothing opens without the PIN (or a sign-in with the password).
let hasLock = false;
let lockNow = () => undefined;

/** Unlocked (PIN), or a PIN chosen after a sign-in: read the session and go on where the officer was. */
async function afterUnlock(sync) {
  // From the key in memory to the first data view (bench/cold_start.py: the PBKDF2 before it is the lock's own cost).
  performance.mark("fieldlog-unlocked");
  hasLock = true;
  const [session] = await Promise.all([loadSession(), loadKiosk()]);
  setTimezone(session?.user?.area?.timezone);
  if (location.hash.startsWith("#/signin")) ctx.navigate("#/");
  else await route();
  performance.mark("fieldlog-data-view");
  if (getSession() && (sync || !triggersStarted)) startSync();
}

function onLocked() {
  if (dialog.open) dialog.close();
  // Only memory is cleared: the stored session stays, sealed.
  setSession(null);
  route();
}

// The service worker uploads in the background with the key an unlocked page hands it; a lock takes it back.
onKeyChange((key) => {
  const worker = navigator.serviceWorker?.controller;
  worker?.postMessage(key ? { type: "VAULT_KEY", key } : { type: "VAULT_LOCK" });
});

// --- Routing ---

function parseHash() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  return { parts: path.split("/").filter(Boolean), params: new URLSearchParams(query) };
}

let currentView = "";
// One view is drawn at a time, in the order asked: a redraw after a sync that is still reading must not draw over the
// view the officer tapped meanwhile (it would show Today under the address #/kiosk).
let routing = Promise.resolve();
// A navigation's notice ("Saved") goes with the navigation's own drawing, not with a redraw queued before it.
function takeNotice() {
  const notice = routeNotice;
  routeNotice = null;
  return notice;
}
function route(toTop = true, notice = null) {
  const run = routing.then(() => drawRoute(toTop, notice));
  routing = run.catch(() => undefined);
  return run;
}

async function drawRoute(toTop, notice) {
  teardown();
  const { parts, params } = parseHash();
  renderChrome();
  if (hasLock && !isUnlocked() && parts[0] !== "signin") {
    // Locked: the PIN first — also for a running kiosk, whose answers are sealed with the same key.
    currentView = "lock";
    await renderLock(main, ctx);
  } else if (!isUnlocked() || (!kioskActive() && (!getSession() || parts[0] === "signin"))) {
    // Locked, the sign-in with the password (also the way out of a kiosk whose PIN is blocked).
    currentView = "signin";
    renderSignIn(main, ctx);
  } else if (needsPin()) {
    currentView = "pin";
    renderSetPin(main, ctx, notice);
  } else if (kioskActive()) {
    // The survey kiosk runs: nothing of the officer's is shown, whatever the address asks for (views/kiosk.js).
    currentView = "kiosk";
    await (await later.kiosk()).renderKiosk(main, ctx);
  } else if (parts[0] === "visit" && parts[1]) {
    currentView = "visit";
    await (await later.visit()).renderVisit(main, ctx, parts[1], notice);
  } else if (parts[0] === "new") {
    currentView = "new";
    await (await later.new()).renderNew(main, ctx, params);
  } else if (parts[0] === "today") {
    currentView = "today";
    await (await later.today()).renderToday(main, ctx);
  } else if (parts[0] === "map") {
    currentView = "map";
    await (await later.map()).renderMap(main, ctx);
  } else if (parts[0] === "activities") {
    currentView = "activities";
    await (await later.activities()).renderActivities(main, ctx);
  } else if (parts[0] === "kiosk") {
    currentView = "kiosk-start";
    await (await later.kiosk()).renderKioskStart(main, ctx);
  } else if (parts[0] === "activity" && parts[1] === "new") {
    currentView = "activity-new";
    await (await later.activity()).renderNewActivity(main, ctx, params);
  } else if (parts[0] === "activity" && parts[1]) {
    currentView = "activity";
    await (await later.activity()).renderActivity(main, ctx, parts[1], notice);
  } else {
    currentView = "hotspots";
    await renderHotspots(main, ctx);
  }
  markTabs();
  // Each view starts at its top, not at the previous view's scroll position (B3) — but a redraw after a sync leaves
  // the officer where they were.
  if (toTop) window.scrollTo(0, 0);
}

/** Redraw after data changed underneath — but never a form the officer may be filling in. */
async function refresh(why) {
  if (currentView === "hotspots" || currentView === "today" || currentView === "activities") await route(false);
  else if (currentView === "new") await (await later.new()).refreshNew();
  else if (currentView === "visit" && why === "force") {
    teardown();
    await (await later.visit()).renderVisit(main, ctx, parseHash().parts[1]);
  } else if (currentView === "visit" || currentView === "activity") {
    if (why === "force") await route(false);
    else await updateLive();
  }
}

// --- Chrome: top bar, tabs, banners ---

function renderChrome() {
  const session = getSession();
  document.documentElement.lang = getLang();
  document.getElementById("skip").textContent = t("skip");
  if (kioskActive()) {
    // The kiosk draws its own bar (the respondent's language, the officer's way out); no tabs, no sync status.
    bar.hidden = true;
    tabs.hidden = true;
    replace(bar);
    renderBanners();
    return;
  }
  bar.hidden = false;
  replace(
    bar,
    brand(),
    session ? h("p", { class: "sync", id: "sync-status", role: "status", "aria-live": "polite" }) : null,
    h(
      "div",
      { class: "tools" },
      langButton(switchLang),
      session && isUnlocked() && !needsPin()
        ? h("button", { type: "button", id: "lock", "aria-label": t("lock_app"), onclick: () => lockNow() }, t("lock"))
        : null,
      session ? h("button", { type: "button", onclick: signOutOnce }, t("sign_out")) : null,
    ),
  );
  tabs.hidden = !session || needsPin();
  tabs.setAttribute("aria-label", t("nav_main"));
  replace(
    tabs,
    [
      ["hotspots", "#/", t("tab_hotspots")],
      ["map", "#/map", t("tab_map")],
      ["today", "#/today", t("tab_today")],
      ["new", "#/new", t("tab_new")],
      ["activities", "#/activities", t("tab_activities")],
    ].map(([view, href, label]) => h("a", { href, "data-view": view }, label)),
  );
  renderBanners();
  renderSyncStatus();
}

function markTabs() {
  // An activity and "Ny aktivitet" belong to the Aktiviteter tab.
  const tab = currentView.startsWith("activity") ? "activities" : currentView;
  for (const a of tabs.querySelectorAll("a")) {
    if (a.dataset.view === tab) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function renderSyncStatus() {
  const el = document.getElementById("sync-status");
  if (!el) return;
  const s = syncState;
  let text;
  let kind;
  if (s.phase === "pushing" && s.total > 0)
    [text, kind] = [t("status_uploading", { done: s.done, total: s.total }), "busy"];
  else if (s.attention > 0) [text, kind] = [t("status_attention", { n: s.attention }), "attention"];
  else if (s.waiting > 0) [text, kind] = [t("status_waiting", { n: s.waiting }), "pending"];
  else [text, kind] = [t("status_synced"), "synced"];
  const extra = [];
  if (s.phase === "offline" || !navigator.onLine) extra.push(t("status_offline"));
  else if (s.phase === "retrying") extra.push(t("status_retrying"));
  const icon = { busy: "↻", attention: "⚠", pending: "⏳", synced: "✓" }[kind];
  el.className = `sync sync-${kind}`;
  el.dataset.waiting = String(s.waiting);
  el.dataset.attention = String(s.attention);
  replace(
    el,
    h("a", { href: "#/today" }, h("span", { "aria-hidden": "true" }, `${icon} `), text),
    extra.length ? h("span", { class: "muted-light" }, ` · ${extra.join(" · ")}`) : null,
  );
}

function renderBanners() {
  const session = getSession();
  setBanner(
    "auth",
    session?.needs_sign_in
      ? () =>
          h(
            "div",
            { class: "banner banner-auth", role: "alert" },
            h(
              "p",
              {},
              `${session.needs_sign_in === "token_revoked" ? t("session_revoked") : t("session_expired")} ${t("sign_in_again")}`,
            ),
            h("a", { class: "button primary", href: "#/signin" }, t("sign_in")),
          )
      : null,
  );
  setBanner(
    "update",
    updateWorker
      ? () =>
          h(
            "div",
            { class: "banner banner-update", role: "status" },
            h("p", {}, t("update_ready")),
            h("button", { type: "button", class: "primary", id: "reload", onclick: applyUpdate }, t("reload")),
          )
      : null,
  );
  redrawBanners();
}

function switchLang() {
  setLang(getLang() === "sv" ? "en" : "sv");
  route();
}

function confirmDialog(title, text, okLabel) {
  return new Promise((resolvePromise) => {
    const done = (value) => {
      dialog.close();
      resolvePromise(value);
    };
    replace(
      dialog,
      h("h2", { id: "dialog-title" }, title),
      h("p", {}, text),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "primary", onclick: () => done(true) }, okLabel),
        h("button", { type: "button", onclick: () => done(false) }, t("cancel")),
      ),
    );
    dialog.setAttribute("aria-labelledby", "dialog-title");
    dialog.onclose = () => resolvePromise(false);
    dialog.showModal();
  });
}

// --- Session ---

// One sign-out at a time: a double tap must not open two dialogs or revoke twice.
let signingOut = false;
async function signOutOnce() {
  if (signingOut) return;
  signingOut = true;
  try {
    await signOut();
  } catch (error) {
    showError(error);
  } finally {
    signingOut = false;
  }
}

async function signOut() {
  const { waiting, attention, byKind } = await counts(ctx.userId);
  if (waiting + attention > 0) {
    const [title, text] = waitingSentences(byKind, waiting + attention);
    const ok = await confirmDialog(title, text, t("sign_out_anyway"));
    if (!ok) return;
  }
  const session = getSession();
  const token = session?.token;
  if (token && !session.needs_sign_in) api("DELETE", "/auth/token", undefined, token).catch(() => undefined);
  // Visits not yet uploaded stay (outbox and their records); what the server can give back goes.
  await clearServerCopy();
  await forgetSession();
  ctx.navigate("#/signin");
}

function startSync() {
  // Ask that the outbox never be evicted under storage pressure (granted to installed apps).
  navigator.storage?.persist?.().catch(() => undefined);
  if (triggersStarted) return syncNow();
  triggersStarted = true;
  startTriggers();
}

// --- Service worker and updates ---

let reloading = false;
function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only after the officer tapped "reload"; the very first install claims the page without a reload.
    if (!reloading) return;
    location.reload();
  });
  navigator.serviceWorker
    // A module worker: it imports the page's own sync module and pushes the outbox itself (Background Sync, D2).
    .register("/sw.js", { scope: "/app", type: "module" })
    // No module workers here (older browsers): the classic worker, whose Background Sync only wakes open pages.
    .catch(() => navigator.serviceWorker.register("/sw.js?classic=1", { scope: "/app" }))
    .then((registration) => {
      const offer = (worker) => {
        if (!navigator.serviceWorker.controller) return;
        updateWorker = worker;
        renderBanners();
      };
      if (registration.waiting) offer(registration.waiting);
      // A worker that started after the unlock gets the key too.
      navigator.serviceWorker.ready.then((ready) => {
        if (currentKey()) ready.active?.postMessage({ type: "VAULT_KEY", key: currentKey() });
      });
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        worker?.addEventListener("statechange", () => {
          if (worker.state === "installed") offer(worker);
        });
      });
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible" && navigator.onLine) registration.update().catch(() => undefined);
      });
    })
    .catch(() => undefined);
}

function applyUpdate() {
  if (!updateWorker) return;
  reloading = true;
  updateWorker.postMessage({ type: "SKIP_WAITING" });
}

// --- Start ---

// One error banner for any failure nobody caught (a rejected promise of a click, a timer, a sync trigger).
window.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  showError(event.reason);
});

/**
 * Take over from app.js. `record`: the lock's record it read (undefined: not read, or the read failed — then read here,
 * and a failure shows). `lockDrawn`: app.js drew the lock screen already — the officer may be typing the PIN, so it
 * is left as it is and only the top bar is drawn again, with all of its handlers.
 */
export async function start({ record, lockDrawn = false } = {}) {
  hasLock = !!(record === undefined ? await readLock() : record);
  lockNow = startLockTriggers(onLocked);
  // Cold start: with a lock, nothing is read before the PIN. Without one (never signed in, or an app from before the
  // lock), only a sign-in with the password goes on (it seals what is stored).
  if (!hasLock) prefetch();
  const [session] = hasLock ? [null] : await Promise.all([loadSession(), loadKiosk()]);
  setTimezone(session?.user?.area?.timezone);
  // Paused for sign-in (a 401 during sync) or signed in again: the banner follows.
  let needsSignIn = session?.needs_sign_in || null;
  onSessionChange((value) => {
    if ((value?.needs_sign_in || null) === needsSignIn) return;
    needsSignIn = value?.needs_sign_in || null;
    renderBanners();
  });
  onSyncChange((_state, event) => {
    renderSyncStatus();
    if (event === "synced") refresh("sync");
  });
  window.addEventListener("hashchange", () => {
    clearError();
    route(true, takeNotice());
  });
  window.addEventListener("online", renderSyncStatus);
  window.addEventListener("offline", renderSyncStatus);
  if (lockDrawn && !location.hash.startsWith("#/signin")) {
    // Unlocked meanwhile (a quick PIN): the unlock's own call (ctx.unlocked, queued behind this start) draws next.
    currentView = "lock";
    renderChrome();
  } else {
    await route();
  }
  prefetch(false); // only the first view may use the start-up read
  performance.mark("fieldlog-interactive");
  document.documentElement.dataset.ready = "1";
  // After the first view: the worker's registration and the first sync do not delay what the officer sees.
  registerServiceWorker();
  if (getSession() && isUnlocked()) startSync();
  warmLaterViews();
}
