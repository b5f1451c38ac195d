// A visit: the timer while it runs (Lämna ends it), the done view after, its state and what needs attention, and
// its details form (form.js).
import { visitConfig } from "../config.js";
import { h, replace } from "../dom.js";
import { codeLabel, formatDateTime, formatTime, t } from "../i18n.js";
import { distanceM } from "../location.js";
import { attentionEntries, deleteVisit, saveVisit } from "../outbox.js";
import { getOne } from "../storage.js";
import { visitForm } from "./form.js";
import {
  attentionBox,
  entryMark,
  fixState,
  flagNote,
  loadData,
  minutesBetween,
  onTeardown,
  once,
  reveal,
  setLiveUpdate,
  spotName,
  stateBadge,
  teardown,
  updateLive,
} from "./shared.js";

const SCALE_MIN = 20;
const DRIVE_THROUGH_MIN = 2;

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
  const status = h(
    "p",
    { role: "status", class: "saved", id: "visit-notice" },
    note?.kind === "saved" ? savedText(visit) : note?.text || "",
  );
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
  setLiveUpdate(async () => {
    const current = await getOne("visits", id);
    if (!current || current.deleted || !main.contains(stateBox)) return;
    fillState(
      current,
      (await attentionEntries(ctx.userId)).find((e) => e.record_id === id),
    );
    positionLine.textContent = positionText(current, hotspot);
    // "Saved. Waiting to upload." must not stay beside "Uploaded" (B6).
    if (note?.kind === "saved") status.textContent = savedText(current);
  });

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
  // Arrive's position fix may have been saved while this view was being drawn from an earlier read: read it again.
  if (!visit.position && visit.entry !== "after") updateLive();
}

/** After Lämna: what the visit was, what is left to fill in, and — under 2 minutes — "was it a drive-through?". */

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

// --- Done ---

// After Lämna: what the visit was, what is left to fill in, and — under 2 minutes — "was it a drive-through?".
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

// --- The timer ---

// The visit timer: time on site against the Koper window (the server's bounds), with a notice (and a buzz) at each bound;
// the screen stays on meanwhile.

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
  onTeardown(() => {
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
  // The Koper window the server defines (coverage/terms.py), drawn on a 0–SCALE_MIN minute scale.
  const [KOPER_FROM, KOPER_TO] = visitConfig().limits.koper_minutes;
  const zone = h("div", { class: "zone" });
  zone.style.left = `${(KOPER_FROM / SCALE_MIN) * 100}%`;
  zone.style.width = `${((KOPER_TO - KOPER_FROM) / SCALE_MIN) * 100}%`;
  const meter = h("div", { class: "window", role: "img", "aria-label": t("koper_window") }, zone, fill);
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
        alertBox.textContent = t(mark === KOPER_FROM ? "notice_from" : "notice_to");
        alertBox.hidden = false;
        navigator.vibrate?.(mark === KOPER_FROM ? [300, 150, 300] : [300, 150, 300, 150, 300]);
      }
    }
  };
  tick();
  const handle = setInterval(tick, 1000);
  onTeardown(() => clearInterval(handle));
  keepAwake();
  return h(
    "section",
    { class: "timer", "aria-labelledby": "timer-title" },
    h("h2", { id: "timer-title" }, t("elapsed")),
    clock,
    meter,
    h(
      "p",
      { class: "scale", "aria-hidden": "true" },
      h("span", {}, "0"),
      h("span", {}, "10"),
      h("span", {}, "16"),
      h("span", {}, "20 min"),
    ),
    h("p", { class: "muted" }, t("koper_window")),
    advice,
    alertBox,
  );
}
