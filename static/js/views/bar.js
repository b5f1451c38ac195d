// The top bar's own part — the app's name and the language switch — drawn by app.js with the lock screen of a cold
// start, and by main.js on every view (with the sync state, Lock and Sign out beside it).
import { h } from "../dom.js";
import { getLang, t } from "../i18n.js";

export const brand = () => h("span", { class: "brand" }, t("app"));

export const langButton = (onSwitch) =>
  h("button", { type: "button", lang: getLang() === "sv" ? "en" : "sv", onclick: onSwitch }, t("switch_lang"));
