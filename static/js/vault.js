// The app lock (issue 15): the PIN, the lock's record, unlocking, and what a password sign-in does to the data key.
//
// The data key (cipher.js) is random, 256 bits, and is stored only wrapped (AES-GCM): by a key derived from the PIN
// (PBKDF2-SHA-256, PBKDF2_ITERATIONS) and by this device's recovery key, which only the server holds and gives back
// to this device on a sign-in with the password. The lock's record, meta "lock" (plain: it must be read to unlock):
//   {device_id, device_secret, recovery: {iv, ct}, pin: {iv, ct} | null, salt, iterations, failures, blocked,
//    passkey: {id, salt, wrapped: {iv, ct}} | null}
// `device_secret` proves to the server that a recovery asks for this install's own key (with the password).
// `passkey` (passkey.js): the same data key wrapped a third time, under a key from the device passkey's PRF output —
// the credential's id and the PRF salt beside it, never the output itself.
import { hasKey, setKey } from "./cipher.js";
import { PasskeyError, createPasskey, forgetCredential, passkeyOutput, passkeyWrappingKey } from "./passkey.js";
import { getPlain, reseal, setPlain } from "./storage.js";

export const PIN_MIN_DIGITS = 6;
export const MAX_PIN_TRIES = 10;
// About 300 ms on a mid-range phone: Chromium on the development machine runs PBKDF2-SHA-256 at roughly 3–4 million
// iterations a second (bench/device_lock.py), a mid-range Android phone's Chrome at about 1 million (README: how the
// count was chosen, and what it does not protect against).
export const PBKDF2_ITERATIONS = 300_000;
const LOCK = "lock";

// The raw data key, only between a password sign-in and the new PIN that wraps it (set-PIN view); zeroed after.
let pendingRaw = null;

export const readLock = () => getPlain(LOCK);
export const isUnlocked = hasKey;
/** Signed in with the password, but no PIN chosen yet for the key in memory. */
export const needsPin = () => pendingRaw !== null && hasKey();

/** The PIN rule: at least PIN_MIN_DIGITS digits, nothing else. */
export const validPin = (pin) => new RegExp(`^[0-9]{${PIN_MIN_DIGITS},64}$`).test(pin || "");

const encoder = new TextEncoder();
const random = (n) => crypto.getRandomValues(new Uint8Array(n));
const importData = (raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}
const toBase64Url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/** The key the PIN gives (non-extractable; it only wraps and unwraps the data key). */
export async function pinKey(pin, salt, iterations) {
  const base = await crypto.subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt", "unwrapKey"],
  );
}

async function wrap(raw, key) {
  const iv = random(12);
  return { iv, ct: await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, raw) };
}

/** The data key a wrap holds, as a non-extractable key (a wrong PIN or key: OperationError). */
const unwrapData = (wrapped, key) =>
  crypto.subtle.unwrapKey("raw", wrapped.ct, key, { name: "AES-GCM", iv: wrapped.iv }, "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);

/** Lock now: the data key and everything opened with it leave memory (storage.js empties its cache on the change). */
export function lock() {
  pendingRaw?.fill(0);
  pendingRaw = null;
  setKey(null);
}

/**
 * Try a PIN: {ok, key} or {ok: false, left, blocked}. The try is counted before it is made (closing the app halfway
 * does not undo it); MAX_PIN_TRIES wrong ones block the PIN until a sign-in with the password.
 */
async function tryPin(pin) {
  const record = await readLock();
  if (!record?.pin || record.blocked) return { ok: false, left: 0, blocked: true };
  record.failures = (record.failures || 0) + 1;
  await setPlain(LOCK, record);
  let key;
  try {
    key = await unwrapData(record.pin, await pinKey(pin, record.salt, record.iterations));
  } catch (error) {
    if (error?.name !== "OperationError") throw error;
    if (record.failures >= MAX_PIN_TRIES) record.blocked = true;
    await setPlain(LOCK, record);
    return { ok: false, left: Math.max(0, MAX_PIN_TRIES - record.failures), blocked: !!record.blocked };
  }
  record.failures = 0;
  await setPlain(LOCK, record);
  return { ok: true, key };
}

/** Unlock with the PIN: {ok} or {ok: false, left, blocked}. */
export async function unlock(pin) {
  const { key, ...result } = await tryPin(pin);
  if (result.ok) setKey(key);
  return result;
}

/**
 * Whether `pin` is the officer's, the same tries counted — for leaving the survey kiosk (issue 15 item 5: the kiosk's
 * exit asks for the lock), without touching the key in memory.
 */
export async function checkPin(pin) {
  const { ok, left, blocked } = await tryPin(pin);
  return ok ? { ok } : { ok, left, blocked };
}

/** Wrap the data key in memory under a new PIN (after a password sign-in). */
export async function setPin(pin) {
  if (!validPin(pin)) throw new Error("invalid PIN");
  if (!pendingRaw) throw new Error("no data key to wrap");
  const record = await readLock();
  const salt = random(16);
  const iterations = PBKDF2_ITERATIONS;
  record.pin = await wrap(pendingRaw, await pinKey(pin, salt, iterations));
  Object.assign(record, { salt, iterations, failures: 0, blocked: false });
  await setPlain(LOCK, record);
  pendingRaw.fill(0);
  pendingRaw = null;
}

/** Whether a passkey opens this device's lock (a wrap exists; a blocked device: no, see unlockWithPasskey). */
export const hasPasskey = (record) => !!record?.passkey && !!record?.pin;

/**
 * Add the device's passkey beside the PIN: the authenticator first (a browser may want it straight from the tap),
 * then the PIN, counted as a try like any other (no guessing past the ten through this door), gives the data key's
 * bytes for the third wrap; they are zeroed after. {ok} or {ok: false, left, blocked} for a wrong PIN; a passkey
 * that failed or has no PRF: PasskeyError (nothing stored).
 */
export async function addPasskey(pin, displayName) {
  const before = await readLock();
  if (!before?.pin || before.blocked) return { ok: false, left: 0, blocked: true };
  const made = await createPasskey(displayName);
  let raw = null;
  try {
    const record = await readLock();
    if (!record?.pin || record.blocked) return { ok: false, left: 0, blocked: true };
    record.failures = (record.failures || 0) + 1;
    await setPlain(LOCK, record);
    try {
      const key = await pinKey(pin, record.salt, record.iterations);
      raw = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: record.pin.iv }, key, record.pin.ct));
    } catch (error) {
      if (error?.name !== "OperationError") throw error;
      if (record.failures >= MAX_PIN_TRIES) record.blocked = true;
      await setPlain(LOCK, record);
      forgetCredential(made.id);
      return { ok: false, left: Math.max(0, MAX_PIN_TRIES - record.failures), blocked: !!record.blocked };
    }
    const wrapping = await passkeyWrappingKey(made.output, made.salt);
    if (record.passkey) forgetCredential(record.passkey.id);
    record.passkey = { id: made.id, salt: made.salt, wrapped: await wrap(raw, wrapping) };
    record.failures = 0;
    await setPlain(LOCK, record);
    return { ok: true };
  } finally {
    raw?.fill(0);
    made.output.fill(0);
  }
}

/** Stop unlocking with the passkey: its wrap leaves the lock's record (the PIN stays). */
export async function removePasskey() {
  const record = await readLock();
  if (!record?.passkey) return;
  forgetCredential(record.passkey.id);
  await setPlain(LOCK, { ...record, passkey: null });
}

/**
 * The data key through the passkey: {ok, key} or {ok: false, blocked} (ten wrong PINs block the passkey too: until
 * the password, the device may be in someone else's hands) or PasskeyError (cancelled, not verified, no such
 * credential). Failures are not counted — the authenticator limits its own tries. A success resets the PIN's count,
 * as the right PIN does.
 */
async function tryPasskey() {
  const record = await readLock();
  if (!record?.pin || record.blocked) return { ok: false, blocked: true };
  if (!record.passkey) throw new PasskeyError("unsupported");
  const { id, salt, wrapped } = record.passkey;
  const output = await passkeyOutput(id, salt);
  let key;
  try {
    key = await unwrapData(wrapped, await passkeyWrappingKey(output, salt));
  } catch (error) {
    throw error?.name === "OperationError" ? new PasskeyError("failed", error) : error;
  } finally {
    output.fill(0);
  }
  const now = await readLock();
  if (now.blocked) return { ok: false, blocked: true };
  if (now.failures) await setPlain(LOCK, { ...now, failures: 0 });
  return { ok: true, key };
}

/** Unlock with the device's passkey: {ok} or {ok: false, blocked}; PasskeyError when it did not work. */
export async function unlockWithPasskey() {
  const { key, ...result } = await tryPasskey();
  if (result.ok) setKey(key);
  return result;
}

/** Whether the officer's passkey opens the lock — for leaving the survey kiosk — without touching the key in memory. */
export async function checkPasskey() {
  const { ok, blocked } = await tryPasskey();
  return ok ? { ok } : { ok, blocked };
}

/** What a sign-in sends about this install: its secret, and the device whose key it asks back (if it had one). */
export async function signInFields() {
  const record = await readLock();
  const secret = record?.device_secret || toBase64Url(random(32));
  const fields = { device_secret: secret };
  if (record?.device_id) fields.recover_device_id = record.device_id;
  return fields;
}

/**
 * After a password sign-in (`body`: the token answer with `device_id` and `recovery_key`): the same device gets its
 * data key back through the recovery key (a forgotten or blocked PIN loses nothing); a new device gets a new data key,
 * under which everything this phone can still read is sealed again — what it cannot read (a revoked device's data,
 * locked) is removed. Resolves with {recovered, kept}. Either way a new PIN follows (needsPin) unless the app was
 * unlocked on the same device already.
 */
export async function adoptSignIn(body, deviceSecret) {
  const record = await readLock();
  const recoveryKey = await crypto.subtle.importKey("raw", fromBase64Url(body.recovery_key), "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
  if (record?.recovery && record.device_id === body.device_id) {
    if (!hasKey()) {
      const raw = new Uint8Array(
        await crypto.subtle.decrypt({ name: "AES-GCM", iv: record.recovery.iv }, recoveryKey, record.recovery.ct),
      );
      setKey(await importData(raw));
      pendingRaw = raw;
      // The old PIN is done with: a new one is chosen now (until then a cold start asks for the password again).
      // The passkey's wrap holds the same data key, so it stays, and works again once the new PIN is chosen.
      await setPlain(LOCK, { ...record, pin: null, salt: null, failures: 0, blocked: false });
    }
    return { recovered: true, kept: true };
  }
  if (record?.passkey) forgetCredential(record.passkey.id); // it wrapped the old key: of no use now
  const raw = random(32);
  const next = {
    device_id: body.device_id,
    device_secret: deviceSecret,
    recovery: await wrap(raw, recoveryKey),
    pin: null,
    salt: null,
    iterations: PBKDF2_ITERATIONS,
    failures: 0,
    blocked: false,
    passkey: null,
  };
  const key = await importData(raw);
  const kept = await reseal(key, { [LOCK]: next }, setKey);
  pendingRaw = raw;
  return { recovered: false, kept };
}
