// The banners under the top bar: sign in again, a new version, and the one error banner for any action that failed
// (a click whose save was rejected, or a promise nobody caught). Errors are told in the officer's language from
// their code (i18n.js), never in the server's or the browser's English.
import { h, replace } from "./dom.js";
import { errorSentence, t } from "./i18n.js";

const ORDER = ["auth", "update", "error"];
const builders = new Map(); // kind -> () => element (rebuilt on each draw: the language may have changed)

function draw() {
  const box = document.getElementById("banners");
  if (!box) return;
  replace(
    box,
    ORDER.filter((kind) => builders.has(kind)).map((kind) => builders.get(kind)()),
  );
}

/** Show (a builder of) the banner of this kind, or remove it (null). */
export function setBanner(kind, build) {
  if (build) builders.set(kind, build);
  else builders.delete(kind);
  draw();
}

/** Draw the banners again (after a language switch). */
export const redrawBanners = draw;

/** What went wrong, in a sentence: the server's code when the API said no, else a failure on the phone itself. */
export function errorText(error) {
  if (error?.name === "ApiError") return errorSentence(error.code, error.status);
  return t("err_local");
}

/** The error banner: one at a time (the latest failure), until the officer closes it or goes to another view. */
export function showError(error) {
  if (error?.name !== "ApiError") console.error(error);
  setBanner("error", () =>
    h(
      "div",
      { class: "banner banner-error", role: "alert", id: "error-banner" },
      h("p", {}, h("span", { "aria-hidden": "true" }, "⚠ "), errorText(error)),
      h("button", { type: "button", onclick: () => setBanner("error", null) }, t("close")),
    ),
  );
}

export const clearError = () => {
  if (builders.has("error")) setBanner("error", null);
};
