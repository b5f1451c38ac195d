// Sync with the server (SPEC §3): push the outbox in batches, then pull changes page by page, then hot spot status.
// One sync at a time (navigator.locks, across tabs and the service worker). 401 pauses sync and asks for sign-in,
// dropping nothing; network failures and 503 back off exponentially.
//
// The same module runs in the page and in the service worker (D2: Background Sync pushes the outbox with no page
// open): nothing here may touch `window` or `document` outside startTriggers(), which only the page calls.
//
// While the app is locked the worker has no data key and reads nothing: it uploads the outbox entries' envelopes,
// sealed for the server at save time (outbox.js, seal.js), through /sync/sealed, and keeps each answer sealed for the
// phone's inbox key; the page opens those answers after the unlock and applies them as its own push's (pushSealed,
// openLockedAnswers).
import {
  STORES,
  applyResults,
  counts,
  fromServer,
  markAttention,
  mutationOf,
  onOutboxChange,
  sealOutbox,
  takeBatch,
} from "./outbox.js";
import { ApiError, api } from "./api.js";
import { LockedError, currentKey, hasKey } from "./cipher.js";
import { newInbox, openInbox, sealForInbox } from "./seal.js";
import { getSession, loadSession, onSessionChange, updateSession } from "./session.js";
import { clearServerCopy, exclusive, getMeta, getPlain, rawTx, req, setMeta, setPlain, tx, uuid } from "./storage.js";

export const MAX_BATCH = 500;
const PULL_LIMIT = 500;
const TIMER_MS = 60_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;

export const state = {
  phase: "idle", // idle | pushing | pulling | offline | auth | retrying
  done: 0,
  total: 0,
  waiting: 0,
  attention: 0,
  lastSyncAt: null,
  authCode: null,
};

const listeners = new Set();
export const onSyncChange = (fn) => listeners.add(fn);
function emit(patch = {}) {
  Object.assign(state, patch);
  listeners.forEach((fn) => fn(state));
}

// The session's sign-in state is the sync's too: paused (auth) while the officer must sign in again.
onSessionChange((value) => {
  state.authCode = value?.needs_sign_in || null;
  if (state.authCode) state.phase = "auth";
  else if (state.phase === "auth") state.phase = "idle";
});
const userId = () => getSession().user.id;

// One read of the counts at a time, at once when nothing is being read. Asks that come while a read runs (saves in a
// row: 1,000 queued offline, each save asking twice) are answered together by one more read after it, which starts
// after the last of them — so the figure shown is never older than the last change asked about. Before that read the
// counting rests a while (four times as long as the last read took, at most a second), so that however many saves
// come in a row, reading the whole outbox takes at most a fifth of the phone's time.
const COUNT_REST = 4;
const COUNT_REST_MAX_MS = 1000;
let counting = null;
let countAgain = false;
function refreshCounts() {
  if (counting) {
    countAgain = true;
    return counting;
  }
  counting = (async () => {
    try {
      for (;;) {
        countAgain = false;
        const started = Date.now();
        await readCounts();
        if (!countAgain) break;
        const rest = Math.min(COUNT_REST * (Date.now() - started), COUNT_REST_MAX_MS);
        await new Promise((resolvePromise) => setTimeout(resolvePromise, rest));
      }
    } finally {
      counting = null;
    }
  })();
  return counting;
}

async function readCounts() {
  if (!getSession()) return emit({ waiting: 0, attention: 0 });
  try {
    emit(await counts(userId()));
  } catch (error) {
    // Locked meanwhile: nothing to count until the PIN.
    if (!(error instanceof LockedError)) throw error;
  }
}

/** POST one batch; {status, body} of the answer, so that push can tell "too large" and "refused" apart. */
async function postBatch(batch) {
  try {
    return { status: 200, body: await api("POST", "/sync/push", { protocol: 1, mutations: batch.map(mutationOf) }) };
  } catch (error) {
    if (error.kind !== "client") throw error;
    // Another refusal of the request as a whole than these: try again later, as for a server failure.
    if (![400, 413, 415].includes(error.status)) throw new ApiError("server", error.status, error.envelope);
    return { status: error.status, body: error.envelope ? { error: error.envelope } : null };
  }
}

async function push() {
  let size = MAX_BATCH;
  const start = await counts(userId());
  emit({ phase: "pushing", done: 0, total: start.waiting });
  for (;;) {
    const batch = await takeBatch(size, userId());
    if (!batch.length) break;
    const { status, body } = await postBatch(batch);
    if (status === 413) {
      if (size > 1) {
        size = Math.max(1, Math.floor(Math.min(size, batch.length) / 2));
        continue;
      }
      await markAttention(batch, body?.error || { code: "payload_too_large", message: "" });
      continue;
    }
    if (status !== 200 || !Array.isArray(body?.results)) {
      // A request the server refuses as a whole (a client bug): keep the mutations and show them to the officer.
      await markAttention(batch, body?.error || { code: "bad_request", message: `HTTP ${status}` });
      continue;
    }
    await applyResults(batch, body.results);
    const c = await counts(userId());
    const done = state.done + batch.length;
    emit({ ...c, done, total: done + c.waiting });
  }
}

// --- Uploads while locked (issue 15 item 4) ---

const INBOX = "inbox"; // meta, sealed under the data key: {publicKey, privateJwk}
const INBOX_PUBLIC = "inbox_public"; // meta, plain: the public key the worker seals answers for
const ANSWERS = "locked_answers"; // meta, plain: [{id, box}], each box {seqs, results} sealed for the inbox

/** The inbox key pair, made once unlocked: the private key sealed like any record, the public one plain. */
async function ensureInbox() {
  const [inbox, published] = await Promise.all([getMeta(INBOX), getPlain(INBOX_PUBLIC)]);
  if (inbox?.privateJwk && inbox.publicKey === published) return;
  const made = await newInbox();
  await setMeta(INBOX, made);
  await setPlain(INBOX_PUBLIC, made.publicKey);
}

const dropAnswer = (id) =>
  exclusive(() =>
    rawTx(
      ["meta"],
      "readwrite",
      async ({ meta }) => {
        const answers = (await req(meta.get(ANSWERS))) || [];
        meta.put(
          answers.filter((a) => a.id !== id),
          ANSWERS,
        );
      },
      "strict",
    ),
  );

/**
 * The answers the worker got while the app was locked, opened with the inbox key and applied exactly as a push's
 * (applyResults): uploaded entries leave the outbox, rejections and conflicts need attention. An answer that does not
 * open (an inbox made anew) is dropped: its entries are still in the outbox and go again in the push — same mutation
 * ids, so the server answers the same.
 */
async function openLockedAnswers() {
  const answers = await getPlain(ANSWERS);
  if (!Array.isArray(answers) || !answers.length) return;
  const inbox = await getMeta(INBOX);
  for (const answer of answers) {
    let opened = null;
    try {
      if (inbox?.privateJwk) opened = await openInbox(inbox, answer.box);
    } catch (error) {
      if (!["OperationError", "DataError", "SyntaxError", "TypeError"].includes(error?.name)) throw error;
    }
    if (opened && Array.isArray(opened.seqs) && Array.isArray(opened.results)) {
      const all = await tx(["outbox"], "readonly", ({ outbox }) => req(outbox.getAll()));
      const bySeq = new Map(all.map((e) => [e.seq, e]));
      await applyResults(
        opened.seqs.map((seq) => bySeq.get(seq) || { seq }),
        opened.results,
      );
    }
    await dropAnswer(answer.id);
  }
}

/**
 * The worker's upload while the app is locked (no data key): the entries that carry an envelope, in order, in
 * batches, to /sync/sealed; each answer sealed for the inbox and kept, the entries marked so that they go only once
 * more if their answer was lost. Resolves false when Background Sync should try again (network, 5xx); anything the
 * server refuses as a whole (401, a key it no longer has: 409, 400) waits for the page after the unlock.
 */
async function pushSealed() {
  const inboxPublic = await getPlain(INBOX_PUBLIC);
  if (typeof inboxPublic !== "string") return true;
  let size = MAX_BATCH;
  for (;;) {
    const batch = await exclusive(() =>
      rawTx(
        ["outbox"],
        "readwrite",
        async ({ outbox }) => {
          const picked = (await req(outbox.getAll())).filter((e) => e.envelope && e.locked !== "answered");
          const out = picked.slice(0, size);
          for (const e of out) {
            if (e.locked === "sent") continue;
            e.locked = "sent";
            outbox.put(e);
          }
          return out.map((e) => ({ seq: e.seq, envelope: e.envelope }));
        },
        "strict",
      ),
    );
    if (!batch.length) return true;
    let body;
    try {
      body = await api("POST", "/sync/sealed", { protocol: 1, envelopes: batch.map((b) => b.envelope) }, null);
    } catch (error) {
      if (error.kind === "network" || error.kind === "server") return false;
      if (error.status === 413 && size > 1) {
        size = Math.max(1, Math.floor(Math.min(size, batch.length) / 2));
        continue;
      }
      return true;
    }
    if (!Array.isArray(body?.results)) return true;
    const box = await sealForInbox(inboxPublic, { seqs: batch.map((b) => b.seq), results: body.results });
    await exclusive(() =>
      rawTx(
        ["outbox", "meta"],
        "readwrite",
        async ({ outbox, meta }) => {
          const answers = (await req(meta.get(ANSWERS))) || [];
          meta.put([...answers, { id: uuid(), box }], ANSWERS);
          for (const { seq } of batch) {
            const e = await req(outbox.get(seq));
            if (!e) continue;
            e.locked = "answered";
            outbox.put(e);
          }
        },
        "strict",
      ),
    );
  }
}

/** Apply one pull page and its cursor in one transaction; a reset replaces the local copy. */
function applyPage(page, userId) {
  const names = ["hotspots", ...Object.values(STORES), "meta"];
  return tx(names, "readwrite", async (stores) => {
    const { hotspots, meta } = stores;
    if (page.reset) {
      hotspots.clear();
      for (const name of Object.values(STORES)) {
        for (const v of await req(stores[name].getAll())) if (v.sync === "synced") stores[name].delete(v.id);
      }
    }
    for (const change of page.changes || []) {
      if (change.type === "hotspot") {
        if (change.deleted) hotspots.delete(change.id);
        else hotspots.put({ ...change.data, id: change.id, rev: change.rev });
        continue;
      }
      const kind = change.type;
      const records = stores[STORES[kind]];
      // A type this app version does not know yet: left for the version that does (its snapshot brings it).
      if (!records) continue;
      const local = await req(records.get(change.id));
      if (local && local.sync !== "synced") {
        // Changes of mine are waiting: keep them, remember the server's copy (and a visit's flag).
        if (change.data) {
          local.base = { ...fromServer({ ...change.data, id: change.id, rev: change.rev }, userId, kind).base };
          if (kind === "visit") local.flag = change.data.flag || null;
        }
        records.put(local);
      } else if (change.deleted) {
        records.delete(change.id);
      } else {
        records.put(fromServer({ ...change.data, id: change.id, rev: change.rev, deleted: false }, userId, kind));
      }
    }
    meta.put(page.cursor, "cursor");
  });
}

async function pullPage(query) {
  let body;
  try {
    body = await api("GET", `/sync/pull?${query}`);
  } catch (error) {
    throw error.kind === "client" ? new ApiError("server", error.status, error.envelope) : error;
  }
  if (!body) throw new ApiError("server", 200, null);
  return body;
}

async function pull() {
  emit({ phase: "pulling" });
  let cursor = await getMeta("cursor");
  for (let page = 0; page < 10_000; page += 1) {
    const query = new URLSearchParams({ limit: String(PULL_LIMIT) });
    if (cursor) query.set("cursor", cursor);
    const body = await pullPage(query);
    await applyPage(body, userId());
    cursor = body.cursor;
    if (!body.has_more) break;
  }
}

/** Per hot spot: last visit, visits and presence in 7 days — cached for offline use. */
async function fetchStatus() {
  const body = await api("GET", "/hotspots/status");
  if (!body) return;
  const list = Array.isArray(body) ? body : body.hotspots || body.statuses || body.items || [];
  const byId = {};
  if (Array.isArray(list)) for (const item of list) byId[item.id || item.hotspot_id] = item;
  else Object.assign(byId, list);
  await setMeta("status", { at: new Date().toISOString(), byId });
}

let failures = 0;
let retryTimer = null;
let again = false;
let running = false;

function scheduleRetry() {
  clearTimeout(retryTimer);
  const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** failures) * (0.5 + Math.random() / 2);
  failures += 1;
  retryTimer = setTimeout(() => syncNow("retry"), delay);
}

const inPage = typeof window !== "undefined";

/** One sync; true when it got through (or there was nothing it could do), false when it should be tried again. */
async function run() {
  const session = getSession();
  if (!session || session.needs_sign_in) return true;
  if (!navigator.onLine) {
    await refreshCounts();
    emit({ phase: "offline" });
    return false;
  }
  let ok = true;
  try {
    // What the worker uploaded while locked first (so nothing of it goes twice), then every entry sealed up to date.
    await openLockedAnswers();
    await ensureInbox();
    await sealOutbox();
    await push();
    await pull();
    emit({ phase: "idle", lastSyncAt: new Date().toISOString() });
    failures = 0;
    clearTimeout(retryTimer);
    try {
      await fetchStatus();
    } catch (error) {
      if (error.kind === "auth") throw error;
    }
  } catch (error) {
    if (error instanceof LockedError) {
      // The app locked during the sync: what was sent is marked sent (same mutations next time); go on after the PIN.
      emit({ phase: "idle" });
    } else if (error.kind === "auth") {
      // Pause; nothing is dropped. A revoked token also clears the server's copy on this phone.
      await updateSession({ needs_sign_in: error.code });
      if (error.code === "token_revoked") await clearServerCopy();
      emit({ phase: "auth", authCode: error.code });
    } else {
      // Network, 5xx, or a local failure: nothing is lost (the outbox is untouched), try again later.
      if (error.kind !== "network" && error.kind !== "server") console.error("sync failed", error);
      emit({ phase: navigator.onLine ? "retrying" : "offline" });
      ok = false;
      // In the worker, Background Sync itself retries a failed sync event, with its own backoff.
      if (inPage) scheduleRetry();
    }
  } finally {
    await refreshCounts();
    listeners.forEach((fn) => fn(state, "synced"));
  }
  return ok;
}

/**
 * The service worker's sync (Background Sync event): the signed-in session from IndexedDB, the same push and pull as
 * the page, under the same lock — so the page and the worker never push at once, and both send the outbox's own
 * mutation ids (exactly once, SPEC §3 rule 1). Throws when it must be retried, so that the browser tries again.
 */
export async function syncInWorker() {
  let session;
  try {
    if (!hasKey()) throw new LockedError();
    session = await loadSession();
  } catch (error) {
    if (!(error instanceof LockedError)) throw error;
    // No unlocked page handed the worker the key (issue 15): it uploads the entries sealed for the server, reading
    // nothing; the rest waits for the next unlock.
    const done = navigator.locks ? await navigator.locks.request("fieldlog-sync", pushSealed) : await pushSealed();
    if (!done) throw new Error("the sealed upload did not get through; Background Sync will retry");
    return;
  }
  if (!session || session.needs_sign_in) return;
  const ok = navigator.locks ? await navigator.locks.request("fieldlog-sync", run) : await run();
  if (!ok) throw new Error("sync did not get through; Background Sync will retry");
}

/** Start a sync unless one is running (then run once more after it). */
export async function syncNow() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      if (navigator.locks) await navigator.locks.request("fieldlog-sync", run);
      else await run();
    } while (again);
  } finally {
    running = false;
  }
}

/** Sync at start, on `online`, when the page becomes visible, after each save, on a timer; Background Sync extra. */
export function startTriggers() {
  window.addEventListener("online", () => {
    failures = 0;
    syncNow();
  });
  window.addEventListener("offline", () => emit({ phase: "offline" }));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  setInterval(() => {
    if (document.visibilityState === "visible") syncNow();
  }, TIMER_MS);
  onOutboxChange((kind) => {
    if (kind !== "local") return;
    refreshCounts();
    syncNow();
    requestBackgroundSync();
  });
  navigator.serviceWorker?.addEventListener("message", (event) => {
    // SYNCED: the worker uploaded in the background — read the new state (a quick sync that finds little to do).
    if (event.data?.type === "SYNC" || event.data?.type === "SYNCED") syncNow();
  });
  refreshCounts();
  syncNow();
}

async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    // The worker may have been stopped and started since the unlock: it needs the key to read the outbox.
    if (currentKey()) registration?.active?.postMessage({ type: "VAULT_KEY", key: currentKey() });
    await registration?.sync?.register("fieldlog-sync");
  } catch {
    // Background Sync is an extra; the page's own triggers do the work.
  }
}
