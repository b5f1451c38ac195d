// What the views share: the banners, errors and submit guards (re-exported from forms.js), the view's
// lifetime (cleanups, live redraw), reading the phone's copy, and the small pieces every list shows (state badge,
// flag, entry mark).
import { h } from "../dom.js";
import { errorSentence, fieldSentences, t } from "../i18n.js";
import { once } from "./forms.js";
import { resolve } from "../outbox.js";
import { req, tx } from "../storage.js";

// The banners, the error banner, actions that run once and the forms' submit live in forms.js (the lock screen loads
// it alone); the views take them from here as well.
export { clearError, errorText, once, redrawBanners, setBanner, showError, showProblems, submitOnce } from "./forms.js";

/** Show a message the officer must see: scrolled into view (below the sticky bar) and announced. */
export function reveal(el) {
  if (!el || !el.isConnected) return;
  el.scrollIntoView({ block: "center" });
}

let cleanups = [];
let liveUpdate = null;

/** Run when the view goes (timers, the map, the screen wake lock). */
export const onTeardown = (fn) => cleanups.push(fn);

export function teardown() {
  cleanups.forEach((fn) => fn());
  cleanups = [];
  liveUpdate = null;
}

/** The current view's redraw of what a sync may change (never what the officer is editing). */
export const setLiveUpdate = (fn) => {
  liveUpdate = fn;
};

/** Redraw the parts of the current view that a sync may change, leaving what the officer is editing alone. */
export const updateLive = () => (liveUpdate ? liveUpdate() : undefined);

// Position requests in flight, by visit id ("pending"), or done without a fix ("none").
export const fixState = new Map();

const readAll = () =>
  tx(["hotspots", "visits", "meta"], "readonly", (s) =>
    Promise.all([req(s.hotspots.getAll()), req(s.visits.getAll()), req(s.meta.get("status"))]),
  );
let prefetched = null;
/** At start-up: read what the first view needs while the session is still being read (one round trip less). */
export function prefetch(start = true) {
  prefetched = start ? readAll() : null;
}

export async function loadData(userId) {
  const pending = prefetched;
  prefetched = null;
  const [hotspots, visits, status] = await (pending || readAll());
  const byId = Object.fromEntries(hotspots.map((x) => [x.id, x]));
  const own = visits.filter((v) => v.user_id === userId && !v.deleted);
  return { hotspots, byId, visits: own, status };
}

export const spotName = (byId, id) => byId[id]?.name || t("hotspot");
export const entryMark = (v) =>
  v.entry === "after" ? h("span", { class: "badge badge-after" }, t("entry_after")) : null;
export const minutesBetween = (a, b) => Math.max(0, Math.round((new Date(b) - new Date(a)) / 60000));

export function stateBadge(visit) {
  // An open visit is "in progress" whether or not the phone has uploaded it yet.
  if (!visit.ended_at && visit.sync !== "attention") {
    return h("span", { class: "badge badge-ongoing" }, h("span", { "aria-hidden": "true" }, "⏱ "), t("state_ongoing"));
  }
  return syncBadge(visit);
}

/** Where a record stands with the server: waiting to upload, uploaded, needs attention — in words and an icon. */
export function syncBadge(record) {
  const label = { pending: t("state_pending"), synced: t("state_synced"), attention: t("state_attention") }[
    record.sync
  ];
  const icon = { pending: "⏳", synced: "✓", attention: "⚠" }[record.sync];
  return h("span", { class: `badge badge-${record.sync}` }, h("span", { "aria-hidden": "true" }, `${icon} `), label);
}

export function flagNote(visit) {
  if (!visit.flag) return null;
  const text = visit.flag.by
    ? t("flagged_by", { by: visit.flag.by, comment: visit.flag.comment })
    : t("flagged", { comment: visit.flag.comment });
  return h("p", { class: "flag" }, h("span", { "aria-hidden": "true" }, "⚑ "), text);
}

// --- What needs attention ---

// The attention box of a record (a visit, an activity) the server refused or that conflicts: why (in the officer's
// words, from the code and the fields), and the officer's choice — fix it, keep mine, take the server's, discard.
export function attentionBox(entry, ctx, onFix, kind = "visit") {
  const items = [];
  if (entry.reason === "conflict") {
    items.push(h("p", {}, kind === "visit" ? t("reason_conflict") : t(`reason_conflict_${kind}`)));
  } else {
    // C1: in the officer's language, from the code and the fields — never the server's English message.
    const error = entry.error || {};
    items.push(h("p", {}, errorSentence(error.code, error.status, kind)));
    const list = fieldSentences(error.fields, kind).map(([field, text]) => h("li", { "data-field": field }, text));
    if (list.length) items.push(h("ul", {}, list));
  }
  const act = (choice) =>
    once(async () => {
      await resolve(entry.seq, choice);
      ctx.refresh("force");
    });
  const buttons = [];
  if (entry.reason === "conflict") {
    if (entry.server && !entry.server.deleted)
      buttons.push(h("button", { type: "button", onclick: act("mine") }, t("keep_mine")));
    buttons.push(h("button", { type: "button", onclick: act("server") }, t("take_server")));
  } else {
    buttons.push(h("button", { type: "button", class: "primary", onclick: () => onFix(entry) }, t("fix")));
  }
  buttons.push(h("button", { type: "button", onclick: act("discard") }, t("discard")));
  return h(
    "section",
    { class: "attention", "aria-labelledby": "attention-title" },
    h("h2", { id: "attention-title" }, h("span", { "aria-hidden": "true" }, "⚠ "), t("needs_action_title")),
    items,
    h("div", { class: "actions" }, buttons),
  );
}
