// The survey kiosk's state (SPEC §7, issue 13): whether this device runs the kiosk, for which survey, and how the
// officer gets out again. Its screens are views/kiosk.js. The app asks `kioskActive()` before every view: while the
// kiosk runs, nothing but the questionnaire is shown, after a reload or a restart too (the state is stored in
// IndexedDB, meta "kiosk").
//
// Leaving needs the officer's password, checked on the device, offline: at the start the password is checked by the
// server where there is a connection, and only a PBKDF2-SHA-256 hash of it (WebCrypto, a random 16-byte salt) is
// kept. `verifyExit(secret)` is the one check (issue 15 adds the device PIN there); `tryExit` counts wrong tries and
// makes the next one wait.
//
// The area's survey waves (GET /api/v1/surveys: id, year, title, opens_at, closes_at, mode, questionnaire) are cached
// in meta "surveys", refreshed after each sync that got through, so that a kiosk starts without signal; the device
// tells open from not yet open or closed by the times.
import { api } from "./api.js";
import { config } from "./config.js";
import { queueCreate } from "./outbox.js";
import { getSession } from "./session.js";
import { getMeta, setMeta, tx, uuid } from "./storage.js";
import { onSyncChange } from "./sync.js";

// OWASP's figure for PBKDF2-HMAC-SHA-256 (2023): a few hundred milliseconds on a phone, once at start and once per
// try at the exit. Stored with the hash, so that a later version may choose another without breaking a running kiosk.
export const PBKDF2_ITERATIONS = 600_000;
// After this many wrong tries, each further try waits: 30 s, doubling, at most 15 minutes.
export const FREE_TRIES = 3;
const WAIT_BASE_MS = 30_000;
const WAIT_MAX_MS = 15 * 60_000;

export const RESPONSE_KIND = "survey_response";

let state = null; // the stored kiosk: {survey, user_id, started_at, verifier, failures, wait_until} or null

/** Read the stored kiosk state (at start-up, before the first view). */
export async function loadKiosk() {
  try {
    state = (await getMeta("kiosk")) || null;
  } catch {
    state = null;
  }
  return state;
}

/** Whether the kiosk runs on this device (after loadKiosk). */
export const kioskActive = () => state !== null;

/** The running kiosk's survey. */
export const kioskSurvey = () => state?.survey || null;

// --- The questionnaire, as the server declares it (fieldlog/officer/shell.py, from fieldlog/surveys/questionnaire.py)

/** A questionnaire as the server declares it: {screens, sv, en} (each language's questionnaire.describe()). */
export const questionnaire = (name = "core-1") => config().survey?.questionnaires?.[name] || null;

// --- The area's surveys, cached for offline use

/** The cached surveys of the signed-in officer's area that are open now. */
export async function openSurveys(now = Date.now()) {
  const cached = await getMeta("surveys");
  const userId = getSession()?.user?.id;
  if (!cached || cached.user_id !== userId) return [];
  return cached.surveys.filter(
    (s) =>
      new Date(s.opens_at).getTime() <= now && now < new Date(s.closes_at).getTime() && questionnaire(s.questionnaire),
  );
}

// What the kiosk keeps of a wave.
const KEPT = ["id", "area", "year", "title", "opens_at", "closes_at", "mode", "questionnaire"];

/** Fetch the area's surveys and cache those a kiosk may run; a failure keeps the cached list. */
export async function refreshSurveys() {
  const session = getSession();
  const area = session?.user?.area?.slug;
  if (!session || session.needs_sign_in || !area || !navigator.onLine) return false;
  try {
    const body = await api("GET", "/surveys");
    // Waves of the own area that have not closed, in `open` mode: a `codes` wave takes only answers with a letter's
    // code, which a kiosk has not got.
    const surveys = (body?.surveys || [])
      .filter((s) => s.area === area && s.mode === "open" && new Date(s.closes_at).getTime() > Date.now())
      .map((s) => Object.fromEntries(KEPT.map((k) => [k, s[k]])));
    await setMeta("surveys", { at: new Date().toISOString(), user_id: session.user.id, surveys });
    // A running kiosk follows its wave's times (a supervisor may extend it).
    const current = state && surveys.find((s) => s.id === state.survey.id);
    if (current && current.closes_at !== state.survey.closes_at) {
      state = { ...state, survey: current };
      await setMeta("kiosk", state);
    }
    return true;
  } catch {
    return false;
  }
}

// In the page only: after each sync that got through, the list follows the server.
if (typeof window !== "undefined") {
  onSyncChange((s, event) => {
    if (event === "synced" && s.phase === "idle") refreshSurveys();
  });
}

// --- The password: checked by the server at the start where it can be, kept as a PBKDF2 hash for the exit

const bytes = (text) => new TextEncoder().encode(text);
const toBase64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(secret, salt, iterations) {
  const key = await crypto.subtle.importKey("raw", bytes(secret), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256),
  );
}

/** A verifier of `secret`: {salt, iterations, hash} (base64), never the secret itself. */
export async function makeVerifier(secret, iterations = PBKDF2_ITERATIONS) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return {
    kdf: "PBKDF2-SHA-256",
    salt: toBase64(salt),
    iterations,
    hash: toBase64(await derive(secret, salt, iterations)),
  };
}

/** Whether `secret` matches a verifier (every byte compared, whatever the first difference). */
export async function matches(verifier, secret) {
  if (!verifier || typeof secret !== "string" || !secret) return false;
  const expected = fromBase64(verifier.hash);
  const got = await derive(secret, fromBase64(verifier.salt), verifier.iterations);
  let diff = expected.length ^ got.length;
  for (let i = 0; i < expected.length; i += 1) diff |= expected[i] ^ (got[i] ?? 0);
  return diff === 0;
}

/**
 * Check the officer's password with the server: "ok", "wrong", "throttled" or "offline" (no answer: the caller
 * decides). The kiosk starts only with a password the server accepted, or — without signal — one typed twice.
 */
export async function checkPasswordOnline(password) {
  if (!navigator.onLine) return "offline";
  try {
    await api("POST", "/kiosk/password", { password });
    return "ok";
  } catch (error) {
    if (error.kind === "network" || error.kind === "server") return "offline";
    if (error.status === 429) return "throttled";
    if (error.code === "invalid_credentials") return "wrong";
    // The session itself is refused (expired, revoked): the server cannot vouch for the password now.
    return "offline";
  }
}

/** Start the kiosk for `survey` (an entry of openSurveys), keeping only a hash of the officer's password. */
export async function startKiosk(survey, password) {
  const value = {
    survey,
    user_id: getSession()?.user?.id ?? null,
    started_at: new Date().toISOString(),
    verifier: await makeVerifier(password),
    failures: 0,
    wait_until: null,
  };
  await setMeta("kiosk", value);
  state = value;
  return value;
}

/**
 * The one check that lets the officer leave the kiosk: the password given at the start. Issue 15 (the device lock)
 * extends it here with the PIN — every way out goes through this function.
 */
export async function verifyExit(secret) {
  return matches(state?.verifier, secret);
}

/** How long the next try must wait (ms), 0 when it may go now. */
export const exitWait = (now = Date.now()) =>
  Math.max(0, state?.wait_until ? new Date(state.wait_until).getTime() - now : 0);

/**
 * Try to leave: "left" (the kiosk is over), "wrong" (counted) or "wait" (too many wrong tries: exitWait() says how
 * long). The count and the wait are stored: a reload does not reset them.
 */
export async function tryExit(secret) {
  if (!state) return "left";
  if (exitWait() > 0) return "wait";
  if (await verifyExit(secret)) {
    await tx(["meta"], "readwrite", ({ meta }) => meta.delete("kiosk"));
    state = null;
    return "left";
  }
  const failures = (state.failures || 0) + 1;
  const over = failures - FREE_TRIES;
  const waitMs = over >= 0 ? Math.min(WAIT_MAX_MS, WAIT_BASE_MS * 2 ** over) : 0;
  state = { ...state, failures, wait_until: waitMs ? new Date(Date.now() + waitMs).toISOString() : null };
  await setMeta("kiosk", state);
  return "wrong";
}

// --- Answers

/** Queue one respondent's answers for upload (a `survey_response.create` in the outbox); the response's id.
 * `answered_at` is the time the resident sent them: the server takes a late upload (after the wave closed) when
 * they were answered while it was open (SPEC §7 kiosk; a school evening on the last day is not lost). */
export async function queueResponse(answers) {
  const id = uuid();
  const userId = state?.user_id ?? getSession()?.user?.id;
  const data = { survey_id: state.survey.id, answers, answered_at: new Date().toISOString() };
  await queueCreate(RESPONSE_KIND, id, data, userId);
  return id;
}
