// The attention box of a visit the server refused or that conflicts: why (in the officer's words, from the code and
// the fields), and the officer's choice — fix it, keep mine, take the server's, discard.
import { h } from "../dom.js";
import { errorSentence, fieldSentences, t } from "../i18n.js";
import { resolve } from "../outbox.js";
import { once } from "./shared.js";

export function attentionBox(entry, ctx, onFix) {
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
    if (entry.server && !entry.server.deleted)
      buttons.push(h("button", { type: "button", onclick: act("mine") }, t("keep_mine")));
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
