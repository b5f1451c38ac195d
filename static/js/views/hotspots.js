// Hot spots: the area's spots in the order to visit them (hotspots.js), and Arrive — a visit saved at once, with a
// position fix when the phone gives one.
import { h, replace } from "../dom.js";
import { rank } from "../hotspots.js";
import { formatAgo, formatDistance, formatHotHours, t, timezone } from "../i18n.js";
import { getFix, lastFix } from "../location.js";
import { newVisit, saveVisit } from "../outbox.js";
import { getOne } from "../storage.js";
import { fixState, loadData, showError, spotName } from "./shared.js";

export async function renderHotspots(main, ctx) {
  const data = await loadData(ctx.userId);
  const open = data.visits.find((v) => !v.ended_at);
  const list = h("ul", { class: "spots" });
  const draw = () => {
    const fix = lastFix();
    const rows = rank(data.hotspots, data.status?.byId, data.visits, fix);
    replace(
      list,
      rows.map((row) => spotCard(row, ctx, open)),
    );
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
    row.hotNow
      ? h("span", { class: "badge badge-hot" }, h("span", { "aria-hidden": "true" }, "🔥 "), t("hot_now"))
      : null,
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
      h(
        "p",
        { class: "hot-hours" },
        s.hot_hours?.length ? t("hot_when", { v: hotHoursText(s.hot_hours) }) : t("hot_none"),
      ),
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
              {
                class: "primary",
                type: "button",
                "aria-label": t("arrive_at", { name: s.name }),
                onclick: onArrive(s, ctx),
              },
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
  } catch (error) {
    showError(error);
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
