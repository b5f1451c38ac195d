// IndexedDB: the phone's copy of hot spots, own visits and activities (own, and the area's planned ones), the outbox
// of changes waiting to upload, and meta (session, pull cursor, cached hot spot status). Only IndexedDB requests are
// awaited inside a transaction.

const DB_NAME = "fieldlog";
const DB_VERSION = 2;
let dbPromise = null;

// Each version adds to the one before: a phone on version 1 keeps its outbox and visits.
function upgrade(db, from, upgrading) {
  if (from < 1) {
    db.createObjectStore("meta");
    db.createObjectStore("hotspots", { keyPath: "id" });
    const visits = db.createObjectStore("visits", { keyPath: "id" });
    visits.createIndex("started_at", "started_at");
    const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    outbox.createIndex("record_id", "record_id");
  }
  if (from < 2) {
    db.createObjectStore("activities", { keyPath: "id" });
    // A cursor from before activities would bring only later changes: the next pull starts from a snapshot.
    if (from >= 1) upgrading.objectStore("meta").delete("cursor");
  }
}

/**
 * The open database, opened on first use (idb's openDB is the model). No failure is kept: an open that fails is
 * forgotten, so the next use tries again. `blocked` (another tab holds an older version open) is no failure: the
 * open waits until that tab lets go, which ours do on `versionchange`. A connection closed under us — by a newer
 * version elsewhere (`versionchange`, we close it) or by the browser (`close`: storage cleared, disk trouble) — is
 * forgotten too, and the next use reopens.
 */
export function openDb() {
  if (dbPromise) return dbPromise;
  const opening = new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, DB_VERSION);
    open.onupgradeneeded = (event) => upgrade(open.result, event.oldVersion, open.transaction);
    open.onblocked = () => console.warn("IndexedDB: waiting for another tab to close the older version");
    open.onsuccess = () => {
      const db = open.result;
      const forget = () => {
        if (dbPromise === opening) dbPromise = null;
      };
      db.onversionchange = () => {
        db.close();
        forget();
      };
      db.onclose = forget;
      resolve(db);
    };
    open.onerror = () => reject(open.error);
  });
  dbPromise = opening;
  opening.catch(() => {
    if (dbPromise === opening) dbPromise = null;
  });
  return opening;
}

/** A transaction on the open database; once more on a fresh connection if this one was closed under us. */
async function transaction(names, mode, options) {
  const db = await openDb();
  try {
    return db.transaction(names, mode, options);
  } catch (error) {
    if (error?.name !== "InvalidStateError") throw error;
    // Closing or closed (versionchange, or the browser let go of it without telling us yet).
    if (dbPromise && (await dbPromise.catch(() => null)) === db) dbPromise = null;
    return (await openDb()).transaction(names, mode, options);
  }
}

// Open at once in the page: the first view waits for IndexedDB, so opening it overlaps with loading the other
// modules. Not in the service worker, which imports this module too: its start-up serves the offline navigation.
if (typeof window !== "undefined") openDb().catch(() => undefined);

/** A request as a promise. Awaiting it inside `tx` keeps the transaction alive (microtasks). */
export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Run `body(stores)` in one transaction over `names`; resolves with its result once the transaction has committed.
 * `durability: "strict"` for writes that must survive a crash right after (the outbox).
 */
export async function tx(names, mode, body, durability = "default") {
  const t = await transaction(names, mode, { durability });
  return new Promise((resolve, reject) => {
    const stores = Object.fromEntries(names.map((n) => [n, t.objectStore(n)]));
    let result;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error("transaction aborted"));
    Promise.resolve()
      .then(() => body(stores, t))
      .then(
        (value) => {
          result = value;
        },
        (error) => {
          try {
            t.abort();
          } catch {
            // already finished
          }
          reject(error);
        },
      );
  });
}

export const getMeta = (key) => tx(["meta"], "readonly", ({ meta }) => req(meta.get(key)));
export const setMeta = (key, value) => tx(["meta"], "readwrite", ({ meta }) => req(meta.put(value, key)));
export const getAll = (name) => tx([name], "readonly", (s) => req(s[name].getAll()));
export const getOne = (name, key) => tx([name], "readonly", (s) => req(s[name].get(key)));

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Forget what the server can give back (hot spots, synced records, cursor, status); keep everything not uploaded. */
export function clearServerCopy() {
  return tx(
    ["hotspots", "visits", "activities", "meta"],
    "readwrite",
    async ({ hotspots, visits, activities, meta }) => {
      hotspots.clear();
      meta.delete("cursor");
      meta.delete("status");
      for (const store of [visits, activities]) {
        for (const v of await req(store.getAll())) if (v.sync === "synced") store.delete(v.id);
      }
    },
  );
}
