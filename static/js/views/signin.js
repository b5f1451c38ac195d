// Sign-in: the form, the sign-in itself (a token for this device, named after the phone) — and, for the device
// list supervisors see, what this device is called.
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { errorSentence, getLang, setTimezone, t } from "../i18n.js";
import { getSession, saveSession } from "../session.js";
import { clearServerCopy, getMeta } from "../storage.js";
import { adoptSignIn, signInFields } from "../vault.js";
import { showError } from "./shared.js";

export function renderSignIn(main, ctx, message) {
  const error = h("p", { class: "error", role: "alert", id: "signin-error" }, message || "");
  if (!message) error.hidden = true;
  const username = h("input", {
    id: "username",
    name: "username",
    autocomplete: "username",
    autocapitalize: "none",
    required: true,
    value: getSession()?.user?.username || "",
  });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const button = h("button", { type: "submit", class: "primary wide" }, t("sign_in"));
  const form = h(
    "form",
    {
      class: "card",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        button.textContent = t("signing_in");
        const failure = await signIn(ctx, username.value.trim(), password.value).catch((error) => {
          showError(error);
          return null;
        });
        button.disabled = false;
        button.textContent = t("sign_in");
        if (failure) {
          error.textContent = failure;
          error.hidden = false;
          password.focus();
        }
      },
    },
    h("label", { for: "username" }, t("username")),
    username,
    h("label", { for: "password" }, t("password")),
    password,
    button,
  );
  const notes = [];
  if (getSession()?.needs_sign_in) notes.push(h("p", { class: "notice" }, t("sign_in_again")));
  replace(main, h("h1", {}, t("sign_in")), notes, error, form);
}

/** Sign in; returns an error message or null. A different officer starts from a clean copy of server data. */
async function signIn(ctx, username, password) {
  if (!username || !password) return t("sign_in_failed");
  let body;
  const sentName = await describeDevice();
  // This install's secret and its device: the server gives that device's recovery key back (issue 15), so that a
  // forgotten PIN or a locked phone loses nothing.
  const lockFields = await signInFields();
  try {
    body = await api("POST", "/auth/token", { username, password, device_name: sentName, ...lockFields }, null);
  } catch (error) {
    if (error.kind === "network") return t("sign_in_offline");
    if (error.kind === "auth") return t("sign_in_failed");
    if (error.status === 429) return t("sign_in_throttled");
    return errorSentence(error.code, error.status);
  }
  // The data key: back through the recovery key (same device), or a new one that what is readable moves under.
  const { kept } = await adoptSignIn(body, lockFields.device_secret);
  const previous = await getMeta("session");
  if (previous && previous.user?.id !== body.user.id) await clearServerCopy();
  setTimezone(body.user.area?.timezone);
  await saveSession({
    token: body.token,
    user: body.user,
    device_id: body.device_id,
    device_name: sentName,
    expires_at: body.expires_at,
  });
  ctx.navigate("#/", kept ? null : "lock_lost");
  ctx.startSync();
  return null;
}

/**
 * What this device is, from the user agent: "Chrome på Android (Pixel 7)", "Safari på iPhone" (D6). The officer can
 * change it later; supervisors see it in the device list.
 */
export function deviceName(ua = navigator.userAgent, lang = getLang()) {
  const browser = /EdgA?\//.test(ua)
    ? "Edge"
    : /SamsungBrowser\//.test(ua)
      ? "Samsung Internet"
      : /Firefox\/|FxiOS\//.test(ua)
        ? "Firefox"
        : /OPR\//.test(ua)
          ? "Opera"
          : /Chrome\/|CriOS\/|Chromium\//.test(ua)
            ? "Chrome"
            : /Safari\//.test(ua)
              ? "Safari"
              : null;
  let system = null;
  let model = null;
  const android = ua.match(/Android(?: [\d.]+)?;\s*([^;)]*?)(?:\s+Build\/[^;)]*)?\)/);
  if (/Android/.test(ua)) {
    system = "Android";
    // Chrome's reduced user agent says "K" instead of the model: then there is no model to name.
    const candidate = android?.[1]?.trim();
    if (candidate && candidate !== "K" && !/^(Linux|U|wv|Mobile)$/i.test(candidate)) model = candidate;
  } else if (/iPhone/.test(ua)) system = "iPhone";
  else if (/iPad/.test(ua)) system = "iPad";
  else if (/Windows/.test(ua)) system = "Windows";
  else if (/Macintosh|Mac OS X/.test(ua)) system = "Mac";
  else if (/CrOS/.test(ua)) system = "ChromeOS";
  else if (/Linux/.test(ua)) system = "Linux";
  const on = lang === "en" ? "on" : "på";
  let name = [browser, system].filter(Boolean).join(` ${on} `) || "fieldlog";
  if (model) name += ` (${model})`;
  return name.slice(0, 200);
}

/** deviceName(), with the phone model from User-Agent Client Hints where the browser offers them (Chrome). */
async function describeDevice() {
  let ua = navigator.userAgent;
  try {
    const hints = await navigator.userAgentData?.getHighEntropyValues?.(["model"]);
    if (hints?.model && /Android/.test(ua)) ua = ua.replace(/(Android(?: [\d.]+)?;)\s*[^;)]*\)/, `$1 ${hints.model})`);
  } catch {
    // no hints: the user agent alone
  }
  return deviceName(ua);
}
