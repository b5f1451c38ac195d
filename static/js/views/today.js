// Today: the officer's shift — own visits of the last 16 hours, what needs attention, and this device's name.
import { activityLine, loadActivities } from "../activities.js";
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { errorSentence, formatDateTime, formatTime, t, zonedInputs } from "../i18n.js";
import { attentionEntries } from "../outbox.js";
import { getSession, saveSession } from "../session.js";
import { kioskCard } from "./kiosk.js";
import { passkeyCard } from "./pin.js";
import { entryMark, flagNote, loadData, minutesBetween, showError, spotName, stateBadge, syncBadge } from "./shared.js";

const SHIFT_HOURS = 16;

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
  // The status line's "needs attention" leads here: activities the server refused are listed too.
  const activities = (await loadActivities(ctx.userId)).activities.filter((a) => attentionIds.has(a.id));
  const activityItem = (a) =>
    h(
      "li",
      { class: "visit-item activity-item", "data-activity-id": a.id },
      h("a", { href: `#/activity/${a.id}` }, h("strong", {}, formatDateTime(a.starts_at)), " ", activityLine(a)),
      " ",
      syncBadge(a),
    );
  replace(
    main,
    h("h1", {}, t("today")),
    h("p", { class: "muted" }, t("shift_note")),
    // Only when there is something in it (B6: an empty box was shown).
    needsAction.length || activities.length
      ? h(
          "section",
          { class: "attention", "aria-labelledby": "needs-title" },
          h("h2", { id: "needs-title" }, t("needs_action_title")),
          h("ul", { class: "visits" }, needsAction.map(item), activities.map(activityItem)),
        )
      : null,
    visits.length ? h("ul", { class: "visits" }, visits.map(item)) : h("p", {}, t("no_visits_today")),
    await kioskCard(ctx),
    await passkeyCard(ctx),
    deviceSection(),
  );
}

/** The name of this device as supervisors see it; editable online (D6). */
function deviceSection() {
  const input = h("input", {
    id: "device-name",
    name: "device_name",
    maxlength: 200,
    required: true,
    value: getSession()?.device_name || "",
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
          const failure = await renameDevice(input.value.trim());
          message.className = failure ? "error" : "saved";
          message.textContent = failure || t("device_saved");
          input.setAttribute("aria-invalid", failure ? "true" : "false");
        } catch (error) {
          showError(error);
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

/** Rename this device (PATCH /me/device); returns an error sentence or null. */
async function renameDevice(name) {
  if (!name) return `${t("field_name")}: ${t("why_name")}`;
  let body;
  try {
    body = await api("PATCH", "/me/device", { name });
  } catch (error) {
    if (error.kind === "network") return t("device_offline");
    if (error.fields?.name) return `${t("field_name")}: ${t("why_name")}`;
    return errorSentence(error.code, error.status);
  }
  await saveSession({ ...getSession(), device_name: body.name });
  return null;
}
