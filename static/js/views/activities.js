// Aktiviteter: the area's planned activities coming up (the officer's own and those a supervisor planned), the officer's
// own recent ones with their upload state, what needs attention — and "Ny aktivitet".
import { activityLine, isMine, loadActivities } from "../activities.js";
import { h, replace } from "../dom.js";
import { codeLabel, formatDateTime, t, zonedInputs, zonedToIso } from "../i18n.js";
import { attentionEntries } from "../outbox.js";
import { syncBadge } from "./shared.js";

// How far back "my recent" reaches (a term's sessions, at a glance).
const RECENT_DAYS = 30;

export async function renderActivities(main, ctx) {
  const { activities } = await loadActivities(ctx.userId);
  const attention = new Set((await attentionEntries(ctx.userId)).map((e) => e.record_id));
  // Upcoming: planned, from the start of today in the area's zone (a session later today is still coming up).
  const today = zonedToIso(zonedInputs(new Date().toISOString()).date, "00:00");
  const since = new Date(Date.now() - RECENT_DAYS * 86400000).toISOString();
  const at = (a) => new Date(a.starts_at).toISOString();
  const needs = activities.filter((a) => attention.has(a.id));
  const upcoming = activities
    .filter((a) => a.status === "planned" && at(a) >= today && !attention.has(a.id))
    .sort((a, b) => at(a).localeCompare(at(b)));
  const shown = new Set(upcoming.map((a) => a.id));
  const own = activities
    .filter((a) => isMine(a, ctx.session) && !shown.has(a.id) && !attention.has(a.id) && at(a) >= since)
    .sort((a, b) => at(b).localeCompare(at(a)));

  const item = (a) =>
    h(
      "li",
      { class: "visit-item activity-item", "data-activity-id": a.id },
      h("a", { href: `#/activity/${a.id}` }, h("strong", {}, formatDateTime(a.starts_at)), " ", activityLine(a)),
      " ",
      h("span", { class: "badge" }, codeLabel("status", a.status, "activity")),
      " ",
      isMine(a, ctx.session) ? syncBadge(a) : h("span", { class: "muted" }, t("act_by", { name: a.officer })),
    );
  replace(
    main,
    h("h1", {}, t("activities_title")),
    h("a", { class: "button primary wide-link", href: "#/activity/new", id: "new-activity" }, t("activity_new")),
    needs.length
      ? h(
          "section",
          { class: "attention", "aria-labelledby": "act-needs-title" },
          h("h2", { id: "act-needs-title" }, t("needs_action_title")),
          h("ul", { class: "visits" }, needs.map(item)),
        )
      : null,
    h(
      "section",
      { "aria-labelledby": "upcoming-title", id: "upcoming" },
      h("h2", { id: "upcoming-title" }, t("activities_upcoming")),
      upcoming.length ? h("ul", { class: "visits" }, upcoming.map(item)) : h("p", {}, t("activities_none_upcoming")),
    ),
    h(
      "section",
      { "aria-labelledby": "own-title", id: "own" },
      h("h2", { id: "own-title" }, t("activities_own")),
      h("p", { class: "muted" }, t("activities_own_note", { days: RECENT_DAYS })),
      own.length
        ? h("ul", { class: "visits" }, own.map(item))
        : h("p", {}, t("activities_none_own", { days: RECENT_DAYS })),
    ),
  );
}
