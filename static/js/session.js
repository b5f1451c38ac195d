// The signed-in session, held in one place: {token, user (with its area and the area's time zone), device_id,
// device_name, expires_at, needs_sign_in}. Kept in IndexedDB (meta "session") so that the app starts offline; the
// page and the service worker each read it from there. Nothing here touches the page (the worker imports it).
import { getMeta, setMeta, tx } from "./storage.js";

let session = null;
const listeners = new Set();

/** The session now, or null when signed out. */
export const getSession = () => session;

/** Called with the new session (or null) whenever it changes. */
export const onSessionChange = (fn) => listeners.add(fn);

/** Take `value` as the session without storing it (it was just read, or is stored by the caller). */
export function setSession(value) {
  session = value || null;
  listeners.forEach((fn) => fn(session));
  return session;
}

/** Read the stored session (at start, and in the worker before each Background Sync). */
export async function loadSession() {
  return setSession((await getMeta("session")) || null);
}

/** Store and take a new session. */
export async function saveSession(value) {
  await setMeta("session", value);
  return setSession(value);
}

/** Change some of the session's fields (on top of what is stored: another context may have changed it). */
export async function updateSession(patch) {
  const current = (await getMeta("session")) || session;
  if (!current) return null;
  return saveSession({ ...current, ...patch });
}

/** Sign out on this phone. */
export async function forgetSession() {
  await tx(["meta"], "readwrite", ({ meta }) => meta.delete("session"));
  return setSession(null);
}
