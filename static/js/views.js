// The app's views: sign-in, hot spots (list and map), a visit (timer, details, state), logging after the fact,
// today's visits. Every view reads the phone's copy (IndexedDB) and never waits for the network.
import { h, replace } from "./dom.js";
import { rank } from "./hotspots.js";
import {
  codeLabel,
  codes,
  formatAgo,
  formatDateTime,
  formatDistance,
  formatTime,
  t,
  zonedInputs,
  zonedParts,
  zonedToIso,
} from "./i18n.js";
import { getFix, lastFix } from "./location.js";
import { attentionEntries, deleteVisit, newVisit, resolve, saveVisit } from "./outbox.js";
import { getOne, req, tx } from "./storage.js";

const KOPER_FROM = 10;
const KOPER_TO = 16;
const SCALE_MIN = 20;
const MAX_HOURS = 12;
const MAX_FUTURE_MIN = 10;
const MAX_AGE_DAYS = 90;

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
const minutesBetween = (a, b) => Math.max(0, Math.round((new Date(b) - new Date(a)) / 60000));

function stateBadge(visit) {
  if (!visit.ended_at && visit.sync === "synced") return h("span", { class: "badge" }, t("state_ongoing"));
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
              { class: "primary", type: "button", "aria-label": t("arrive_at", { name: s.name }), onclick: () => arrive(s, ctx) },
              t("arrive"),
            ),
        h("a", { class: "button", href: `#/new?hotspot=${s.id}` }, t("log_after")),
      ),
    ),
  );
}

/** Arrive: the visit is saved at once (time); one GPS fix follows when the phone gives it — or never. */
async function arrive(hotspot, ctx) {
  const visit = await saveVisit(
    newVisit({ hotspot_id: hotspot.id, started_at: new Date().toISOString() }, ctx.userId),
  );
  fixState.set(visit.id, "pending");
  ctx.navigate(`#/visit/${visit.id}`);
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
    marker.bindPopup(() =>
      h("div", {}, h("strong", {}, s.name), h("br"), h("a", { href: `#/new?hotspot=${s.id}` }, t("log_after"))),
    );
    marker.bindTooltip(s.name);
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
  form.append(h("button", { type: "submit", class: "primary wide" }, submitLabel || t("save")));

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
        if (new Date(end) - start > MAX_HOURS * 3600000) problems.push([to, t("err_too_long")]);
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
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = read();
    if (values) onSubmit(values);
  });
  return { form, read };
}

function attentionBox(entry, ctx, onFix) {
  const items = [];
  if (entry.reason === "conflict") {
    items.push(h("p", {}, t("reason_conflict")));
  } else {
    const error = entry.error || {};
    items.push(h("p", {}, t("reason_rejected", { message: error.message || error.code || "" })));
    const fields = error.fields || {};
    const list = Object.entries(fields).map(([field, messages]) =>
      h("li", {}, t("fields_error", { field: t(`field_${field}`) === `field_${field}` ? field : t(`field_${field}`), message: [].concat(messages).join(" ") })),
    );
    if (list.length) items.push(h("ul", {}, list));
  }
  const act = (choice) => async () => {
    await resolve(entry.seq, choice);
    ctx.refresh("force");
  };
  const buttons = [];
  if (entry.reason === "conflict") {
    if (entry.server && !entry.server.deleted) buttons.push(h("button", { type: "button", onclick: act("mine") }, t("keep_mine")));
    buttons.push(h("button", { type: "button", onclick: act("server") }, t("take_server")));
  } else {
    buttons.push(h("button", { type: "button", class: "primary", onclick: onFix }, t("fix")));
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
  const name = spotName(data.byId, visit.hotspot_id);
  const entry = (await attentionEntries(ctx.userId)).find((e) => e.record_id === id);
  const status = h("p", { role: "status", class: "saved" }, notice || "");
  const content = [h("h1", {}, t("visit_at", { name })), status];
  const rerender = (message) => {
    teardown();
    return renderVisit(main, ctx, id, message);
  };
  let formApi;
  const onFix = () => {
    status.textContent = t("fix_hint");
    formApi.form.querySelector("select, input")?.focus();
  };
  // Sync state, flag and what needs attention: redrawn in place when a sync changes them, never the form.
  const stateBox = h("div", { id: "visit-state" });
  const fillState = (v, e) =>
    replace(stateBox, h("p", { class: "facts" }, stateBadge(v)), flagNote(v), e ? attentionBox(e, ctx, onFix) : null);
  fillState(visit, entry);
  content.push(stateBox);
  const positionLine = h("p", { class: "muted", id: "position-line" }, positionText(visit));
  liveUpdate = async () => {
    const current = await getOne("visits", id);
    if (!current || current.deleted || !main.contains(stateBox)) return;
    fillState(current, (await attentionEntries(ctx.userId)).find((e) => e.record_id === id));
    positionLine.textContent = positionText(current);
  };

  if (!visit.ended_at) {
    content.push(timer(visit));
    content.push(positionLine);
    const leave = h("button", { type: "button", class: "primary big", id: "leave" }, t("leave"));
    content.push(leave);
    formApi = visitForm(visit, {
      withTimes: false,
      hotspots: data.hotspots,
      onSubmit: async (values) => {
        await saveVisit({ ...(await getOne("visits", id)), ...values });
        rerender(t("saved"));
      },
    });
    leave.addEventListener("click", async () => {
      const values = formApi.read();
      if (!values) return;
      await saveVisit({ ...(await getOne("visits", id)), ...values, ended_at: new Date().toISOString() });
      rerender(t("saved"));
    });
    content.push(formApi.form);
  } else {
    const minutes = minutesBetween(visit.started_at, visit.ended_at);
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
        rerender(t("saved"));
      },
    });
    content.push(formApi.form);
    content.push(
      h(
        "button",
        {
          type: "button",
          class: "danger wide",
          onclick: async () => {
            if (!(await ctx.confirm(t("delete"), t("delete_confirm"), t("delete")))) return;
            await deleteVisit(id);
            ctx.navigate("#/today");
          },
        },
        t("delete"),
      ),
    );
  }
  replace(main, content);
}

function positionText(visit) {
  if (visit.position) {
    let text = t("position_acc", { n: Math.round(visit.position.accuracy_m ?? 0) });
    if (visit.on_site === true) text += ` · ${t("on_site")}`;
    if (visit.on_site === false && visit.distance_m != null) {
      text += ` · ${t("off_site", { n: Math.round(visit.distance_m) })}`;
    }
    return text;
  }
  return fixState.get(visit.id) === "pending" ? t("position_pending") : t("position_none");
}

function timer(visit) {
  const clock = h("span", { class: "clock", id: "clock" });
  const fill = h("div", { class: "fill" });
  const advice = h("p", { class: "advice", id: "koper" });
  const meter = h(
    "div",
    { class: "window", role: "img", "aria-label": t("koper_window") },
    h("div", { class: "zone" }),
    fill,
  );
  let lastAdvice = "";
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
  };
  tick();
  const handle = setInterval(tick, 1000);
  cleanups.push(() => clearInterval(handle));
  return h(
    "section",
    { class: "timer", "aria-labelledby": "timer-title" },
    h("h2", { id: "timer-title" }, t("elapsed")),
    clock,
    meter,
    h("p", { class: "scale", "aria-hidden": "true" }, h("span", {}, "0"), h("span", {}, "10"), h("span", {}, "16"), h("span", {}, "20 min")),
    h("p", { class: "muted" }, t("koper_window")),
    advice,
  );
}

// --- After the fact ---

export async function renderNew(main, ctx, params) {
  const data = await loadData(ctx.userId);
  const draft = { hotspot_id: params.get("hotspot") || "", started_at: null, ended_at: null };
  const { form } = visitForm(draft, {
    withTimes: true,
    hotspots: data.hotspots,
    onSubmit: async (values) => {
      const visit = await saveVisit(newVisit(values, ctx.userId));
      ctx.navigate(`#/visit/${visit.id}`, t("saved"));
    },
  });
  replace(main, h("h1", {}, t("log_after")), form);
}

// --- Today ---

export async function renderToday(main, ctx) {
  const data = await loadData(ctx.userId);
  const today = zonedParts(new Date());
  const isToday = (iso) => {
    const p = zonedParts(new Date(iso));
    return p.y === today.y && p.mo === today.mo && p.d === today.d;
  };
  const attention = await attentionEntries(ctx.userId);
  const attentionIds = new Set(attention.map((e) => e.record_id));
  const flagged = data.visits.filter((v) => v.flag && !attentionIds.has(v.id));
  const visits = data.visits
    .filter((v) => isToday(v.started_at) && !attentionIds.has(v.id))
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
  const item = (v) =>
    h(
      "li",
      { class: "visit-item" },
      h(
        "a",
        { href: `#/visit/${v.id}` },
        h("strong", {}, spotName(data.byId, v.hotspot_id)),
        " ",
        `${formatTime(v.started_at)}–${v.ended_at ? formatTime(v.ended_at) : ""}`,
        v.ended_at ? ` (${t("duration_min", { n: minutesBetween(v.started_at, v.ended_at) })})` : "",
      ),
      " ",
      stateBadge(v),
      flagNote(v),
    );
  const needsAction = data.visits.filter((v) => attentionIds.has(v.id));
  replace(
    main,
    h("h1", {}, t("today")),
    needsAction.length || flagged.length
      ? h(
          "section",
          { class: "attention", "aria-labelledby": "needs-title" },
          h("h2", { id: "needs-title" }, t("needs_action_title")),
          h("ul", { class: "visits" }, needsAction.map(item), flagged.filter((v) => !isToday(v.started_at)).map(item)),
        )
      : null,
    visits.length ? h("ul", { class: "visits" }, visits.map(item)) : h("p", {}, t("no_visits_today")),
  );
}
