// After Lämna: what the visit was, what is left to fill in, and — under 2 minutes — "was it a drive-through?".
import { h } from "../dom.js";
import { codeLabel, t } from "../i18n.js";
import { saveVisit } from "../outbox.js";
import { getOne } from "../storage.js";
import { once } from "./shared.js";

const DRIVE_THROUGH_MIN = 2;

export function doneBox(visit, name, minutes, rerender) {
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
