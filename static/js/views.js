// The app's views: sign-in, hot spots (list and map), a visit (timer, details, state), logging after the fact,
// today's visits. Every view reads the phone's copy (IndexedDB) and never waits for the network.
import { h, replace } from "./dom.js";
import { rank } from "./hotspots.js";
import {
  codeLabel,
  codes,
  errorSentence,
  fieldSentences,
  formatAgo,
  formatDateTime,
  formatDistance,
  formatHotHours,
  formatTime,
  t,
  timezone,
  zonedInputs,
  zonedToIso,
} from "./i18n.js";
import { distanceM, getFix, lastFix } from "./location.js";
import { attentionEntries, deleteVisit, newVisit, resolve, saveVisit } from "./outbox.js";
import { getOne, req, tx } from "./storage.js";

const KOPER_FROM = 10;
const KOPER_TO = 16;
const SCALE_MIN = 20;
const MAX_HOURS = 12;
const MAX_FUTURE_MIN = 10;
const MAX_AGE_DAYS = 90;
const SHIFT_HOURS = 16;
const DRIVE_THROUGH_MIN = 2;

/**
 * An action that runs once at a time: a second tap while the first is still running does nothing, and the button
 * shows it is busy (B2: a double tap on Anländ or Spara made two visits).
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
    } finally {
      busy = false;
      if (button) button.disabled = false;
    }
  };
}

/** Show a message the officer must see: scrolled into view (below the sticky bar) and announced. */
function reveal(el) {
  if (!el || !el.isConnected) return;
  el.scrollIntoView({ block: "center" });
}

let cleanups = [];
let liveUpdate = null;
export function teardown() {
  cleanups.forEach((fn) => fn());
  cleanups = [];
  liveUpdate = null;
}

/** Redraw the parts of the current view that a sync may change, leaving what the officer is editing alone. */
export const updateLive = () => (liveUpdate ? liveUpdate() : undefined);

// Position requests in flight, by visit id ("pending"), or done without a fix ("none").
const fixState = new Map();

const readAll = () =>
  tx(["hotspots", "visits", "meta"], "readonly", (s) =>
    Promise.all([req(s.hotspots.getAll()), req(s.visits.getAll()), req(s.meta.get("status"))]),
  );
let prefetched = null;
/** At start-up: read what the first view needs while the session is still being read (one round trip less). */
export function prefetch(start = true) {
  prefetched = start ? readAll() : null;
}

async function loadData(userId) {
  const pending = prefetched;
  prefetched = null;
  const [hotspots, visits, status] = await (pending || readAll());
  const byId = Object.fromEntries(hotspots.map((x) => [x.id, x]));
  const own = visits.filter((v) => v.user_id === userId && !v.deleted);
  return { hotspots, byId, visits: own, status };
}

const spotName = (byId, id) => byId[id]?.name || t("hotspot");
const entryMark = (v) => (v.entry === "after" ? h("span", { class: "badge badge-after" }, t("entry_after")) : null);
const minutesBetween = (a, b) => Math.max(0, Math.round((new Date(b) - new Date(a)) / 60000));

function stateBadge(visit) {
  // An open visit is "in progress" whether or not the phone has uploaded it yet.
  if (!visit.ended_at && visit.sync !== "attention") {
    return h("span", { class: "badge badge-ongoing" }, h("span", { "aria-hidden": "true" }, "⏱ "), t("state_ongoing"));
  }
  const label = { pending: t("state_pending"), synced: t("state_synced"), attention: t("state_attention") }[
    visit.sync
  ];
  const icon = { pending: "⏳", synced: "✓", attention: "⚠" }[visit.sync];
  return h("span", { class: `badge badge-${visit.sync}` }, h("span", { "aria-hidden": "true" }, `${icon} `), label);
}

function flagNote(visit) {
  if (!visit.flag) return null;
  const text = visit.flag.by
    ? t("flagged_by", { by: visit.flag.by, comment: visit.flag.comment })
    : t("flagged", { comment: visit.flag.comment });
  return h("p", { class: "flag" }, h("span", { "aria-hidden": "true" }, "⚑ "), text);
}

// --- Sign-in ---

export function renderSignIn(main, ctx, message) {
  const error = h("p", { class: "error", role: "alert", id: "signin-error" }, message || "");
  if (!message) error.hidden = true;
  const username = h("input", {
    id: "username",
    name: "username",
    autocomplete: "username",
    autocapitalize: "none",
    required: true,
    value: ctx.session?.user?.username || "",
  });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const button = h("button", { type: "submit", class: "primary wide" }, t("sign_in"));
  const form = h(
    "form",
    {
      class: "card",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        button.textContent = t("signing_in");
        const failure = await ctx.signIn(username.value.trim(), password.value);
        button.disabled = false;
        button.textContent = t("sign_in");
        if (failure) {
          error.textContent = failure;
          error.hidden = false;
          password.focus();
        }
      },
    },
    h("label", { for: "username" }, t("username")),
    username,
    h("label", { for: "password" }, t("password")),
    password,
    button,
  );
  const notes = [];
  if (ctx.session?.needs_sign_in) notes.push(h("p", { class: "notice" }, t("sign_in_again")));
  replace(main, h("h1", {}, t("sign_in")), notes, error, form);
}

// --- Hot spots ---

export async function renderHotspots(main, ctx) {
  const data = await loadData(ctx.userId);
  const open = data.visits.find((v) => !v.ended_at);
  const list = h("ul", { class: "spots" });
  const draw = () => {
    const fix = lastFix();
    const rows = rank(data.hotspots, data.status?.byId, data.visits, fix);
    replace(list, rows.map((row) => spotCard(row, ctx, open)));
  };
  draw();
  const area = ctx.session.user.area?.name;
  replace(
    main,
    h("h1", {}, t("hotspots")),
    area ? h("p", { class: "muted" }, t("area", { name: area })) : null,
    open
      ? h(
          "p",
          { class: "notice" },
          t("ongoing", { name: spotName(data.byId, open.hotspot_id) }),
          " ",
          h("a", { href: `#/visit/${open.id}`, class: "button" }, t("open_visit")),
        )
      : null,
    data.hotspots.length ? list : h("p", {}, t("no_hotspots")),
  );
  // Distance sorting improves once a position arrives; the list never waits for it.
  getFix({ timeout: 8000, maximumAge: 120000 }).then((fix) => {
    if (fix && main.contains(list)) draw();
  });
}

// Hot hours are wall-clock times of the area; a phone set to another zone is told which zone they are in.
const phoneZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const hotHoursText = (windows) => {
  const text = formatHotHours(windows);
  return phoneZone && phoneZone !== timezone() ? `${text} (${timezone()})` : text;
};

function spotCard(row, ctx, open) {
  const s = row.hotspot;
  const priority = t(`priority_${s.priority}`) || t("priority", { p: s.priority });
  const facts = [
    h("span", {}, priority),
    row.hotNow ? h("span", { class: "badge badge-hot" }, h("span", { "aria-hidden": "true" }, "🔥 "), t("hot_now")) : null,
    s.target_visits_per_week
      ? h(
          "span",
          { class: row.overdue ? "badge badge-overdue" : "badge" },
          row.overdue ? h("span", { "aria-hidden": "true" }, "⚠ ") : null,
          row.overdue ? t("overdue") : t("on_track"),
        )
      : null,
  ];
  const nameId = `spot-${s.id}`;
  return h(
    "li",
    { class: "spot" },
    h(
      "article",
      { "aria-labelledby": nameId },
      h("h2", { id: nameId }, s.name),
      h("p", { class: "facts" }, facts),
      h("p", { class: "hot-hours" }, s.hot_hours?.length ? t("hot_when", { v: hotHoursText(s.hot_hours) }) : t("hot_none")),
      h("p", {}, row.last ? t("last_visit", { v: formatAgo(row.last) }) : t("never_visited")),
      s.target_visits_per_week ? h("p", {}, t("target", { n: s.target_visits_per_week })) : null,
      row.distance != null ? h("p", {}, t("distance", { v: formatDistance(row.distance) })) : null,
      h(
        "div",
        { class: "actions" },
        open
          ? null
          : h(
              "button",
              { class: "primary", type: "button", "aria-label": t("arrive_at", { name: s.name }), onclick: onArrive(s, ctx) },
              t("arrive"),
            ),
        h("a", { class: "button", href: `#/new?hotspot=${s.id}` }, t("log_after")),
      ),
    ),
  );
}

// One Arrive at a time across every card: a double tap (or two cards tapped at once) starts one visit.
let arriving = false;
const onArrive = (hotspot, ctx) => async () => {
  if (arriving) return;
  arriving = true;
  const buttons = [...document.querySelectorAll(".spot .primary")];
  for (const button of buttons) button.disabled = true;
  try {
    await arrive(hotspot, ctx);
  } finally {
    arriving = false;
    // Still on the list (the save failed): the buttons work again.
    for (const button of buttons) if (button.isConnected) button.disabled = false;
  }
};

/** Arrive: the visit is saved at once (time); one GPS fix follows when the phone gives it — or never. */
async function arrive(hotspot, ctx) {
  const { visits } = await loadData(ctx.userId);
  const open = visits.find((v) => !v.ended_at);
  if (open) {
    // A visit is already running (a tap that raced the first one): show it rather than start a second.
    ctx.navigate(`#/visit/${open.id}`);
    return;
  }
  const visit = await saveVisit(
    newVisit({ hotspot_id: hotspot.id, started_at: new Date().toISOString(), entry: "live" }, ctx.userId),
  );
  fixState.set(visit.id, "pending");
  ctx.navigate(`#/visit/${visit.id}`);
  arriving = false;
  const fix = await getFix();
  if (fix) {
    const current = await getOne("visits", visit.id);
    if (current && !current.position && !current.deleted) await saveVisit({ ...current, position: fix });
    fixState.delete(visit.id);
  } else {
    fixState.set(visit.id, "none");
  }
  ctx.refresh("position");
}

// --- Map (Leaflet, loaded only now) ---

export async function renderMap(main, ctx) {
  const data = await loadData(ctx.userId);
  const status = h("p", { role: "status" }, t("map_loading"));
  const box = h("div", { id: "map", class: "map", role: "region", "aria-label": t("map") });
  replace(main, h("h1", {}, t("map")), status, box);
  let L;
  try {
    L = await loadLeaflet();
  } catch {
    status.textContent = t("map_failed");
    return;
  }
  if (!main.contains(box)) return;
  status.textContent = "";
  const spots = data.hotspots.filter((s) => !s.deleted);
  const map = L.map(box, { zoomControl: true });
  const tiles = document.documentElement.dataset.tileUrl;
  if (tiles) L.tileLayer(tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  const bounds = [];
  for (const s of spots) {
    const marker = L.circleMarker([s.lat, s.lon], { radius: 12, weight: 3, color: "#0b4f9c", fillOpacity: 0.5 });
    // Names are text, never HTML (B8): Leaflet renders a string as markup, so it gets elements built as text.
    marker.bindPopup(() =>
      h("div", {}, h("strong", {}, s.name), h("br"), h("a", { href: `#/new?hotspot=${s.id}` }, t("log_after"))),
    );
    marker.bindTooltip(() => h("span", {}, s.name));
    marker.addTo(map);
    bounds.push([s.lat, s.lon]);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
  else map.setView([57.4955, 13.109], 13);
  cleanups.push(() => map.remove());
}

let leafletPromise = null;
function loadLeaflet() {
  if (!leafletPromise) {
    const css = h("link", { rel: "stylesheet", href: "/static/vendor/leaflet/leaflet.css" });
    document.head.append(css);
    leafletPromise = import("/static/vendor/leaflet/leaflet-src.esm.js").catch((error) => {
      leafletPromise = null;
      css.remove();
      throw error;
    });
  }
  return leafletPromise;
}

// --- A visit ---

function stepper(id, label, value, min, max) {
  const input = h("input", { id, name: id, type: "number", inputmode: "numeric", min, max, value, required: true });
  const step = (d) => {
    const n = Math.min(max, Math.max(min, (parseInt(input.value, 10) || 0) + d));
    input.value = String(n);
  };
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h(
      "div",
      { class: "stepper" },
      h("button", { type: "button", "aria-label": t("decrease", { what: label }), onclick: () => step(-1) }, "−"),
      input,
      h("button", { type: "button", "aria-label": t("increase", { what: label }), onclick: () => step(1) }, "+"),
    ),
  );
}

function choices(name, list, selected, multiple) {
  const inputs = [];
  const group = h(
    "fieldset",
    { class: "choices", id: `${name}-group` },
    h("legend", {}, t(name)),
    Object.entries(codes(list)).map(([code, label]) => {
      const input = h("input", {
        type: multiple ? "checkbox" : "radio",
        name,
        value: code,
        checked: multiple ? selected.includes(code) : selected === code,
      });
      inputs.push(input);
      return h("label", { class: "chip" }, input, h("span", {}, label));
    }),
  );
  if (name === "observations") {
    // "Nothing to report" excludes the others, both ways.
    group.addEventListener("change", (event) => {
      if (!event.target.checked) return;
      for (const input of inputs) {
        if (input === event.target) continue;
        if (event.target.value === "nothing_to_report" || input.value === "nothing_to_report") input.checked = false;
      }
    });
  }
  return group;
}

/** The details form; `withTimes` adds hot spot, date and times (after the fact, editing a finished visit). */
function visitForm(visit, { withTimes, hotspots, submitLabel, onSubmit }) {
  const errors = h("div", { class: "error", role: "alert", id: "form-errors" });
  errors.hidden = true;
  const parts = [];
  let spot;
  let date;
  let from;
  let to;
  if (withTimes) {
    spot = h(
      "select",
      { id: "hotspot_id", name: "hotspot_id", required: true },
      h("option", { value: "" }, t("choose_hotspot")),
      hotspots
        .filter((s) => !s.deleted || s.id === visit.hotspot_id)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((s) => h("option", { value: s.id, selected: s.id === visit.hotspot_id }, s.name)),
    );
    const start = visit.started_at ? zonedInputs(visit.started_at) : zonedInputs(new Date().toISOString());
    const end = visit.ended_at ? zonedInputs(visit.ended_at) : null;
    date = h("input", { id: "date", name: "date", type: "date", required: true, value: start.date });
    from = h("input", { id: "from", name: "from", type: "time", required: true, value: visit.started_at ? start.time : "" });
    to = h("input", { id: "to", name: "to", type: "time", required: true, value: end ? end.time : "" });
    parts.push(
      h("div", { class: "field" }, h("label", { for: "hotspot_id" }, t("hotspot")), spot),
      h("div", { class: "field" }, h("label", { for: "date" }, t("date")), date),
      h(
        "div",
        { class: "row" },
        h("div", { class: "field" }, h("label", { for: "from" }, t("from")), from),
        h("div", { class: "field" }, h("label", { for: "to" }, t("to")), to),
      ),
    );
  }
  const notes = h("textarea", { id: "notes", name: "notes", maxlength: 2000, rows: 3, "aria-describedby": "notes-warning" });
  notes.value = visit.notes || "";
  parts.push(
    choices("mode", "mode", visit.mode || "foot", false),
    stepper("officers", t("officers"), visit.officers ?? 1, 1, 20),
    choices("observations", "observations", visit.observations || [], true),
    choices("activities", "activities", visit.activities || [], true),
    stepper("contacts", t("contacts"), visit.contacts ?? 0, 0, 999),
    h(
      "div",
      { class: "field" },
      h("label", { for: "notes" }, t("notes")),
      h("p", { class: "warning", id: "notes-warning" }, h("span", { "aria-hidden": "true" }, "⚠ "), t("notes_warning")),
      notes,
    ),
  );
  const form = h("form", { class: "visit-form", novalidate: true, "data-visit-id": visit.id }, errors, parts);
  const submit = h("button", { type: "submit", class: "primary wide", id: "save" }, submitLabel || t("save"));
  form.append(submit);

  const read = () => {
    const values = {
      mode: form.querySelector('input[name="mode"]:checked')?.value || "foot",
      officers: Math.min(20, Math.max(1, parseInt(form.officers.value, 10) || 1)),
      observations: [...form.querySelectorAll('input[name="observations"]:checked')].map((i) => i.value),
      activities: [...form.querySelectorAll('input[name="activities"]:checked')].map((i) => i.value),
      contacts: Math.min(999, Math.max(0, parseInt(form.contacts.value, 10) || 0)),
      notes: notes.value.slice(0, 2000),
    };
    const problems = [];
    if (withTimes) {
      values.hotspot_id = spot.value;
      if (!spot.value) problems.push([spot, t("err_required", { field: t("hotspot") })]);
      if (!date.value) problems.push([date, t("err_required", { field: t("date") })]);
      if (!from.value) problems.push([from, t("err_required", { field: t("from") })]);
      if (!to.value) problems.push([to, t("err_required", { field: t("to") })]);
      if (!problems.length) {
        values.started_at = zonedToIso(date.value, from.value);
        let end = zonedToIso(date.value, to.value);
        // A "to" before "from" runs past midnight.
        if (to.value < from.value) end = new Date(new Date(end).getTime() + 86400000).toISOString();
        values.ended_at = end;
        const start = new Date(values.started_at).getTime();
        const now = Date.now();
        // "To" before "From" is read as past midnight only when that makes a visit of at most 12 hours; otherwise the
        // officer most likely swapped the times, and is told so (not "at most 12 hours").
        if (new Date(end) - start > MAX_HOURS * 3600000) {
          problems.push([to, to.value < from.value ? t("err_order_times") : t("err_too_long")]);
        }
        if (start > now + MAX_FUTURE_MIN * 60000) problems.push([from, t("err_future")]);
        if (start < now - MAX_AGE_DAYS * 86400000) problems.push([date, t("err_too_old")]);
      }
    }
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    if (problems.length) {
      replace(errors, h("ul", {}, problems.map(([, message]) => h("li", {}, message))));
      errors.hidden = false;
      for (const [el] of problems) el.setAttribute("aria-invalid", "true");
      problems[0][0].focus();
      return null;
    }
    errors.hidden = true;
    return values;
  };
  // One save at a time: a double tap on Spara stores once (B2).
  let saving = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) return;
    const values = read();
    if (!values) return;
    saving = true;
    submit.disabled = true;
    try {
      await onSubmit(values);
    } finally {
      saving = false;
      submit.disabled = false;
    }
  });
  /** Focus the input of a field the server named (its first control), for "Rätta". */
  const focusField = (field) => {
    const target = {
      hotspot_id: spot,
      started_at: from,
      ended_at: to,
      officers: form.officers,
      contacts: form.contacts,
      notes,
    }[field];
    const el =
      target ||
      form.querySelector(`#${field}-group input:checked`) ||
      form.querySelector(`#${field}-group input`) ||
      form.querySelector("select, input");
    el?.focus();
    el?.scrollIntoView({ block: "center" });
    return el;
  };
  return { form, read, focusField };
}

function attentionBox(entry, ctx, onFix) {
  const items = [];
  if (entry.reason === "conflict") {
    items.push(h("p", {}, t("reason_conflict")));
  } else {
    // C1: in the officer's language, from the code and the fields — never the server's English message.
    const error = entry.error || {};
    items.push(h("p", {}, errorSentence(error.code, error.status)));
    const list = fieldSentences(error.fields).map(([field, text]) => h("li", { "data-field": field }, text));
    if (list.length) items.push(h("ul", {}, list));
  }
  const act = (choice) =>
    once(async () => {
      await resolve(entry.seq, choice);
      ctx.refresh("force");
    });
  const buttons = [];
  if (entry.reason === "conflict") {
    if (entry.server && !entry.server.deleted) buttons.push(h("button", { type: "button", onclick: act("mine") }, t("keep_mine")));
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

export async function renderVisit(main, ctx, id, notice) {
  const data = await loadData(ctx.userId);
  const visit = data.visits.find((v) => v.id === id);
  if (!visit) {
    ctx.navigate("#/today");
    return;
  }
  const hotspot = data.byId[visit.hotspot_id];
  const name = spotName(data.byId, visit.hotspot_id);
  const entry = (await attentionEntries(ctx.userId)).find((e) => e.record_id === id);
  // notice: a string, or {kind: "saved" | "done", text} — "saved" follows the upload state as it changes.
  const note = typeof notice === "string" ? { kind: "text", text: notice } : notice || null;
  // The notice follows the record: never "waiting to upload" beside "uploaded" or "needs attention" (B6).
  const savedText = (v) =>
    v.sync === "synced" ? t("saved_synced") : v.sync === "attention" ? t("saved_plain") : t("saved");
  const status = h("p", { role: "status", class: "saved", id: "visit-notice" }, note?.kind === "saved" ? savedText(visit) : note?.text || "");
  const content = [h("h1", {}, t("visit_at", { name })), status];
  const rerender = async (message) => {
    teardown();
    await renderVisit(main, ctx, id, message);
    window.scrollTo(0, 0);
  };
  let formApi;
  // The entry as it is now (a sync may have brought it after the view opened): its first named field gets focus.
  const onFix = (current) => {
    status.textContent = t("fix_hint");
    const [field] = Object.keys(current?.error?.fields || {});
    formApi.focusField(field);
  };
  // Sync state, flag and what needs attention: redrawn in place when a sync changes them, never the form.
  const stateBox = h("div", { id: "visit-state" });
  const fillState = (v, e) =>
    replace(
      stateBox,
      h("p", { class: "facts" }, stateBadge(v), entryMark(v)),
      flagNote(v),
      e ? attentionBox(e, ctx, onFix) : null,
    );
  fillState(visit, entry);
  const positionLine = h("p", { class: "muted", id: "position-line" }, positionText(visit, hotspot));
  liveUpdate = async () => {
    const current = await getOne("visits", id);
    if (!current || current.deleted || !main.contains(stateBox)) return;
    fillState(current, (await attentionEntries(ctx.userId)).find((e) => e.record_id === id));
    positionLine.textContent = positionText(current, hotspot);
    // "Saved. Waiting to upload." must not stay beside "Uploaded" (B6).
    if (note?.kind === "saved") status.textContent = savedText(current);
  };

  if (!visit.ended_at) {
    content.push(stateBox);
    content.push(timer(visit));
    content.push(positionLine);
    const leave = h("button", { type: "button", class: "primary big", id: "leave" }, t("leave"));
    content.push(leave);
    formApi = visitForm(visit, {
      withTimes: false,
      hotspots: data.hotspots,
      onSubmit: async (values) => {
        await saveVisit({ ...(await getOne("visits", id)), ...values });
        await rerender({ kind: "saved" });
      },
    });
    leave.addEventListener(
      "click",
      once(async () => {
        const values = formApi.read();
        if (!values) return;
        const current = await getOne("visits", id);
        if (!current || current.ended_at) return;
        await saveVisit({ ...current, ...values, ended_at: new Date().toISOString() });
        await rerender({ kind: "done" });
      }),
    );
    content.push(formApi.form);
  } else {
    const minutes = minutesBetween(visit.started_at, visit.ended_at);
    if (note?.kind === "done") content.push(doneBox(visit, name, minutes, rerender));
    content.push(stateBox);
    content.push(
      h(
        "p",
        {},
        `${formatDateTime(visit.started_at)}–${formatTime(visit.ended_at)} · `,
        t("duration_min", { n: minutes }),
      ),
      positionLine,
    );
    formApi = visitForm(visit, {
      withTimes: true,
      hotspots: data.hotspots,
      onSubmit: async (values) => {
        await saveVisit({ ...(await getOne("visits", id)), ...values });
        await rerender({ kind: "saved" });
      },
    });
    content.push(formApi.form);
    content.push(
      h(
        "button",
        {
          type: "button",
          class: "danger wide",
          onclick: once(async () => {
            if (!(await ctx.confirm(t("delete"), t("delete_confirm"), t("delete")))) return;
            await deleteVisit(id);
            ctx.navigate("#/today");
          }),
        },
        t("delete"),
      ),
    );
  }
  replace(main, content);
  if (status.textContent) reveal(status);
}

/** After Lämna: what the visit was, what is left to fill in, and — under 2 minutes — "was it a drive-through?". */
function doneBox(visit, name, minutes, rerender) {
  const left = [];
  if (!visit.observations?.length) left.push(t("observations"));
  if (!visit.activities?.length) left.push(t("activities"));
  const short = new Date(visit.ended_at) - new Date(visit.started_at) < DRIVE_THROUGH_MIN * 60000;
  const drive =
    short && visit.mode !== "drive_through"
      ? h(
          "div",
          { class: "drive" },
          h("p", {}, t("drive_question")),
          h(
            "button",
            {
              type: "button",
              class: "primary",
              id: "drive-through",
              onclick: once(async () => {
                const current = await getOne("visits", visit.id);
                await saveVisit({ ...current, mode: "drive_through" });
                await rerender({ kind: "done", text: t("drive_set") });
              }),
            },
            t("drive_yes"),
          ),
        )
      : null;
  return h(
    "section",
    { class: "done", id: "done", "aria-labelledby": "done-title" },
    h("h2", { id: "done-title" }, h("span", { "aria-hidden": "true" }, "✓ "), t("done_title")),
    h("p", {}, t("done_summary", { name, n: minutes })),
    h("p", {}, t("done_mode", { mode: codeLabel("mode", visit.mode || "foot") })),
    h("p", { class: "left" }, left.length ? t("done_left", { list: left.join(", ") }) : t("done_complete")),
    drive,
    h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, t("done_back"))),
  );
}

/** Where the visit was: the server's verdict, else the phone's own from the last known hot spot position (D1). */
function positionText(visit, hotspot) {
  if (visit.position) {
    let text = t("position_acc", { n: Math.round(visit.position.accuracy_m ?? 0) });
    let onSite = visit.on_site;
    let distance = visit.distance_m;
    if ((onSite === null || onSite === undefined) && hotspot && hotspot.lat != null) {
      distance = distanceM(visit.position, hotspot);
      onSite = distance <= (hotspot.radius_m ?? 150) + (visit.position.accuracy_m ?? 0);
    }
    if (onSite === true) text += ` · ${t("on_site")}`;
    if (onSite === false && distance != null) text += ` · ${t("off_site", { n: Math.round(distance) })}`;
    return text;
  }
  // A visit logged after the fact takes no fix: nothing went wrong with location services.
  if (visit.entry === "after") return t("position_after");
  return fixState.get(visit.id) === "pending" ? t("position_pending") : t("position_none");
}

// The screen stays on during a visit where the browser allows it (Screen Wake Lock API); released on leaving.
function keepAwake() {
  if (!("wakeLock" in navigator)) return;
  let lock = null;
  let stopped = false;
  const acquire = () => {
    if (stopped || document.visibilityState !== "visible") return;
    navigator.wakeLock
      .request("screen")
      .then((l) => {
        if (stopped) l.release().catch(() => undefined);
        else lock = l;
      })
      .catch(() => undefined);
  };
  // The lock is dropped when the page is hidden; take it again on return.
  const onVisible = () => {
    if (!lock || lock.released) acquire();
  };
  document.addEventListener("visibilitychange", onVisible);
  acquire();
  cleanups.push(() => {
    stopped = true;
    document.removeEventListener("visibilitychange", onVisible);
    lock?.release().catch(() => undefined);
  });
}

function timer(visit) {
  const clock = h("span", { class: "clock", id: "clock" });
  const fill = h("div", { class: "fill" });
  const advice = h("p", { class: "advice", id: "koper" });
  const alertBox = h("p", { class: "alert-notice", role: "alert", id: "timer-alert" });
  alertBox.hidden = true;
  const meter = h(
    "div",
    { class: "window", role: "img", "aria-label": t("koper_window") },
    h("div", { class: "zone" }),
    fill,
  );
  let lastAdvice = "";
  // Marks already passed when the view opened are not announced again; those crossed while watching are.
  const startMin = Math.floor((Date.now() - new Date(visit.started_at).getTime()) / 60000);
  const announced = new Set([KOPER_FROM, KOPER_TO].filter((m) => startMin >= m));
  const tick = () => {
    const seconds = Math.max(0, Math.floor((Date.now() - new Date(visit.started_at).getTime()) / 1000));
    const mm = Math.floor(seconds / 60);
    clock.textContent = `${String(mm).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
    fill.style.width = `${Math.min(100, (seconds / 60 / SCALE_MIN) * 100)}%`;
    let text;
    if (mm < KOPER_FROM) text = t("koper_before", { n: KOPER_FROM - mm });
    else if (mm <= KOPER_TO) text = `✓ ${t("koper_inside")}`;
    else text = `⚠ ${t("koper_after")}`;
    if (text !== lastAdvice) {
      advice.textContent = text;
      advice.className = mm < KOPER_FROM ? "advice" : mm <= KOPER_TO ? "advice advice-in" : "advice advice-over";
      lastAdvice = text;
    }
    for (const mark of [KOPER_FROM, KOPER_TO]) {
      if (mm >= mark && !announced.has(mark)) {
        announced.add(mark);
        alertBox.textContent = t(`notice_${mark}`);
        alertBox.hidden = false;
        navigator.vibrate?.(mark === KOPER_FROM ? [300, 150, 300] : [300, 150, 300, 150, 300]);
      }
    }
  };
  tick();
  const handle = setInterval(tick, 1000);
  cleanups.push(() => clearInterval(handle));
  keepAwake();
  return h(
    "section",
    { class: "timer", "aria-labelledby": "timer-title" },
    h("h2", { id: "timer-title" }, t("elapsed")),
    clock,
    meter,
    h("p", { class: "scale", "aria-hidden": "true" }, h("span", {}, "0"), h("span", {}, "10"), h("span", {}, "16"), h("span", {}, "20 min")),
    h("p", { class: "muted" }, t("koper_window")),
    advice,
    alertBox,
  );
}

// --- After the fact ---

export async function renderNew(main, ctx, params) {
  const data = await loadData(ctx.userId);
  const draft = { hotspot_id: params.get("hotspot") || "", started_at: null, ended_at: null, entry: "after" };
  const { form } = visitForm(draft, {
    withTimes: true,
    hotspots: data.hotspots,
    onSubmit: async (values) => {
      // Logged after the fact (SPEC §2 entry): no GPS fix, and the supervisor sees it as such.
      const visit = await saveVisit(newVisit({ ...values, entry: "after" }, ctx.userId));
      ctx.navigate(`#/visit/${visit.id}`, { kind: "saved" });
    },
  });
  replace(main, h("h1", {}, t("log_after")), form);
}

// --- Today: the shift ---

export async function renderToday(main, ctx) {
  const data = await loadData(ctx.userId);
  // The shift, not the calendar day: a night shift's visits before midnight stay in view after it (D1).
  const since = Date.now() - SHIFT_HOURS * 3600000;
  const inShift = (v) => !v.ended_at || new Date(v.started_at).getTime() >= since;
  const attention = await attentionEntries(ctx.userId);
  const attentionIds = new Set(attention.map((e) => e.record_id));
  const visits = data.visits
    .filter((v) => inShift(v) && !attentionIds.has(v.id))
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
  const shown = new Set(visits.map((v) => v.id));
  const today = zonedInputs(new Date().toISOString()).date;
  const sameDay = (iso) => zonedInputs(iso).date === today;
  const item = (v) =>
    h(
      "li",
      { class: "visit-item" },
      h(
        "a",
        { href: `#/visit/${v.id}` },
        h("strong", {}, spotName(data.byId, v.hotspot_id)),
        " ",
        // A shift crosses midnight: an earlier day's visit says its date.
        `${sameDay(v.started_at) ? formatTime(v.started_at) : formatDateTime(v.started_at)}–${v.ended_at ? formatTime(v.ended_at) : ""}`,
        v.ended_at ? ` (${t("duration_min", { n: minutesBetween(v.started_at, v.ended_at) })})` : "",
      ),
      " ",
      stateBadge(v),
      " ",
      entryMark(v),
      flagNote(v),
    );
  // Needs attention: rejected or conflicting visits, and flagged ones not already in the shift's list.
  const needsAction = [
    ...data.visits.filter((v) => attentionIds.has(v.id)),
    ...data.visits.filter((v) => v.flag && !attentionIds.has(v.id) && !shown.has(v.id)),
  ];
  replace(
    main,
    h("h1", {}, t("today")),
    h("p", { class: "muted" }, t("shift_note")),
    // Only when there is something in it (B6: an empty box was shown).
    needsAction.length
      ? h(
          "section",
          { class: "attention", "aria-labelledby": "needs-title" },
          h("h2", { id: "needs-title" }, t("needs_action_title")),
          h("ul", { class: "visits" }, needsAction.map(item)),
        )
      : null,
    visits.length ? h("ul", { class: "visits" }, visits.map(item)) : h("p", {}, t("no_visits_today")),
    deviceSection(ctx),
  );
}

/** The name of this device as supervisors see it; editable online (D6). */
function deviceSection(ctx) {
  if (!ctx.renameDevice) return null;
  const input = h("input", {
    id: "device-name",
    name: "device_name",
    maxlength: 200,
    required: true,
    value: ctx.session?.device_name || "",
  });
  const message = h("p", { role: "status", id: "device-message" });
  const form = h(
    "form",
    {
      class: "card device",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const button = form.querySelector("button");
        if (button.disabled) return;
        button.disabled = true;
        try {
          const failure = await ctx.renameDevice(input.value.trim());
          message.className = failure ? "error" : "saved";
          message.textContent = failure || t("device_saved");
          input.setAttribute("aria-invalid", failure ? "true" : "false");
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h2", {}, t("device")),
    h("label", { for: "device-name" }, t("device_name")),
    input,
    message,
    h("button", { type: "submit", class: "wide" }, t("device_save")),
  );
  return form;
}
