// What the views share: the banners (and the one error banner), actions that run once and report failure, the view's
// lifetime (cleanups, live redraw), reading the phone's copy, and the small pieces every list shows (state badge,
// flag, entry mark).
import { h, replace } from "../dom.js";
import { errorSentence, fieldSentences, t } from "../i18n.js";
import { resolve } from "../outbox.js";
import { req, tx } from "../storage.js";

// --- Banners under the top bar: sign in again, a new version, and the one error banner for any action that failed
// (a click whose save was rejected, or a promise nobody caught). Errors are told in the officer's language from
// their code (i18n.js), never in the server's or the browser's English.

const ORDER = ["auth", "update", "error"];
const builders = new Map(); // kind -> () => element (rebuilt on each draw: the language may have changed)

function draw() {
  const box = document.getElementById("banners");
  if (!box) return;
  replace(
    box,
    ORDER.filter((kind) => builders.has(kind)).map((kind) => builders.get(kind)()),
  );
}

/** Show (a builder of) the banner of this kind, or remove it (null). */
export function setBanner(kind, build) {
  if (build) builders.set(kind, build);
  else builders.delete(kind);
  draw();
}

/** Draw the banners again (after a language switch). */
export const redrawBanners = draw;

/** What went wrong, in a sentence: the server's code when the API said no, else a failure on the phone itself. */
export function errorText(error) {
  if (error?.name === "ApiError") return errorSentence(error.code, error.status);
  return t("err_local");
}

/** The error banner: one at a time (the latest failure), until the officer closes it or goes to another view. */
export function showError(error) {
  if (error?.name !== "ApiError") console.error(error);
  setBanner("error", () =>
    h(
      "div",
      { class: "banner banner-error", role: "alert", id: "error-banner" },
      h("p", {}, h("span", { "aria-hidden": "true" }, "⚠ "), errorText(error)),
      h("button", { type: "button", onclick: () => setBanner("error", null) }, t("close")),
    ),
  );
}

export const clearError = () => {
  if (builders.has("error")) setBanner("error", null);
};

// --- Actions and the view's lifetime

/**
 * An action that runs once at a time: a second tap while the first is still running does nothing, and the button
 * shows it is busy (B2: a double tap on Anländ or Spara made two visits). A failure shows the error banner.
 */
export function once(action) {
  let busy = false;
  return async (event) => {
    if (busy) return;
    busy = true;
    const button = event?.currentTarget instanceof HTMLButtonElement ? event.currentTarget : null;
    if (button) button.disabled = true;
    try {
      await action(event);
    } catch (error) {
      showError(error);
    } finally {
      busy = false;
      if (button) button.disabled = false;
    }
  };
}

/**
 * A form's own check, shown: the fields marked before are cleared; with problems, they are listed in ``errors``, their
 * fields marked invalid and the first focused, and the answer is false. Each problem is [its control (may be
 * missing), the field's name or null, the sentence].
 */
export function showProblems(form, errors, problems) {
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  if (problems.length) {
    replace(
      errors,
      h(
        "ul",
        {},
        problems.map(([, field, message]) => h("li", { "data-field": field }, message)),
      ),
    );
    errors.hidden = false;
    for (const [el] of problems) el?.setAttribute("aria-invalid", "true");
    problems[0][0]?.focus();
    return false;
  }
  errors.hidden = true;
  return true;
}

/**
 * A form's submit, one save at a time: a double tap on Spara stores once (B2). ``read`` gives the values (null when
 * the form shows its problems); once saved the view is leaving (its navigation lands a moment later), so the form
 * stays shut until then — a second tap in between would store the record twice. A failure shows the error banner
 * and opens the form again; so does an ``onSubmit`` that resolves to false (it told the officer why itself: a wrong
 * PIN), leaving the focus where it put it.
 */
export function submitOnce(form, submit, read, onSubmit) {
  let saving = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) return;
    const values = read();
    if (!values) return;
    saving = true;
    submit.disabled = true;
    try {
      if ((await onSubmit(values)) === false) {
        saving = false;
        submit.disabled = false;
      }
    } catch (error) {
      showError(error);
      saving = false;
      submit.disabled = false;
    }
  });
}

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
