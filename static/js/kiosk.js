// The survey kiosk's state (SPEC §7, issue 13): whether this device runs the kiosk, for which survey, and how the
// officer gets out again. Its screens are views/kiosk.js. The app asks `kioskActive()` before every view: while the
// kiosk runs, nothing but the questionnaire is shown, after a reload or a restart too (the state is stored in
// IndexedDB, meta "kiosk").
//
// Leaving needs the app lock's PIN (issue 15 item 5), checked on the device, offline: `verifyExit(pin)` is the one check,
// and wrong tries count against the lock's ten (vault.js), after which only a sign-in with the password opens the
// device again — and ends the kiosk. Where the officer set up the device's passkey (fingerprint or screen lock), it
// opens the exit too (`verifyExit(PASSKEY)`), and is refused like the PIN once the ten are used up. The kiosk's state
// and answers are sealed like every record (storage.js).
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
import { checkPasskey, checkPin } from "./vault.js";

export const RESPONSE_KIND = "survey_response";

let state = null; // the stored kiosk: {survey, user_id, started_at} or null

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

// --- Leaving: the device lock's PIN (issue 15 item 5)

/** Start the kiosk for `survey` (an entry of openSurveys). No password is asked: the app lock's PIN guards the exit. */
export async function startKiosk(survey) {
  const value = { survey, user_id: getSession()?.user?.id ?? null, started_at: new Date().toISOString() };
  await setMeta("kiosk", value);
  state = value;
  return value;
}

/** verifyExit's / tryExit's argument for the device's passkey instead of a PIN (vault.checkPasskey: {ok} or {ok:
 * false, blocked}; a passkey that did not work: PasskeyError). */
export const PASSKEY = Symbol("passkey");

/**
 * The one check that lets the officer leave the kiosk: the app lock's PIN, counted against the lock's tries
 * (vault.checkPin: {ok} or {ok: false, left, blocked}; MAX_PIN_TRIES wrong ones block the device until a sign-in with
 * the password, which also ends the kiosk: endKiosk).
 */
export const verifyExit = (pin) => (pin === PASSKEY ? checkPasskey() : checkPin(pin));

/** The kiosk is over: its state leaves the device (answers not yet uploaded stay in the outbox). */
export async function endKiosk() {
  await tx(["meta"], "readwrite", ({ meta }) => meta.delete("kiosk"));
  state = null;
}

/** Try to leave with `pin` (or PASSKEY): verifyExit's answer; on {ok} the kiosk is over. */
export async function tryExit(pin) {
  if (!state) return { ok: true };
  const result = await verifyExit(pin);
  if (result.ok) await endKiosk();
  return result;
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
