// Choosing the PIN after a sign-in with the password, the offer of the passkey right after it, and the Today view's
// card that turns the passkey on or off (issue 15) — loaded with the rest of the app (main.js, views/today.js), not
// on a cold start's path: the lock screen (views/lock.js) needs none of it.
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { LOCK_AFTER_MINUTES } from "../lock.js";
import { passkeyAvailable } from "../passkey.js";
import { getSession } from "../session.js";
import { PIN_MIN_DIGITS, addPasskey, readLock, removePasskey, setPin, validPin } from "../vault.js";
import { showError, submitOnce } from "./forms.js";
import { passkeyProblem, pinInput, readPin } from "./lock.js";

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
