// The views' forms and failures, apart from the rest of shared.js so that the lock screen — the first screen of a
// cold start — needs nothing else (no outbox, no storage reads): the banners, the error banner, actions that run once
// and report failure, a form's problems and its one-at-a-time submit.
import { h, replace } from "../dom.js";
import { errorSentence, t } from "../i18n.js";

// --- Banners under the top bar: sign in again, a new version, and the one error banner for any action that failed
// (a click whose save was rejected, or a promise nobody caught). Errors are told in the officer's language from
// their code (i18n.js), never in the server's or the browser's English.

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

// --- Actions and the view's lifetime

/**
 * An action that runs once at a time: a second tap while the first is still running does nothing, and the button
 * shows it is busy (B2: a double tap on Anländ or Spara made two visits). A failure shows the error banner.
 */
export function once(action) {
  let busy = false;
  return async (event) => {
    if (busy) return;
    busy = true;
    const button = event?.currentTarget instanceof HTMLButtonElement ? event.currentTarget : null;
    if (button) button.disabled = true;
    try {
      await action(event);
    } catch (error) {
      showError(error);
    } finally {
      busy = false;
      if (button) button.disabled = false;
    }
  };
}

/**
 * A form's own check, shown: the fields marked before are cleared; with problems, they are listed in ``errors``, their
 * fields marked invalid and the first focused, and the answer is false. Each problem is [its control (may be
 * missing), the field's name or null, the sentence].
 */
export function showProblems(form, errors, problems) {
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  if (problems.length) {
    replace(
      errors,
      h(
        "ul",
        {},
        problems.map(([, field, message]) => h("li", { "data-field": field }, message)),
      ),
    );
    errors.hidden = false;
    for (const [el] of problems) el?.setAttribute("aria-invalid", "true");
    problems[0][0]?.focus();
    return false;
  }
  errors.hidden = true;
  return true;
}

/**
 * A form's submit, one save at a time: a double tap on Spara stores once (B2). ``read`` gives the values (null when
 * the form shows its problems); once saved the view is leaving (its navigation lands a moment later), so the form
 * stays shut until then — a second tap in between would store the record twice. A failure shows the error banner
 * and opens the form again; so does an ``onSubmit`` that resolves to false (it told the officer why itself: a wrong
 * PIN), leaving the focus where it put it.
 */
export function submitOnce(form, submit, read, onSubmit) {
  let saving = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) return;
    const values = read();
    if (!values) return;
    saving = true;
    submit.disabled = true;
    try {
      if ((await onSubmit(values)) === false) {
        saving = false;
        submit.disabled = false;
      }
    } catch (error) {
      showError(error);
      saving = false;
      submit.disabled = false;
    }
  });
}
