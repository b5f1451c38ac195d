// The lock screen (issue 15): the first screen of every cold start, drawn by app.js before the rest of the app loads,
// and by main.js after a lock. It shows nothing of the officer's data: it is drawn before anything is opened, and
// after a lock everything opened has left memory. Beside the PIN, where the phone has set it up, its passkey —
// fingerprint, face or screen lock (passkey.js) — unlocks too. Choosing the PIN and turning the passkey on or off
// are views/pin.js's, loaded with the rest of the app: this module holds only what the lock screen needs, with the
// PIN field and the passkey's failure sentence that both screens use.
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { hasPasskey, readLock, unlock, unlockWithPasskey } from "../vault.js";
import { showError, submitOnce } from "./forms.js";

/** A PIN field (digits, hidden as typed). */
export const pinInput = (id, autocomplete) =>
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

/** The officer's sentence for a passkey that did not work (PasskeyError's kind). */
export const passkeyProblem = (error) =>
  error?.name === "PasskeyError" && error.kind === "cancelled" ? t("passkey_cancelled") : t("passkey_failed");

/** A PIN field's value, or null with `error` saying a PIN is needed (an empty one is no try). */
export function readPin(pin, error) {
  if (pin.value) return pin.value;
  error.textContent = t("pin_empty");
  error.hidden = false;
  pin.focus();
  return null;
}

/** The lock screen: the PIN (and the passkey where set up), or — blocked after MAX_PIN_TRIES wrong ones, or no PIN
 * yet — the way to the password. `known`: the lock's record when the caller has just read it (a cold start, app.js),
 * so that it is read once. */
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
    // Blocked: the passkey no more than the PIN — ten wrong PINs may mean the phone is in other hands.
    const passkey = record?.blocked && record.passkey ? h("p", {}, t("pin_blocked_passkey")) : null;
    replace(main, h("h1", {}, t("locked_title")), h("p", { class: "notice", role: "alert" }, why), passkey, signIn);
    return;
  }
  const error = h("p", { class: "error", role: "alert", id: "pin-error", hidden: true });
  const pin = pinInput("pin", "off");
  pin.removeAttribute("aria-describedby");
  const button = h("button", { type: "submit", class: "primary wide" }, t("unlock"));
  const form = h("form", { class: "card", novalidate: true }, h("label", { for: "pin" }, t("pin")), pin, button);
  submitOnce(
    form,
    button,
    () => readPin(pin, error),
    async (value) => {
      button.textContent = t("unlocking");
      const result = await unlock(value).finally(() => {
        button.textContent = t("unlock");
      });
      if (result.ok) return ctx.unlocked();
      if (result.blocked) return renderLock(main, ctx);
      pin.value = "";
      error.textContent = t("pin_wrong", { n: result.left });
      error.hidden = false;
      pin.focus();
      return false;
    },
  );
  let passkey = null;
  if (hasPasskey(record)) {
    let busy = false;
    passkey = h(
      "button",
      {
        type: "button",
        class: "primary wide",
        id: "passkey-unlock",
        onclick: async () => {
          if (busy) return;
          busy = true;
          passkey.disabled = true;
          try {
            const result = await unlockWithPasskey();
            if (result.ok) return await ctx.unlocked();
            // Blocked meanwhile (wrong PINs in another tab): the password's screen.
            return await renderLock(main, ctx);
          } catch (failure) {
            if (failure?.name !== "PasskeyError") return showError(failure);
            error.textContent = passkeyProblem(failure);
            error.hidden = false;
            pin.focus();
          } finally {
            busy = false;
            passkey.disabled = false;
          }
        },
      },
      t("passkey_unlock"),
    );
  }
  replace(
    main,
    h("h1", {}, t("locked_title")),
    h("p", {}, t("locked_text")),
    error,
    passkey ? h("div", { class: "card" }, passkey) : null,
    form,
    h("p", {}, signIn),
  );
  (passkey || pin).focus();
}
