// IndexedDB: the phone's copy of hot spots, own visits and activities (own, and the area's planned ones), the outbox
// of changes waiting to upload, and meta (session, pull cursor, cached hot spot status). Only IndexedDB requests are
// awaited inside a transaction.
//
// Everything is stored sealed (cipher.js, issue 15): a record is {<key path>: key, iv, ct}, a meta value {iv, ct};
// only the lock's own record (meta "lock": salt, wrapped keys, failed tries) and the outbox's sequence counter are
// plain. WebCrypto is asynchronous and may not be awaited inside an IndexedDB transaction, so tx() works on a
// snapshot: one readonly transaction reads the stores, they are opened outside it, the body runs on in-memory stores
// with IndexedDB's own methods, and its writes are sealed and stored in one readwrite transaction. Writers take one
// lock (navigator.locks, shared with other tabs and the service worker), so no write is lost between the two.
import { LockedError, hasKey, isSealed, onKeyChange, seal, unseal } from "./cipher.js";

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
// modules.
if (typeof window !== "undefined") openDb().catch(() => undefined);
// In the service worker (which imports this module): the active worker opens it as it starts. After a browser restart
// the browser starts the worker for a navigation to the app — even one its static route answers from the cache
// (sw.js) — in a process of its own, well before the page runs this module, and the open (asynchronous: nothing
// waits for it) brings the origin's IndexedDB up from disk, the slowest part of a cold start (bench/cold_start.py).
// Only the active worker: the pages it serves open the same version, while a new worker's install must never open
// (and so upgrade) the database under a page still running.
else if (typeof self !== "undefined" && "clients" in self && self.serviceWorker?.state === "activated") {
  openDb().catch(() => undefined);
}

/**
 * A request as a promise. Awaiting it inside `rawTx` keeps the transaction alive (microtasks). The snapshot stores of
 * tx() answer at once: their answer is taken as it is.
 */
export function req(request) {
  if (!(request instanceof IDBRequest)) return Promise.resolve(request);
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Run `body(stores)` in one IndexedDB transaction over `names`, on the stored (sealed) values; resolves with its
 * result once the transaction has committed.
 */
export async function rawTx(names, mode, body, durability = "default") {
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

// --- Sealed stores ---

// Meta keys stored plain: the lock's record (it must be read to unlock) and the outbox's sequence counter; and for the
// service worker's upload while locked (seal.js): the inbox's public key and the answers it sealed for it.
export const PLAIN_META = new Set(["lock", "next_seq", "inbox_public", "locked_answers"]);
// Fields kept plain beside a sealed value, for its index: the outbox's record id (a random UUID, nothing of the
// record), so that a save opens only the entries of its own record.
const PLAIN_FIELDS = { outbox: ["record_id"] };
// Fields stored only plain, beside the sealed value and not inside it, and put back on it when it is opened: an outbox
// entry's envelope (ciphertext for the server's key, seal.js) and `locked` (what the service worker did with it while
// the app was locked) — the worker, which has no data key, reads and writes them.
const PLAIN_ONLY = { outbox: ["envelope", "locked"] };
const DELETE = Symbol("delete");
// Opened values by store and key, with the IV they were opened from: a snapshot opens only what changed since. Emptied
// whenever the key changes (locking included), so nothing opened outlives the lock.
const opened = new Map();
onKeyChange(() => opened.clear());

const aadOf = (name, key) => `${name}\u0000${key}`;
const ivTag = (iv) => String.fromCharCode(...iv);
const clone = (value) => (value === undefined ? undefined : structuredClone(value));

async function openValue(name, key, stored) {
  if (name === "meta" && PLAIN_META.has(key)) return stored;
  // A value from before encryption (an app updated in place): read as it is, sealed at the next sign-in (vault.js).
  if (!isSealed(stored)) return stored;
  const aad = aadOf(name, key);
  const tag = ivTag(stored.iv);
  const hit = opened.get(aad);
  let value;
  if (hit && hit.tag === tag) value = clone(hit.value);
  else {
    value = await unseal(stored, aad);
    opened.set(aad, { tag, value: clone(value) });
  }
  for (const field of PLAIN_ONLY[name] || []) if (stored[field] !== undefined) value[field] = stored[field];
  return value;
}

async function sealValue(name, keyPath, key, value) {
  if (name === "meta" && PLAIN_META.has(key)) return value;
  const aad = aadOf(name, key);
  const only = PLAIN_ONLY[name] || [];
  const inner = only.length ? { ...value } : value;
  for (const field of only) delete inner[field];
  const sealed = await seal(inner, aad);
  opened.set(aad, { tag: ivTag(sealed.iv), value: clone(inner) });
  const stored = keyPath ? { [keyPath]: key, ...sealed } : sealed;
  for (const field of PLAIN_FIELDS[name] || []) stored[field] = value[field];
  for (const field of only) if (value[field] !== undefined) stored[field] = value[field];
  return stored;
}

/**
 * An object store of a transaction's body: IndexedDB's methods, reading what the body asks for from the database (in
 * short readonly transactions of their own) and opening (decrypting) only that — a save reads and opens its own record
 * and outbox entries, not the whole store. Reads answer promises (req() takes them as they are); writes are collected
 * for commit(). A readwrite body runs under the writers' lock, so nothing changes underneath between its reads.
 */
class SnapshotStore {
  constructor(name, info, counter) {
    this.name = name;
    this.keyPath = info.keyPath;
    this.autoIncrement = info.autoIncrement;
    this.indexes = info.indexes;
    this.entries = new Map(); // key -> {stored} or {value}: the keys known to be present
    this.known = new Set(); // keys whose state here is the answer (read, written or deleted)
    this.complete = false; // every key of the store is in `entries`
    this.cleared = false;
    this.unsorted = false;
    this.writes = new Map();
    this.counter = counter;
  }
  read(body) {
    return rawTx([this.name], "readonly", (stores) => body(stores[this.name]));
  }
  learn(keys, values) {
    keys.forEach((k, i) => {
      if (this.known.has(k)) return;
      this.known.add(k);
      this.entries.set(k, { stored: values[i] });
      this.unsorted = true;
    });
  }
  async loadAll() {
    if (this.complete) return;
    const [keys, values] = await this.read((s) => Promise.all([req(s.getAllKeys()), req(s.getAll())]));
    if (this.complete) return;
    this.learn(keys, values);
    this.complete = true;
  }
  keys() {
    if (this.unsorted) {
      // In key order, as IndexedDB answers.
      this.entries = new Map([...this.entries].sort(([a], [b]) => indexedDB.cmp(a, b)));
      this.unsorted = false;
    }
    return [...this.entries.keys()];
  }
  async open(key) {
    if (!this.known.has(key) && !this.complete) {
      const stored = await this.read((s) => req(s.get(key)));
      if (stored !== undefined) this.learn([key], [stored]);
      this.known.add(key);
    }
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (!("value" in entry)) entry.value = await openValue(this.name, key, entry.stored);
    return clone(entry.value);
  }
  get(key) {
    return this.open(key);
  }
  async getAll() {
    await this.loadAll();
    return Promise.all(this.keys().map((k) => this.open(k)));
  }
  async getAllKeys() {
    await this.loadAll();
    return this.keys();
  }
  async count() {
    await this.loadAll();
    return this.entries.size;
  }
  put(value, key) {
    const copy = clone(value);
    const k = this.keyPath ? copy[this.keyPath] : key;
    if (k === undefined || k === null) throw new DOMException("no key", "DataError");
    if (!this.entries.has(k)) this.unsorted = true;
    this.known.add(k);
    this.entries.set(k, { value: copy });
    this.writes.set(k, copy);
    return k;
  }
  add(value, key) {
    const copy = clone(value);
    let k = this.keyPath ? copy[this.keyPath] : key;
    if ((k === undefined || k === null) && this.autoIncrement) {
      k = this.counter.next;
      this.counter.next += 1;
      this.counter.changed = true;
      if (this.keyPath) copy[this.keyPath] = k;
    }
    if (this.entries.has(k)) throw new DOMException("key exists", "ConstraintError");
    return this.put(copy, k);
  }
  delete(key) {
    this.known.add(key);
    this.entries.delete(key);
    this.writes.set(key, DELETE);
  }
  clear() {
    this.entries.clear();
    this.writes.clear();
    this.known.clear();
    this.cleared = true;
    this.complete = true;
  }
  index(name) {
    const path = this.indexes[name];
    const plain = (PLAIN_FIELDS[this.name] || []).includes(path);
    const matches = (value, query) => value?.[path] !== undefined && indexedDB.cmp(value[path], query) === 0;
    const matching = async (query) => {
      if (!plain) return (await this.getAll()).filter((v) => matches(v, query));
      // A field kept plain beside the sealed value (the outbox's record id): IndexedDB's own index finds the entries,
      // and only those are opened.
      if (!this.complete) {
        const [keys, values] = await this.read((s) => {
          const index = s.index(name);
          return Promise.all([req(index.getAllKeys(query)), req(index.getAll(query))]);
        });
        this.learn(keys, values);
      }
      const keys = this.keys().filter((k) => {
        const entry = this.entries.get(k);
        return matches("value" in entry ? entry.value : entry.stored, query);
      });
      return Promise.all(keys.map((k) => this.open(k)));
    };
    return {
      getAll: matching,
      get: async (query) => (await matching(query))[0],
      count: async (query) => (await matching(query)).length,
    };
  }
}

/** The stores `names` for a body: their shape and the outbox's next sequence number (values are read when asked). */
async function snapshot(names) {
  const raw = await rawTx([...new Set([...names, "meta"])], "readonly", async (stores) => {
    const out = { info: {}, last: 0 };
    for (const n of names) {
      const s = stores[n];
      const indexes = {};
      for (const i of s.indexNames) indexes[i] = s.index(i).keyPath;
      out.info[n] = { keyPath: s.keyPath, autoIncrement: s.autoIncrement, indexes };
      if (s.autoIncrement) {
        const cursor = await req(s.openKeyCursor(null, "prev"));
        if (cursor && typeof cursor.key === "number") out.last = Math.max(out.last, cursor.key);
      }
    }
    out.nextSeq = await req(stores.meta.get("next_seq"));
    return out;
  });
  const counter = { next: Math.max(raw.nextSeq || 1, raw.last + 1), changed: false };
  const stores = {};
  for (const n of names) stores[n] = new SnapshotStore(n, raw.info[n], counter);
  return { stores, counter };
}

/** Seal a snapshot's writes and store them in one transaction. */
async function commit(snap, durability, extraMeta = {}) {
  const writes = [];
  for (const store of Object.values(snap.stores)) for (const [k, v] of store.writes) writes.push([store, k, v]);
  const extra = Object.entries(extraMeta);
  const cleared = Object.values(snap.stores).some((store) => store.cleared);
  if (!writes.length && !snap.counter.changed && !extra.length && !cleared) return;
  const stored = await Promise.all(
    writes.map(([store, k, v]) => (v === DELETE ? DELETE : sealValue(store.name, store.keyPath, k, v))),
  );
  const names = new Set(writes.map(([store]) => store.name));
  for (const store of Object.values(snap.stores)) if (store.cleared) names.add(store.name);
  if (snap.counter.changed || extra.length) names.add("meta");
  await rawTx(
    [...names],
    "readwrite",
    (stores) => {
      for (const store of Object.values(snap.stores)) if (store.cleared) stores[store.name].clear();
      writes.forEach(([store, k], i) => {
        const s = stores[store.name];
        if (stored[i] === DELETE) {
          s.delete(k);
          opened.delete(aadOf(store.name, k));
        } else if (store.keyPath) s.put(stored[i]);
        else s.put(stored[i], k);
      });
      if (snap.counter.changed) stores.meta.put(snap.counter.next, "next_seq");
      for (const [k, v] of extra) stores.meta.put(v, k);
    },
    durability,
  );
}

// One writer at a time, across tabs and the service worker (the snapshot and its commit must not interleave with
// another writer's).
let queue = Promise.resolve();
export function exclusive(fn) {
  if (typeof navigator !== "undefined" && navigator.locks) return navigator.locks.request("fieldlog-db", fn);
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Run `body(stores)` over the opened stores `names`; resolves with its result once its writes have committed (a body
 * that throws writes nothing). The stores answer IndexedDB's calls (get, getAll, put, add, delete, clear,
 * index().getAll) wrapped by req(). `durability: "strict"` for writes that must survive a crash right after (the
 * outbox). Rejects with LockedError while the app is locked.
 */
export async function tx(names, mode, body, durability = "default") {
  if (mode !== "readwrite") return body((await snapshot(names)).stores);
  return exclusive(async () => {
    const snap = await snapshot(names);
    const result = await body(snap.stores);
    await commit(snap, durability);
    return result;
  });
}

/**
 * Seal everything under a new data key (vault.js: a new device, or the first lock on an app that stored plain). What
 * cannot be opened (sealed under a key this phone no longer has) is removed. `meta` plain values written in the same
 * transaction (the lock record with the new key's wraps). Resolves with true when everything was kept.
 */
export async function reseal(newKey, plainMeta, switchKey) {
  return exclusive(async () => {
    const names = [...(await openDb()).objectStoreNames];
    let snap = await snapshot(names);
    try {
      // Everything opened under the old key (or read plain) before the key changes.
      for (const store of Object.values(snap.stores)) {
        await store.loadAll();
        for (const k of store.keys()) {
          if (!(store.name === "meta" && PLAIN_META.has(k))) store.writes.set(k, await store.open(k));
        }
      }
    } catch (error) {
      if (!(error instanceof LockedError) && error?.name !== "OperationError") throw error;
      snap = null;
    }
    switchKey(newKey);
    if (!snap) {
      await rawTx(names, "readwrite", async (stores) => {
        for (const n of names) {
          if (n !== "meta") stores[n].clear();
          else for (const k of await req(stores.meta.getAllKeys())) if (!PLAIN_META.has(k)) stores.meta.delete(k);
        }
        for (const [k, v] of Object.entries(plainMeta)) stores.meta.put(v, k);
      });
      return false;
    }
    await commit(snap, "strict", plainMeta);
    return true;
  });
}

/** A plain meta value (the lock's record), read and written as it is. */
export const getPlain = (key) => rawTx(["meta"], "readonly", ({ meta }) => req(meta.get(key)));
export const setPlain = (key, value) => rawTx(["meta"], "readwrite", ({ meta }) => req(meta.put(value, key)), "strict");

// What summarise() made of each value, by summarising function and the value's store and key, with the IV it was
// opened from. Emptied whenever the key changes (locking included), as `opened` is.
const summaries = new Map();
onKeyChange(() => summaries.clear());

/**
 * `summarise(value)` of every value of store `name`, in key order — for figures read over a whole store again and
 * again (the status line's counts, after every save). One short readonly transaction reads the stored values; only a
 * value new or rewritten since the last call (a new IV) is opened and summarised, so a read after one save opens one
 * record, not the store. `summarise` must be pure (its answers are kept). Rejects with LockedError while locked.
 */
export async function summariseAll(name, summarise) {
  const [keys, values] = await rawTx([name], "readonly", (stores) =>
    Promise.all([req(stores[name].getAllKeys()), req(stores[name].getAll())]),
  );
  let known = summaries.get(summarise);
  if (!known) summaries.set(summarise, (known = new Map()));
  const fresh = new Map();
  const out = await Promise.all(
    keys.map(async (key, i) => {
      const stored = values[i];
      const tag = isSealed(stored) ? ivTag(stored.iv) : null;
      const hit = known.get(key);
      const summary = tag !== null && hit?.tag === tag ? hit.summary : summarise(await openValue(name, key, stored));
      if (tag !== null) fresh.set(key, { tag, summary });
      return summary;
    }),
  );
  // Locked while this read ran: nothing it kept may answer (the cache was emptied with the key).
  if (!hasKey() && fresh.size) throw new LockedError();
  // Only what the store holds now: a deleted entry's summary goes.
  if (summaries.get(summarise) === known) summaries.set(summarise, fresh);
  return out;
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
