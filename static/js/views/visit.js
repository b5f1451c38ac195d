// A visit: the timer while it runs (Lämna ends it), the done view after, its state, and its details form.
import { h, replace } from "../dom.js";
import { formatDateTime, formatTime, t } from "../i18n.js";
import { distanceM } from "../location.js";
import { attentionEntries, deleteVisit, saveVisit } from "../outbox.js";
import { getOne } from "../storage.js";
import { attentionBox } from "./attention.js";
import { doneBox } from "./done.js";
import { visitForm } from "./form.js";
import {
  entryMark,
  fixState,
  flagNote,
  loadData,
  minutesBetween,
  once,
  reveal,
  setLiveUpdate,
  spotName,
  stateBadge,
  teardown,
} from "./shared.js";
import { timer } from "./timer.js";

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

// The screen stays on during a visit where the browser allows it (Screen Wake Lock API); released on leaving.
