// The lock screen and the choice of a PIN (issue 15). The lock screen shows nothing of the officer's data: it is drawn
// before anything is opened, and after a lock everything opened has left memory.
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { PIN_MIN_DIGITS, readLock, setPin, unlock, validPin } from "../vault.js";
import { LOCK_AFTER_MINUTES } from "../lock.js";

const pinInput = (id, autocomplete) =>
  h("input", {
    id,
    name: id,
    type: "password",
    inputmode: "numeric",
    pattern: "[0-9]*",
    autocomplete,
    required: true,
    "aria-describedby": "pin-rule",
  });

/** The lock screen: the PIN, or — blocked after MAX_PIN_TRIES wrong ones, or no PIN yet — the way to the password.
 * `known`: the lock's record when the caller has just read it (a cold start, app.js), so that it is read once. */
export async function renderLock(main, ctx, known) {
  const record = known ?? (await readLock());
  const canUnlock = !!record?.pin && !record.blocked;
  const signIn = h(
    "a",
    { class: canUnlock ? "" : "button primary", href: "#/signin" },
    t(canUnlock ? "pin_forgot" : "sign_in"),
  );
  if (!canUnlock) {
    const why = record?.blocked ? t("pin_blocked") : t("pin_none");
    replace(main, h("h1", {}, t("locked_title")), h("p", { class: "notice", role: "alert" }, why), signIn);
    return;
  }
  const error = h("p", { class: "error", role: "alert", id: "pin-error", hidden: true });
  const pin = pinInput("pin", "off");
  pin.removeAttribute("aria-describedby");
  const button = h("button", { type: "submit", class: "primary wide" }, t("unlock"));
  const form = h(
    "form",
    {
      class: "card",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        button.textContent = t("unlocking");
        const result = await unlock(pin.value);
        button.disabled = false;
        button.textContent = t("unlock");
        if (result.ok) return ctx.unlocked();
        if (result.blocked) return renderLock(main, ctx);
        pin.value = "";
        error.textContent = t("pin_wrong", { n: result.left });
        error.hidden = false;
        pin.focus();
      },
    },
    h("label", { for: "pin" }, t("pin")),
    pin,
    button,
  );
  replace(main, h("h1", {}, t("locked_title")), h("p", {}, t("locked_text")), error, form, h("p", {}, signIn));
  pin.focus();
}

/** After a sign-in with the password: the officer chooses the PIN that wraps the data key from now on. */
export function renderSetPin(main, ctx, notice) {
  const error = h("p", { class: "error", role: "alert", id: "pin-error", hidden: true });
  const pin = pinInput("pin-new", "new-password");
  const repeat = pinInput("pin-repeat", "new-password");
  const button = h("button", { type: "submit", class: "primary wide" }, t("pin_save"));
  const form = h(
    "form",
    {
      class: "card",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        let problem = null;
        if (!validPin(pin.value)) problem = [t("pin_too_short", { n: PIN_MIN_DIGITS }), pin];
        else if (pin.value !== repeat.value) problem = [t("pin_mismatch"), repeat];
        if (problem) {
          error.textContent = problem[0];
          error.hidden = false;
          problem[1].setAttribute("aria-invalid", "true");
          problem[1].focus();
          return;
        }
        button.disabled = true;
        try {
          await setPin(pin.value);
        } finally {
          button.disabled = false;
        }
        ctx.pinSet();
      },
    },
    h("label", { for: "pin-new" }, t("pin")),
    pin,
    h("label", { for: "pin-repeat" }, t("pin_repeat")),
    repeat,
    h("p", { class: "muted", id: "pin-rule" }, t("pin_rule", { n: PIN_MIN_DIGITS })),
    button,
  );
  replace(
    main,
    h("h1", {}, t("pin_set_title")),
    notice ? h("p", { class: "notice", role: "status" }, t(notice)) : null,
    h("p", {}, t("pin_set_text", { minutes: LOCK_AFTER_MINUTES })),
    error,
    form,
  );
  pin.focus();
}
