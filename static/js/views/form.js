// The visit's details form (Arrive's open visit, a finished visit, after the fact) and the after-the-fact view.
// Codes, bounds and the time limits are the server's (config.js), checked here only to say early what it would say.
import { visitConfig } from "../config.js";
import { h, replace } from "../dom.js";
import { codes, t, zonedInputs, zonedToIso } from "../i18n.js";
import { newVisit, saveVisit } from "../outbox.js";
import { loadData, showProblems, submitOnce } from "./shared.js";

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
    codes(list).map(([code, label]) => {
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
export function visitForm(visit, { withTimes, hotspots, submitLabel, onSubmit }) {
  const { bounds, defaults, limits } = visitConfig();
  const { officers, contacts } = bounds;
  const noteMax = bounds.notes.max_length;
  const errors = h("div", { class: "error", role: "alert", id: "form-errors" });
  errors.hidden = true;
  const parts = [];
  let spot;
  let setHotspots = () => undefined;
  let date;
  let from;
  let to;
  if (withTimes) {
    spot = h("select", { id: "hotspot_id", name: "hotspot_id", required: true });
    setHotspots = (list) => {
      // Keeps the officer's choice: the list may arrive (first sync) or change while the form is being filled in.
      const chosen = spot.value || visit.hotspot_id;
      spot.replaceChildren(
        h("option", { value: "" }, t("choose_hotspot")),
        ...list
          .filter((s) => !s.deleted || s.id === chosen)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((s) => h("option", { value: s.id, selected: s.id === chosen }, s.name)),
      );
    };
    setHotspots(hotspots);
    const start = visit.started_at ? zonedInputs(visit.started_at) : zonedInputs(new Date().toISOString());
    const end = visit.ended_at ? zonedInputs(visit.ended_at) : null;
    date = h("input", { id: "date", name: "date", type: "date", required: true, value: start.date });
    from = h("input", {
      id: "from",
      name: "from",
      type: "time",
      required: true,
      value: visit.started_at ? start.time : "",
    });
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
  const notes = h("textarea", {
    id: "notes",
    name: "notes",
    maxlength: noteMax,
    rows: 3,
    "aria-describedby": "notes-warning",
  });
  notes.value = visit.notes || "";
  parts.push(
    choices("mode", "mode", visit.mode || defaults.mode, false),
    stepper("officers", t("officers"), visit.officers ?? defaults.officers, officers.min, officers.max),
    choices("observations", "observations", visit.observations || [], true),
    choices("activities", "activities", visit.activities || [], true),
    stepper("contacts", t("contacts"), visit.contacts ?? defaults.contacts, contacts.min, contacts.max),
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
      mode: form.querySelector('input[name="mode"]:checked')?.value || defaults.mode,
      officers: Math.min(officers.max, Math.max(officers.min, parseInt(form.officers.value, 10) || officers.min)),
      observations: [...form.querySelectorAll('input[name="observations"]:checked')].map((i) => i.value),
      activities: [...form.querySelectorAll('input[name="activities"]:checked')].map((i) => i.value),
      contacts: Math.min(contacts.max, Math.max(contacts.min, parseInt(form.contacts.value, 10) || contacts.min)),
      notes: notes.value.slice(0, noteMax),
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
        if (new Date(end) - start > limits.max_hours * 3600000) {
          problems.push([to, to.value < from.value ? t("err_order_times") : t("err_too_long")]);
        }
        if (start > now + limits.max_future_minutes * 60000) problems.push([from, t("err_future")]);
        if (start < now - limits.max_age_days * 86400000) problems.push([date, t("err_too_old")]);
      }
    }
    const shown = problems.map(([el, message]) => [el, null, message]);
    return showProblems(form, errors, shown) ? values : null;
  };
  submitOnce(form, submit, read, onSubmit);
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
  return { form, read, focusField, setHotspots };
}

// --- After the fact ---

export async function renderNew(main, ctx, params) {
  const data = await loadData(ctx.userId);
  const draft = { hotspot_id: params.get("hotspot") || "", started_at: null, ended_at: null, entry: "after" };
  const { form, setHotspots } = visitForm(draft, {
    withTimes: true,
    hotspots: data.hotspots,
    onSubmit: async (values) => {
      // Logged after the fact (SPEC §2 entry): no GPS fix, and the supervisor sees it as such.
      const visit = await saveVisit(newVisit({ ...values, entry: "after" }, ctx.userId));
      ctx.navigate(`#/visit/${visit.id}`, { kind: "saved" });
    },
  });
  replace(main, h("h1", {}, t("log_after")), form);
  refreshNew = async () => {
    if (form.isConnected) setHotspots((await loadData(ctx.userId)).hotspots);
  };
}

/** After a sync: the open after-the-fact form takes the hot spots that arrived, and keeps what was typed. */
export let refreshNew = async () => undefined;
