// The officer app: start-up, routing, the top bar (sync state, language, sign-out), sign-in, update prompt.
import { h, replace } from "./dom.js";
import { errorSentence, getLang, setLang, setTimezone, t } from "./i18n.js";
import { counts } from "./outbox.js";
import { clearServerCopy, getMeta, setMeta, tx } from "./storage.js";
import { api, onSyncChange, setSession, startTriggers, state as syncState, syncNow } from "./sync.js";
import {
  prefetch,
  renderHotspots,
  renderMap,
  renderNew,
  renderSignIn,
  renderToday,
  renderVisit,
  teardown,
  updateLive,
} from "./views.js";

const main = document.getElementById("main");
const bar = document.getElementById("bar");
const tabs = document.getElementById("tabs");
const banners = document.getElementById("banners");
const dialog = document.getElementById("dialog");

let session = null;
let triggersStarted = false;
let updateWorker = null;
let routeNotice = null;

const ctx = {
  get session() {
    return session;
  },
  get userId() {
    return session?.user?.id;
  },
  navigate(hash, notice) {
    routeNotice = notice || null;
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  refresh: (why) => refresh(why),
  signIn,
  renameDevice,
  confirm: confirmDialog,
};

// --- Routing ---

function parseHash() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  return { parts: path.split("/").filter(Boolean), params: new URLSearchParams(query) };
}

let currentView = "";
async function route(toTop = true) {
  teardown();
  const { parts, params } = parseHash();
  const notice = routeNotice;
  routeNotice = null;
  renderChrome();
  if (!session || parts[0] === "signin") {
    currentView = "signin";
    renderSignIn(main, ctx);
  } else if (parts[0] === "visit" && parts[1]) {
    currentView = "visit";
    await renderVisit(main, ctx, parts[1], notice);
  } else if (parts[0] === "new") {
    currentView = "new";
    await renderNew(main, ctx, params);
  } else if (parts[0] === "today") {
    currentView = "today";
    await renderToday(main, ctx);
  } else if (parts[0] === "map") {
    currentView = "map";
    await renderMap(main, ctx);
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
  if (currentView === "hotspots" || currentView === "today") await route(false);
  else if (currentView === "visit" && why === "force") {
    teardown();
    await renderVisit(main, ctx, parseHash().parts[1]);
  } else if (currentView === "visit") await updateLive();
}

// --- Chrome: top bar, tabs, banners ---

function renderChrome() {
  document.documentElement.lang = getLang();
  document.getElementById("skip").textContent = t("skip");
  bar.hidden = false;
  replace(
    bar,
    h("span", { class: "brand" }, t("app")),
    session ? h("p", { class: "sync", id: "sync-status", role: "status", "aria-live": "polite" }) : null,
    h(
      "div",
      { class: "tools" },
      h("button", { type: "button", lang: getLang() === "sv" ? "en" : "sv", onclick: switchLang }, t("switch_lang")),
      session ? h("button", { type: "button", onclick: signOutOnce }, t("sign_out")) : null,
    ),
  );
  tabs.hidden = !session;
  tabs.setAttribute("aria-label", t("nav_main"));
  replace(
    tabs,
    [
      ["hotspots", "#/", t("tab_hotspots")],
      ["map", "#/map", t("tab_map")],
      ["today", "#/today", t("tab_today")],
      ["new", "#/new", t("tab_new")],
    ].map(([view, href, label]) => h("a", { href, "data-view": view }, label)),
  );
  renderBanners();
  renderSyncStatus();
}

function markTabs() {
  for (const a of tabs.querySelectorAll("a")) {
    if (a.dataset.view === currentView) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function renderSyncStatus() {
  const el = document.getElementById("sync-status");
  if (!el) return;
  const s = syncState;
  let text;
  let kind;
  if (s.phase === "pushing" && s.total > 0) [text, kind] = [t("status_uploading", { done: s.done, total: s.total }), "busy"];
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
  const items = [];
  if (session?.needs_sign_in) {
    const why = session.needs_sign_in === "token_revoked" ? t("session_revoked") : t("session_expired");
    items.push(
      h(
        "div",
        { class: "banner banner-auth", role: "alert" },
        h("p", {}, `${why} ${t("sign_in_again")}`),
        h("a", { class: "button primary", href: "#/signin" }, t("sign_in")),
      ),
    );
  }
  if (updateWorker) {
    items.push(
      h(
        "div",
        { class: "banner banner-update", role: "status" },
        h("p", {}, t("update_ready")),
        h("button", { type: "button", class: "primary", id: "reload", onclick: applyUpdate }, t("reload")),
      ),
    );
  }
  replace(banners, items);
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

/**
 * What this device is, from the user agent: "Chrome på Android (Pixel 7)", "Safari på iPhone" (D6). The officer can
 * change it later; supervisors see it in the device list.
 */
export function deviceName(ua = navigator.userAgent, lang = getLang()) {
  const browser = /EdgA?\//.test(ua)
    ? "Edge"
    : /SamsungBrowser\//.test(ua)
      ? "Samsung Internet"
      : /Firefox\/|FxiOS\//.test(ua)
        ? "Firefox"
        : /OPR\//.test(ua)
          ? "Opera"
          : /Chrome\/|CriOS\/|Chromium\//.test(ua)
            ? "Chrome"
            : /Safari\//.test(ua)
              ? "Safari"
              : null;
  let system = null;
  let model = null;
  const android = ua.match(/Android(?: [\d.]+)?;\s*([^;)]*?)(?:\s+Build\/[^;)]*)?\)/);
  if (/Android/.test(ua)) {
    system = "Android";
    // Chrome's reduced user agent says "K" instead of the model: then there is no model to name.
    const candidate = android?.[1]?.trim();
    if (candidate && candidate !== "K" && !/^(Linux|U|wv|Mobile)$/i.test(candidate)) model = candidate;
  } else if (/iPhone/.test(ua)) system = "iPhone";
  else if (/iPad/.test(ua)) system = "iPad";
  else if (/Windows/.test(ua)) system = "Windows";
  else if (/Macintosh|Mac OS X/.test(ua)) system = "Mac";
  else if (/CrOS/.test(ua)) system = "ChromeOS";
  else if (/Linux/.test(ua)) system = "Linux";
  const on = lang === "en" ? "on" : "på";
  let name = [browser, system].filter(Boolean).join(` ${on} `) || "fieldlog";
  if (model) name += ` (${model})`;
  return name.slice(0, 200);
}

/** deviceName(), with the phone model from User-Agent Client Hints where the browser offers them (Chrome). */
async function describeDevice() {
  let ua = navigator.userAgent;
  try {
    const hints = await navigator.userAgentData?.getHighEntropyValues?.(["model"]);
    if (hints?.model && /Android/.test(ua)) ua = ua.replace(/(Android(?: [\d.]+)?;)\s*[^;)]*\)/, `$1 ${hints.model})`);
  } catch {
    // no hints: the user agent alone
  }
  return deviceName(ua);
}

/** Rename this device (PATCH /me/device); returns an error sentence or null. */
async function renameDevice(name) {
  if (!name) return `${t("field_name")}: ${t("why_name")}`;
  let result;
  try {
    result = await api("PATCH", "/me/device", { name });
  } catch (error) {
    if (error.kind === "network") return t("device_offline");
    return errorSentence(error.code, error.status);
  }
  if (result.status !== 200) {
    const error = result.body?.error || {};
    if (error.fields?.name) return `${t("field_name")}: ${t("why_name")}`;
    return errorSentence(error.code, result.status);
  }
  session = { ...session, device_name: result.body.name };
  await setMeta("session", session);
  return null;
}

/** Sign in; returns an error message or null. A different officer starts from a clean copy of server data. */
async function signIn(username, password) {
  if (!username || !password) return t("sign_in_failed");
  let result;
  const sentName = await describeDevice();
  try {
    result = await api("POST", "/auth/token", { username, password, device_name: sentName }, null);
  } catch (error) {
    if (error.kind === "network") return t("sign_in_offline");
    if (error.kind === "auth") return t("sign_in_failed");
    return errorSentence(error.code, error.status);
  }
  if (result.status === 429) return t("sign_in_throttled");
  if (result.status !== 201) return errorSentence(result.body?.error?.code, result.status);
  const body = result.body;
  const previous = await getMeta("session");
  if (previous && previous.user?.id !== body.user.id) await clearServerCopy();
  session = {
    token: body.token,
    user: body.user,
    device_id: body.device_id,
    device_name: sentName,
    expires_at: body.expires_at,
  };
  setTimezone(body.user.area?.timezone);
  await setMeta("session", session);
  setSession(session);
  ctx.navigate("#/");
  startSync();
  return null;
}

// One sign-out at a time: a double tap must not open two dialogs or revoke twice.
let signingOut = false;
async function signOutOnce() {
  if (signingOut) return;
  signingOut = true;
  try {
    await signOut();
  } finally {
    signingOut = false;
  }
}

async function signOut() {
  const { waiting, attention } = await counts(ctx.userId);
  if (waiting + attention > 0) {
    const ok = await confirmDialog(
      t("sign_out_confirm_title"),
      t("sign_out_confirm", { n: waiting + attention }),
      t("sign_out_anyway"),
    );
    if (!ok) return;
  }
  const token = session?.token;
  if (token && !session.needs_sign_in) api("DELETE", "/auth/token", undefined, token).catch(() => undefined);
  // Visits not yet uploaded stay (outbox and their records); what the server can give back goes.
  await clearServerCopy();
  await tx(["meta"], "readwrite", ({ meta }) => meta.delete("session"));
  session = null;
  setSession(null);
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

async function boot() {
  setLang(getLang());
  prefetch();
  session = (await getMeta("session")) || null;
  setTimezone(session?.user?.area?.timezone);
  setSession(session);
  onSyncChange((_state, event) => {
    renderSyncStatus();
    if (event === "synced") refresh("sync");
    if (session && (session.needs_sign_in || null) !== (_state.authCode || null)) {
      session = { ...session, needs_sign_in: _state.authCode };
      renderBanners();
    }
  });
  window.addEventListener("hashchange", () => route());
  window.addEventListener("online", renderSyncStatus);
  window.addEventListener("offline", renderSyncStatus);
  await route();
  prefetch(false); // only the first view may use the start-up read
  performance.mark("fieldlog-interactive");
  document.documentElement.dataset.ready = "1";
  // After the first view: the worker's registration and the first sync do not delay what the officer sees.
  registerServiceWorker();
  if (session) startSync();
}

boot();
