// An activity (SPEC §6): "Ny aktivitet", an own activity's details (edit, mark a planned one done, delete, what needs
// attention), and an area's planned activity someone else logged (shown; the officer may log their own session of
// it). Saved on the phone and queued in the outbox as `activity.upsert` / `activity.delete`, exactly like a visit.
// Fields, bounds, codes and time limits are the server's (config.js), checked here only to say early what it would say.
import { activityConfig, activityLine, isMine, loadActivities } from "../activities.js";
import { h, replace } from "../dom.js";
import { codeLabel, codes, fieldSentences, formatDateTime, formatTime, t, zonedInputs, zonedToIso } from "../i18n.js";
import { attentionEntries, deleteRecord, newRecord, saveRecord } from "../outbox.js";
import { getOne } from "../storage.js";
import { attentionBox, once, reveal, setLiveUpdate, showProblems, submitOnce, syncBadge, teardown } from "./shared.js";

const KIND = "activity";
// Grades 4–6 are the promise's (SPEC Part II); the others fold away until needed.
const COMMON_GRADES = [4, 5, 6];

function chips(name, list, selected, multiple, legend) {
  return h(
    "fieldset",
    { class: "choices", id: `${name}-group` },
    h("legend", {}, legend),
    list.map(([code, label]) =>
      h(
        "label",
        { class: "chip" },
        h("input", {
          type: multiple ? "checkbox" : "radio",
          name,
          value: code,
          checked: multiple ? selected.includes(code) : selected === code,
        }),
        h("span", {}, label),
      ),
    ),
  );
}

function gradeChips(selected, bounds) {
  const all = [];
  for (let n = bounds.min; n <= bounds.max; n += 1) all.push(n);
  const chip = (n) =>
    h(
      "label",
      { class: "chip" },
      h("input", { type: "checkbox", name: "grades", value: String(n), checked: selected.includes(n) }),
      h("span", {}, t("act_grade", { n })),
    );
  const common = all.filter((n) => COMMON_GRADES.includes(n));
  const other = all.filter((n) => !COMMON_GRADES.includes(n));
  const more = h(
    "details",
    { class: "more", open: selected.some((n) => other.includes(n)) },
    h("summary", {}, t("act_grades_more")),
    other.map(chip),
  );
  return h(
    "fieldset",
    { class: "choices", id: "grades-group" },
    h("legend", {}, t("act_grades")),
    common.map(chip),
    more,
  );
}

function textField(id, label, value, maxLength, extra = {}) {
  const input = h("input", { id, name: id, type: "text", maxlength: maxLength, value: value || "", ...extra });
  return [input, h("div", { class: "field" }, h("label", { for: id }, label), input)];
}

function numberField(id, label, value, bounds) {
  const input = h("input", {
    id,
    name: id,
    type: "number",
    inputmode: "numeric",
    min: bounds.min,
    max: bounds.max,
    step: 1,
    value: value === null || value === undefined ? "" : String(value),
  });
  return [input, h("div", { class: "field" }, h("label", { for: id }, label), input)];
}

/**
 * The activity's form. `activity`: the record (new: a draft); `hotspots`: the area's; `schools`: names already used
 * on this phone (suggested, so that one school is spelt one way). Returns the form, its reader and, for a rejection
 * the server named fields in, a way to mark and focus them.
 */
export function activityForm(activity, { hotspots, schools, isNew, onSubmit }) {
  const { bounds, limits } = activityConfig();
  const errors = h("div", { class: "error", role: "alert", id: "form-errors" });
  errors.hidden = true;
  const statuses = codes("status", KIND).filter(([code]) => !isNew || code !== "cancelled" || activity.status === code);

  const start = activity.starts_at ? zonedInputs(activity.starts_at) : null;
  const end = activity.ends_at ? zonedInputs(activity.ends_at) : null;
  const date = h("input", {
    id: "date",
    name: "date",
    type: "date",
    required: true,
    value: start ? start.date : zonedInputs(new Date().toISOString()).date,
  });
  const from = h("input", { id: "from", name: "from", type: "time", required: true, value: start ? start.time : "" });
  const to = h("input", { id: "to", name: "to", type: "time", value: end ? end.time : "" });
  const spot = h(
    "select",
    { id: "hotspot_id", name: "hotspot_id" },
    h("option", { value: "" }, t("act_no_hotspot")),
    hotspots
      .filter((s) => !s.deleted || s.id === activity.hotspot_id)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => h("option", { value: s.id, selected: s.id === activity.hotspot_id }, s.name)),
  );
  const [place, placeField] = textField("place", t("act_place"), activity.place, bounds.place.max_length);
  const [school, schoolField] = textField("school", t("act_school"), activity.school, bounds.school.max_length, {
    list: "schools",
    autocomplete: "off",
  });
  const [group, groupField] = textField("group", t("act_group"), activity.group, bounds.group.max_length, {
    "aria-describedby": "group-hint",
    autocapitalize: "characters",
  });
  const [participants, participantsField] = numberField(
    "participants",
    t("act_participants"),
    activity.participants,
    bounds.participants,
  );
  const [staff, staffField] = numberField(
    "staff",
    `${t("act_staff")} ${t("act_optional")}`,
    activity.staff,
    bounds.staff,
  );
  const notes = h("textarea", {
    id: "notes",
    name: "notes",
    maxlength: bounds.notes.max_length,
    rows: 3,
    "aria-describedby": "notes-warning",
  });
  notes.value = activity.notes || "";

  const form = h(
    "form",
    { class: "visit-form activity-form", novalidate: true, "data-activity-id": activity.id },
    errors,
    chips("type", codes("type", KIND), activity.type, false, t("act_type")),
    chips("status", statuses, activity.status, false, t("act_status")),
    h("div", { class: "field" }, h("label", { for: "date" }, t("date")), date),
    h(
      "div",
      { class: "row" },
      h("div", { class: "field" }, h("label", { for: "from" }, t("from")), from),
      h("div", { class: "field" }, h("label", { for: "to" }, t("act_end_optional")), to),
    ),
    placeField,
    h("div", { class: "field" }, h("label", { for: "hotspot_id" }, t("act_hotspot")), spot),
    schoolField,
    h(
      "datalist",
      { id: "schools" },
      schools.map((name) => h("option", { value: name })),
    ),
    gradeChips(activity.grades || [], bounds.grades),
    groupField,
    h("p", { class: "muted hint", id: "group-hint" }, t("act_group_hint")),
    h("p", { class: "muted" }, t("act_counts_only")),
    participantsField,
    staffField,
    chips("topics", codes("topics", KIND), activity.topics || [], true, t("act_topics")),
    chips("partners", codes("partners", KIND), activity.partners || [], true, t("act_partners")),
    h(
      "div",
      { class: "field" },
      h("label", { for: "notes" }, t("notes")),
      h(
        "p",
        { class: "warning", id: "notes-warning" },
        h("span", { "aria-hidden": "true" }, "⚠ "),
        t("act_notes_warning"),
      ),
      notes,
    ),
  );
  const submit = h("button", { type: "submit", class: "primary wide", id: "save" }, t("save"));
  form.append(submit);

  /** The control of a field (the server's name for it): its input, or the first of its choices. */
  const control = (field) =>
    ({ starts_at: from, ends_at: to, hotspot_id: spot, place, school, group, participants, staff, notes })[field] ||
    form.querySelector(`#${field}-group input:checked`) ||
    form.querySelector(`#${field}-group input`);

  const integer = (input, field, label, range, required, problems) => {
    const raw = input.value.trim();
    if (!raw) {
      if (required) problems.push([input, field, t("err_act_participants")]);
      return null;
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < range.min || n > range.max) {
      problems.push([input, field, t("err_act_number", { field: label, min: range.min, max: range.max })]);
      return null;
    }
    return n;
  };

  const read = () => {
    const problems = [];
    const picked = (name) => form.querySelector(`input[name="${name}"]:checked`)?.value || null;
    const all = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    const values = {
      type: picked("type"),
      status: picked("status"),
      place: place.value.trim(),
      hotspot_id: spot.value || null,
      school: school.value.trim(),
      grades: all("grades")
        .map(Number)
        .sort((a, b) => a - b),
      group: group.value.trim(),
      topics: all("topics"),
      partners: all("partners"),
      notes: notes.value.slice(0, bounds.notes.max_length),
    };
    if (!values.type) problems.push([control("type"), "type", t("err_required", { field: t("act_type") })]);
    if (!values.status) problems.push([control("status"), "status", t("err_required", { field: t("act_status") })]);
    if (!date.value) problems.push([date, "starts_at", t("err_required", { field: t("date") })]);
    if (!from.value) problems.push([from, "starts_at", t("err_required", { field: t("from") })]);
    values.participants = integer(
      participants,
      "participants",
      t("act_participants"),
      bounds.participants,
      values.status === "done",
      problems,
    );
    values.staff = integer(staff, "staff", t("act_staff"), bounds.staff, false, problems);
    if (values.type === "school_session") {
      if (!values.school) problems.push([school, "school", t("err_act_school")]);
      if (!values.grades.length) problems.push([control("grades"), "grades", t("err_act_grades")]);
    }
    if (date.value && from.value) {
      values.starts_at = zonedToIso(date.value, from.value);
      values.ends_at = null;
      const startMs = new Date(values.starts_at).getTime();
      if (to.value) {
        let endIso = zonedToIso(date.value, to.value);
        // A "to" before "from" runs past midnight (an evening for parents that ends after 24:00).
        if (to.value < from.value) endIso = new Date(new Date(endIso).getTime() + 86400000).toISOString();
        values.ends_at = endIso;
        if (new Date(endIso).getTime() - startMs > limits.max_hours * 3600000) {
          problems.push([
            to,
            "ends_at",
            to.value < from.value ? t("err_order_times") : t("err_act_too_long", { hours: limits.max_hours }),
          ]);
        }
      }
      const now = Date.now();
      if (values.status === "done" && startMs > now + limits.done_max_future_minutes * 60000) {
        problems.push([from, "starts_at", t("err_act_future", { minutes: limits.done_max_future_minutes })]);
      } else if (startMs > now + limits.planned_max_ahead_days * 86400000) {
        problems.push([date, "starts_at", t("err_act_ahead", { days: limits.planned_max_ahead_days })]);
      }
      if (startMs < now - limits.max_age_days * 86400000) {
        problems.push([date, "starts_at", t("err_act_too_old", { days: limits.max_age_days })]);
      }
    }
    return showProblems(form, errors, problems) ? values : null;
  };

  submitOnce(form, submit, read, onSubmit);

  /** The server's reasons, beside each field it named (in the officer's language), and the first one focused. */
  const markRejected = (fields, focus) => {
    const sentences = fieldSentences(fields, KIND);
    for (const old of form.querySelectorAll(".field-error")) old.remove();
    for (const [field, text] of sentences) {
      const el = control(field);
      if (!el) continue;
      el.setAttribute("aria-invalid", "true");
      const note = h("p", { class: "error field-error", id: `${field}-error`, "data-field": field }, text);
      const box = el.closest(".field, fieldset") || el;
      box.prepend(note);
      el.setAttribute("aria-describedby", [el.getAttribute("aria-describedby"), note.id].filter(Boolean).join(" "));
    }
    const first = sentences.length ? control(sentences[0][0]) : null;
    if (focus && first) {
      first.focus();
      first.scrollIntoView({ block: "center" });
    }
  };

  /** A planned activity was held: status "done", and the count it now needs. */
  const markDone = () => {
    const done = form.querySelector('input[name="status"][value="done"]');
    if (done) done.checked = true;
    participants.focus();
    participants.scrollIntoView({ block: "center" });
  };

  return { form, read, markRejected, markDone };
}

const schoolsOf = (activities) =>
  [...new Set(activities.map((a) => a.school).filter(Boolean))].sort((a, b) => a.localeCompare(b));

// --- New ---

/** "Ny aktivitet"; `?from=<id>` starts from an area's planned activity (logging one's own session of it). */
export async function renderNewActivity(main, ctx, params) {
  const data = await loadActivities(ctx.userId);
  const planned = params.get("from") ? data.activities.find((a) => a.id === params.get("from")) : null;
  const draft = planned
    ? {
        ...Object.fromEntries(activityConfig().fields.map((k) => [k, planned[k]])),
        status: "done",
        notes: "",
      }
    : { type: "school_session", status: "done", grades: [], topics: [], partners: [] };
  const { form } = activityForm(draft, {
    hotspots: data.hotspots,
    schools: schoolsOf(data.activities),
    isNew: true,
    onSubmit: async (values) => {
      const activity = await saveRecord(KIND, newRecord(KIND, values, ctx.userId));
      ctx.navigate(`#/activity/${activity.id}`, { kind: "saved" });
    },
  });
  replace(main, h("h1", {}, t("activity_new")), form);
}

// --- An activity ---

export async function renderActivity(main, ctx, id, notice) {
  const data = await loadActivities(ctx.userId);
  const activity = data.activities.find((a) => a.id === id);
  if (!activity) {
    ctx.navigate("#/activities");
    return;
  }
  const title = h("h1", {}, t("activity_edit", { type: codeLabel("type", activity.type, KIND) }));
  const when = h(
    "p",
    { class: "facts" },
    `${formatDateTime(activity.starts_at)}${activity.ends_at ? `–${formatTime(activity.ends_at)}` : ""}`,
    " ",
    h("span", { class: "badge" }, codeLabel("status", activity.status, KIND)),
  );
  if (!isMine(activity, ctx.session)) {
    // Someone else's (a supervisor planned it for the area): shown as it is, never changed from here.
    replace(
      main,
      title,
      when,
      h("p", {}, activityLine(activity)),
      activity.officer ? h("p", { class: "muted" }, t("act_by", { name: activity.officer })) : null,
      h("p", { class: "notice" }, t("act_readonly")),
      h(
        "a",
        { class: "button primary", href: `#/activity/new?from=${activity.id}`, id: "log-done" },
        t("act_log_done"),
      ),
    );
    return;
  }

  const note = typeof notice === "object" && notice ? notice : null;
  const savedText = (a) =>
    a.sync === "synced" ? t("act_saved_synced") : a.sync === "attention" ? t("saved_plain") : t("act_saved");
  const status = h(
    "p",
    { role: "status", class: "saved", id: "activity-notice" },
    note?.kind === "saved" ? savedText(activity) : "",
  );
  const rerender = async (message) => {
    teardown();
    await renderActivity(main, ctx, id, message);
    window.scrollTo(0, 0);
  };
  const formApi = activityForm(activity, {
    hotspots: data.hotspots,
    schools: schoolsOf(data.activities),
    isNew: false,
    onSubmit: async (values) => {
      await saveRecord(KIND, { ...(await getOne("activities", id)), ...values });
      await rerender({ kind: "saved" });
    },
  });
  const onFix = (entry) => {
    status.textContent = t("act_fix_hint");
    formApi.markRejected(entry?.error?.fields || {}, true);
  };
  const stateBox = h("div", { id: "activity-state" });
  const fillState = (a, entry) =>
    replace(stateBox, h("p", { class: "facts" }, syncBadge(a)), entry ? attentionBox(entry, ctx, onFix, KIND) : null);
  const entry = (await attentionEntries(ctx.userId)).find((e) => e.record_id === id);
  fillState(activity, entry);
  // A rejection is shown at once beside the fields it names (and in the box above, with the officer's choices).
  if (entry?.error?.fields) formApi.markRejected(entry.error.fields, false);
  setLiveUpdate(async () => {
    const current = await getOne("activities", id);
    if (!current || current.deleted || !main.contains(stateBox)) return;
    const now = (await attentionEntries(ctx.userId)).find((e) => e.record_id === id);
    fillState(current, now);
    if (now?.error?.fields) formApi.markRejected(now.error.fields, false);
    if (note?.kind === "saved") status.textContent = savedText(current);
  });

  const markDone =
    activity.status === "planned"
      ? h(
          "button",
          {
            type: "button",
            class: "primary wide",
            id: "mark-done",
            onclick: () => {
              formApi.markDone();
              status.textContent = t("act_mark_done_hint");
            },
          },
          t("act_mark_done"),
        )
      : null;
  replace(
    main,
    title,
    status,
    stateBox,
    when,
    markDone,
    formApi.form,
    h(
      "button",
      {
        type: "button",
        class: "danger wide",
        id: "delete-activity",
        onclick: once(async () => {
          if (!(await ctx.confirm(t("act_delete"), t("act_delete_confirm"), t("act_delete")))) return;
          await deleteRecord(KIND, id);
          ctx.navigate("#/activities");
        }),
      },
      t("act_delete"),
    ),
  );
  if (status.textContent) reveal(status);
}
