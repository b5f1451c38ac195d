// The outbox: every change to a synced record (a visit, an activity) is a record here, written in the same IndexedDB
// transaction as the record itself, before anything else happens. Records leave the outbox only when the server has
// answered them (or the officer chose to discard one that needs attention) — never silently.
//
// An outbox record: {seq, mutation_id, type, record_id, base_rev, data, user_id, state, sent, error, server}
//   type "<kind>.upsert" or "<kind>.delete", kind a record type the server declares (config.js: visit, activity);
//        or "<kind>.create" for a record kept only here until uploaded (survey_response: the kiosk, queueCreate)
//   state "pending"   waiting to upload; `sent` once it went out in a push (then frozen: same id, same payload)
//   state "attention" rejected (error) or conflict (server copy): the officer decides
//   envelope          the entry sealed for the server (seal.js: the token and exactly what the page would push), so
//                     that the service worker can upload it while the app is locked; kept plain (storage.js) — it is
//                     ciphertext nothing on the phone can open. `sealed_as`: a digest of what it was sealed from
//   locked            "sent" / "answered": the worker uploaded it while locked (plain; then frozen like `sent`)
import { config } from "./config.js";
import { sealForServer, serverKey } from "./seal.js";
import { getSession } from "./session.js";
import { req, summariseAll, tx, uuid } from "./storage.js";

// The phone's store of each record type; every change of any type goes through the one outbox.
export const STORES = { visit: "visits", activity: "activities" };
const ALL = [...Object.values(STORES), "outbox"];
export const kindOf = (type) => type.split(".")[0];
// A type with no store of its own on the phone (a kiosk's survey response: `<kind>.create`, kept only in the outbox
// until uploaded) has no record to read or update: null.
const storeOf = (stores, type) => stores[STORES[kindOf(type)]] || null;
const getRecord = (stores, type, id) => {
  const store = storeOf(stores, type);
  return store ? req(store.get(id)) : null;
};

// A type's wire fields and their defaults are the server's (its input schema, via config.js), never a list here.
export const wireFields = (kind = "visit") => config()[kind].fields;

const listeners = new Set();
export const onOutboxChange = (fn) => listeners.add(fn);
// kind: "local" (the officer changed something: sync soon) or "sync" (results applied)
const changed = (kind = "local") => listeners.forEach((fn) => fn(kind));

export function wireData(record, kind = "visit") {
  const data = {};
  for (const k of wireFields(kind)) data[k] = record[k] === undefined ? null : record[k];
  return data;
}

/** A local record from the server's copy (pull, conflict). `userId`: the signed-in user whose copy this is. */
export function fromServer(data, userId, kind = "visit") {
  const record = {
    ...wireData(data, kind),
    id: data.id,
    rev: data.rev,
    deleted: !!data.deleted,
    user_id: userId,
    sync: "synced",
    base: { ...wireData(data, kind), rev: data.rev },
  };
  if (kind === "visit") {
    Object.assign(record, {
      flag: data.flag || null,
      on_site: data.on_site ?? null,
      distance_m: data.distance_m ?? null,
    });
  } else {
    // Who logged it (an area's planned activity may be someone else's: then the phone only shows it).
    record.officer = data.officer ?? null;
  }
  return record;
}

/** A new record of this officer: the given fields, the server's defaults for the rest. */
export function newRecord(kind, fields, userId) {
  const { defaults } = config()[kind];
  const record = { id: uuid() };
  for (const k of wireFields(kind)) {
    const given = fields[k] ?? defaults[k] ?? null;
    record[k] = Array.isArray(given) ? [...given] : given;
  }
  return { ...record, rev: 0, deleted: false, flag: null, user_id: userId, sync: "pending", base: null };
}

export const newVisit = (fields, userId) => newRecord("visit", fields, userId);

const encoder = new TextEncoder();
/** A short digest of what an envelope was sealed from (SHA-256, 16 bytes, hex): tells whether to seal anew. */
async function digest(text) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return [...hash.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Sent: by the page (`sent`) or by the worker while the app was locked (`locked`) — either way the server may have it,
// so the entry is frozen (same id, same payload) until its answer comes.
const isSent = (e) => e.sent || !!e.locked;

/**
 * The one place outbox entries are sealed for the server (issue 15 item 4), run at the end of every transaction that
 * writes entries, for the records whose entries it wrote. Per record, in order: the first entry still to upload gets
 * an envelope of exactly the mutation the page would push for it — its base_rev the record's rev now, as takeBatch
 * would freeze it, or the one already frozen —, sealed anew when the mutation, the token or the server's key changed;
 * every later entry of the record has none (its base_rev is the rev the one before returns, unknown until then; it
 * waits for the unlock), nor has any of a record with an entry needing attention, nor another user's.
 * One the worker sent while locked keeps its envelope as it went.
 */
async function sealEntries(stores, recordIds, grouped = null) {
  const { outbox } = stores;
  const session = getSession();
  const key = serverKey();
  const token = session && !session.needs_sign_in ? session.token : null;
  for (const id of new Set(recordIds)) {
    // `grouped`: the entries of each record in seq order, when the caller has read them all already.
    const entries = grouped ? grouped.get(id) || [] : await req(outbox.index("record_id").getAll(id));
    const blocked = entries.some((e) => e.state === "attention");
    let first = !blocked;
    for (const e of entries) {
      if (e.locked) {
        first = false;
        continue;
      }
      let want = null;
      if (first && e.state === "pending" && token && key && e.user_id === session.user.id) {
        if (!e.sent) {
          const record = await getRecord(stores, e.type, id);
          e.base_rev = record && record.rev ? record.rev : null;
        }
        want = await digest(JSON.stringify([key.kid, token, mutationOf(e)]));
      }
      first = false;
      if (want && e.envelope && e.sealed_as === want) continue;
      if (!want && !e.envelope) continue;
      if (want) {
        e.envelope = await sealForServer(token, mutationOf(e));
        e.sealed_as = want;
      } else {
        delete e.envelope;
        delete e.sealed_as;
      }
      outbox.put(e);
    }
  }
}

/** Bring every entry's envelope up to date (after an unlock, a new sign-in, a sync): sealEntries on all records. */
export function sealOutbox() {
  if (!getSession() || !serverKey()) return Promise.resolve();
  return tx(
    ALL,
    "readwrite",
    async (stores) => {
      const grouped = new Map();
      for (const e of await req(stores.outbox.getAll())) {
        if (!grouped.has(e.record_id)) grouped.set(e.record_id, []);
        grouped.get(e.record_id).push(e);
      }
      if (!grouped.size) return;
      // The records read at once (their revs), not one small read each.
      for (const name of Object.values(STORES)) await req(stores[name].getAll());
      await sealEntries(stores, [...grouped.keys()], grouped);
    },
    "strict",
  );
}

function syncState(entries) {
  if (entries.some((e) => e.state === "attention")) return "attention";
  return entries.length ? "pending" : "synced";
}

/** Save a record (new or changed) and its upsert in one transaction. A change supersedes an attention entry. */
export async function saveRecord(kind, visit) {
  const upsert = `${kind}.upsert`;
  const saved = await tx(
    [STORES[kind], "outbox"],
    "readwrite",
    async (stores) => {
      const { outbox } = stores;
      const visits = stores[STORES[kind]];
      const entries = await req(outbox.index("record_id").getAll(visit.id));
      const data = wireData(visit, kind);
      const kept = [];
      for (const e of entries) {
        if (e.state === "attention") outbox.delete(e.seq);
        else kept.push(e);
      }
      const open = kept.find((e) => !isSent(e) && e.type === upsert);
      if (open) {
        // Never sent: the same mutation can carry the newer data.
        open.data = data;
        outbox.put(open);
      } else {
        const entry = {
          mutation_id: uuid(),
          type: upsert,
          record_id: visit.id,
          base_rev: null,
          data,
          user_id: visit.user_id,
          state: "pending",
          sent: false,
          created_at: new Date().toISOString(),
        };
        entry.seq = await req(outbox.add(entry));
        kept.push(entry);
      }
      // Server-owned fields come from the stored copy: a sync may have moved them while the form was open.
      const current = await req(visits.get(visit.id));
      const record = { ...visit, sync: syncState(kept) };
      if (current) Object.assign(record, { rev: current.rev, base: current.base, flag: current.flag ?? null });
      visits.put(record);
      await sealEntries(stores, [visit.id]);
      return record;
    },
    "strict",
  );
  changed();
  return saved;
}

export const saveVisit = (visit) => saveRecord("visit", visit);

/** Queue the create of a record the phone keeps nowhere else (a kiosk's survey response): one `<kind>.create`
 * mutation, `record_id` the record's id, sent once like any other. */
export async function queueCreate(kind, recordId, data, userId) {
  await tx(
    ["outbox"],
    "readwrite",
    async (stores) => {
      await req(
        stores.outbox.add({
          mutation_id: uuid(),
          type: `${kind}.create`,
          record_id: recordId,
          base_rev: null,
          data,
          user_id: userId,
          state: "pending",
          sent: false,
          created_at: new Date().toISOString(),
        }),
      );
      await sealEntries(stores, [recordId]);
    },
    "strict",
  );
  changed();
}

/** Delete an own record: a tombstone mutation, or nothing at all if the server never saw it. */
export async function deleteRecord(kind, id) {
  await tx(
    [STORES[kind], "outbox"],
    "readwrite",
    async (stores) => {
      const { outbox } = stores;
      const visits = stores[STORES[kind]];
      const visit = await req(visits.get(id));
      if (!visit) return;
      const entries = await req(outbox.index("record_id").getAll(id));
      const sent = entries.filter((e) => isSent(e) && e.state === "pending");
      for (const e of entries) if (!(isSent(e) && e.state === "pending")) outbox.delete(e.seq);
      if (!visit.rev && !sent.length) {
        visits.delete(id);
        return;
      }
      outbox.add({
        mutation_id: uuid(),
        type: `${kind}.delete`,
        record_id: id,
        base_rev: null,
        data: null,
        user_id: visit.user_id,
        state: "pending",
        sent: false,
        created_at: new Date().toISOString(),
      });
      visits.put({ ...visit, deleted: true, sync: "pending" });
      await sealEntries(stores, [id]);
    },
    "strict",
  );
  changed();
}

export const deleteVisit = (id) => deleteRecord("visit", id);

/** The officer's choice for an entry that needs attention: "server" (take theirs), "mine" (keep mine), "discard". */
export async function resolve(seq, choice) {
  await tx(
    ALL,
    "readwrite",
    async (stores) => {
      const { outbox } = stores;
      const entry = await req(outbox.get(seq));
      if (!entry || entry.state !== "attention") return;
      const kind = kindOf(entry.type);
      const visits = storeOf(stores, entry.type);
      const visit = await getRecord(stores, entry.type, entry.record_id);
      outbox.delete(seq);
      // A store-less entry (a survey response) is only itself: discarding it is all there is.
      if (!visits) return;
      const rest = (await req(outbox.index("record_id").getAll(entry.record_id))).filter((e) => e.seq !== seq);
      if (choice === "server" && entry.server) {
        if (entry.server.deleted) visits.delete(entry.record_id);
        else visits.put({ ...fromServer(entry.server, visit?.user_id ?? entry.user_id, kind), sync: syncState(rest) });
      } else if (choice === "mine" && entry.server && visit) {
        // Re-send my version on top of the server's current revision, under a new mutation id.
        const mine = {
          mutation_id: uuid(),
          type: entry.type,
          record_id: entry.record_id,
          base_rev: entry.server.rev,
          data: entry.data,
          user_id: entry.user_id,
          state: "pending",
          sent: false,
          created_at: new Date().toISOString(),
        };
        mine.seq = await req(outbox.add(mine));
        visits.put({ ...visit, rev: entry.server.rev, sync: syncState([...rest, mine]) });
      } else if (visit) {
        // Discard: back to what the server last acknowledged, or gone if it never had it.
        if (visit.base) {
          visits.put({ ...visit, ...visit.base, deleted: false, sync: syncState(rest) });
        } else if (!rest.length) {
          visits.delete(entry.record_id);
        } else {
          visits.put({ ...visit, sync: syncState(rest) });
        }
      }
      await sealEntries(stores, [entry.record_id]);
    },
    "strict",
  );
  changed();
}

// What counts() needs of an outbox entry; storage.js keeps it per entry, so that a count after a save opens only the
// entry that save wrote (1,000 saves in a row had re-opened the whole outbox after each).
const countable = (e) => ({
  user_id: e.user_id,
  attention: e.state === "attention",
  kind: kindOf(e.type),
  id: e.record_id,
});

/** Counts for the status line: waiting (pending), attention, of this user. */
export async function counts(userId) {
  const all = await summariseAll("outbox", countable);
  let waiting = 0;
  let attention = 0;
  const records = {}; // kind -> ids of records with something not uploaded (what signing out would leave behind)
  for (const e of all) {
    if (e.user_id !== userId) continue;
    if (e.attention) attention += 1;
    else waiting += 1;
    (records[e.kind] ||= new Set()).add(e.id);
  }
  const byKind = Object.fromEntries(Object.entries(records).map(([kind, ids]) => [kind, ids.size]));
  return { waiting, attention, byKind };
}

export const attentionEntries = async (userId) =>
  (await tx(["outbox"], "readonly", ({ outbox }) => req(outbox.getAll()))).filter(
    (e) => e.state === "attention" && e.user_id === userId,
  );

/**
 * Take the next batch to push (at most `size`): sent-but-unanswered entries first as they were, then new ones, at
 * most one per record (the next change of a record needs the rev the previous one returns). Marks them sent, with
 * their base_rev frozen, in the same transaction — so a retry resends exactly the same mutations.
 */
export function takeBatch(size, userId) {
  return tx(
    ALL,
    "readwrite",
    async (stores) => {
      const { outbox } = stores;
      const all = await req(outbox.getAll());
      const blocked = new Set(all.filter((e) => e.state === "attention").map((e) => e.record_id));
      const inBatch = new Set();
      const batch = [];
      for (const e of all) {
        if (batch.length >= size) break;
        if (e.user_id !== userId || e.state !== "pending") continue;
        if (blocked.has(e.record_id) || inBatch.has(e.record_id)) continue;
        inBatch.add(e.record_id);
        batch.push(e);
      }
      // Not frozen yet; one the worker sent while locked went with the base_rev it was sealed with (sealEntries).
      const fresh = batch.filter((e) => !isSent(e));
      const found = await Promise.all(fresh.map((e) => getRecord(stores, e.type, e.record_id)));
      fresh.forEach((e, i) => {
        e.base_rev = found[i] && found[i].rev ? found[i].rev : null;
        e.sent = true;
        outbox.put(e);
      });
      return batch;
    },
    "strict",
  );
}

export function mutationOf(e) {
  const m = { mutation_id: e.mutation_id, type: e.type, record_id: e.record_id, base_rev: e.base_rev };
  if (!e.type.endsWith(".delete")) m.data = e.data;
  return m;
}

/** Apply a push's results (one per mutation, in order) in one transaction. */
export async function applyResults(batch, results) {
  await tx(
    ALL,
    "readwrite",
    async (stores) => {
      const { outbox } = stores;
      const all = await req(outbox.getAll());
      const byRecord = new Map();
      for (const e of all) {
        if (!byRecord.has(e.record_id)) byRecord.set(e.record_id, []);
        byRecord.get(e.record_id).push(e);
      }
      const answered = new Map(); // record id -> [batch entry, result]
      batch.forEach((entry, i) => {
        const result = results[i];
        if (!result || result.mutation_id !== entry.mutation_id) return;
        const list = byRecord.get(entry.record_id) || [];
        const stored = list.find((e) => e.seq === entry.seq);
        if (!stored) return;
        if (result.status === "applied") {
          outbox.delete(entry.seq);
          list.splice(list.indexOf(stored), 1);
        } else {
          Object.assign(stored, {
            state: "attention",
            reason: result.status,
            error: result.error || null,
            server: result.server || null,
          });
          for (const field of ["envelope", "sealed_as", "locked"]) delete stored[field];
          outbox.put(stored);
        }
        answered.set(entry.record_id, [entry, result]);
      });
      const ids = [...answered.keys()];
      const found = await Promise.all(ids.map((id) => getRecord(stores, answered.get(id)[0].type, id)));
      for (const [i, id] of ids.entries()) {
        const [entry, result] = answered.get(id);
        const visits = storeOf(stores, entry.type);
        const visit = found[i];
        if (!visit) continue;
        const list = byRecord.get(id) || [];
        if (result.status === "applied") {
          if (entry.type.endsWith(".delete") && !list.length) {
            visits.delete(id);
            continue;
          }
          visit.rev = result.rev;
          if (entry.type.endsWith(".upsert")) {
            visit.base = { ...entry.data, rev: result.rev };
            // An edit clears a supervisor's flag (SPEC §3 rule 4).
            if (entry.base_rev && visit.flag) visit.flag = null;
          }
        }
        visit.sync = syncState(list);
        visits.put(visit);
      }
      // The next entry of each answered record is first now (and knows its base_rev): sealed for the worker.
      await sealEntries(stores, ids, byRecord);
    },
    // Not "strict": if this write is lost in a crash, the same mutations go again and the server answers the same.
    "relaxed",
  );
  changed("sync");
}

/** A whole batch that cannot go (e.g. one mutation alone is too large): each needs the officer's attention. */
export async function markAttention(batch, error) {
  await tx(ALL, "readwrite", async (stores) => {
    const { outbox } = stores;
    for (const e of batch) {
      const entry = { ...e, state: "attention", reason: "rejected", error };
      for (const field of ["envelope", "sealed_as", "locked"]) delete entry[field];
      outbox.put(entry);
      const visit = await getRecord(stores, e.type, e.record_id);
      if (visit) storeOf(stores, e.type).put({ ...visit, sync: "attention" });
    }
  });
  changed("sync");
}
