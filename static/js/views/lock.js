// The lock screen and the choice of a PIN (issue 15). The lock screen shows nothing of the officer's data: it is drawn
// before anything is opened, and after a lock everything opened has left memory. Beside the PIN, where the phone can,
// its passkey — fingerprint, face or screen lock (passkey.js) — unlocks too: offered right after the PIN is chosen,
// and turned on or off from a card on the Today view (passkeyCard).
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { passkeyAvailable } from "../passkey.js";
import { getSession } from "../session.js";
import {
  PIN_MIN_DIGITS,
  addPasskey,
  hasPasskey,
  readLock,
  removePasskey,
  setPin,
  unlock,
  unlockWithPasskey,
  validPin,
} from "../vault.js";
import { LOCK_AFTER_MINUTES } from "../lock.js";
import { showError, submitOnce } from "./forms.js";

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

/** The officer's sentence for a passkey that did not work (PasskeyError's kind). */
export const passkeyProblem = (error) =>
  error?.name === "PasskeyError" && error.kind === "cancelled" ? t("passkey_cancelled") : t("passkey_failed");

/** A PIN field's value, or null with `error` saying a PIN is needed (an empty one is no try). */
function readPin(pin, error) {
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
        // Where the phone can, the passkey is offered next (the PIN stays, and is the way in when it fails).
        // After a recovery that kept the data key, its passkey wrap is kept too: nothing to offer.
        if (!(await readLock())?.passkey && (await passkeyAvailable())) renderPasskeyOffer(main, ctx, pin.value);
        else ctx.pinSet();
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

const passkeyName = () => getSession()?.user?.username || "fieldlog";

/** Right after the PIN: unlock with the phone's fingerprint or screen lock too? (Not now: the Today view's card.) */
function renderPasskeyOffer(main, ctx, pin) {
  const message = h("p", { class: "error", role: "alert", id: "passkey-error", hidden: true });
  const go = () => ctx.pinSet();
  const later = h("button", { type: "button", class: "wide", onclick: go }, t("passkey_not_now"));
  let busy = false;
  const use = h(
    "button",
    {
      type: "button",
      class: "primary wide",
      onclick: async () => {
        if (busy) return;
        busy = true;
        use.disabled = true;
        try {
          const result = await addPasskey(pin, passkeyName());
          // The PIN was just chosen: it is right unless another tab changed it meanwhile.
          if (result.ok) return await go();
          message.textContent = t("passkey_failed");
        } catch (failure) {
          if (failure?.name !== "PasskeyError") return showError(failure);
          message.textContent = failure.kind === "unsupported" ? t("passkey_unsupported") : passkeyProblem(failure);
          if (failure.kind === "unsupported") {
            use.hidden = true;
            later.textContent = t("passkey_continue");
            later.classList.add("primary");
          }
        } finally {
          busy = false;
          use.disabled = false;
        }
        message.hidden = false;
        later.focus();
      },
    },
    t("passkey_use"),
  );
  replace(
    main,
    h("h1", {}, t("passkey_offer_title")),
    h("p", {}, t("passkey_offer_text")),
    message,
    h("div", { class: "card actions" }, use, later),
  );
  use.focus();
}

let card = null; // the Today view's passkey card on screen: {section, on}

/**
 * The Today view's card: turn the passkey on (with the PIN, counted like any try) or off. Nothing where the phone
 * cannot (no platform authenticator with PRF) and none is set up.
 */
export async function passkeyCard(ctx) {
  const record = await readLock();
  if (!record?.pin) return null;
  // The Today view is drawn again after each sync: the card on screen stays as it is (a PIN being typed into it is
  // not wiped), and keeps the focus once the view is back in place.
  if (card?.section.isConnected && card.on === !!record.passkey) {
    const focused = card.section.contains(document.activeElement) ? document.activeElement : null;
    if (focused) setTimeout(() => focused.isConnected && focused.focus());
    return card.section;
  }
  if (!record.passkey && !(await passkeyAvailable())) return null;
  const section = h("section", { class: "card passkey", "aria-labelledby": "passkey-title" });
  const mine = { section, on: !!record.passkey };
  card = mine;
  const draw = (note) => {
    mine.on = !!record.passkey;
    const status = h("p", { role: "status", id: "passkey-status" }, note || "");
    if (record.passkey) {
      const remove = h(
        "button",
        {
          type: "button",
          id: "passkey-remove",
          onclick: async () => {
            remove.disabled = true;
            try {
              await removePasskey();
              record.passkey = null;
              draw(t("passkey_removed"));
              section.querySelector("button")?.focus();
            } catch (failure) {
              remove.disabled = false;
              showError(failure);
            }
          },
        },
        t("passkey_remove"),
      );
      replace(
        section,
        h("h2", { id: "passkey-title" }, t("passkey_card_title")),
        h("p", {}, t("passkey_on_text")),
        status,
        remove,
      );
      return;
    }
    const error = h("p", { class: "error", role: "alert", id: "passkey-error", hidden: true });
    const pin = pinInput("passkey-pin", "off");
    pin.removeAttribute("aria-describedby");
    const button = h("button", { type: "submit", class: "primary wide" }, t("passkey_use"));
    const form = h("form", { novalidate: true }, h("label", { for: "passkey-pin" }, t("pin")), pin, button);
    submitOnce(
      form,
      button,
      () => readPin(pin, error),
      async (value) => {
        let result;
        try {
          result = await addPasskey(value, passkeyName());
        } catch (failure) {
          if (failure?.name !== "PasskeyError") throw failure;
          error.textContent = failure.kind === "unsupported" ? t("passkey_unsupported") : passkeyProblem(failure);
          error.hidden = false;
          pin.focus();
          return false;
        }
        if (result.ok) {
          Object.assign(record, await readLock());
          draw(t("passkey_added"));
          section.querySelector("button")?.focus();
          return undefined;
        }
        // Ten wrong PINs, also here: the app locks, and only the password opens it.
        if (result.blocked) return ctx.lock();
        pin.value = "";
        error.textContent = t("pin_wrong", { n: result.left });
        error.hidden = false;
        pin.focus();
        return false;
      },
    );
    replace(
      section,
      h("h2", { id: "passkey-title" }, t("passkey_card_title")),
      h("p", {}, t("passkey_off_text")),
      status,
      error,
      form,
    );
  };
  draw();
  return section;
}
