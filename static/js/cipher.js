// The data key and the sealing of what the phone stores (issue 15): every record, the session with its token and the
// outbox are kept in IndexedDB as AES-GCM ciphertext (WebCrypto) under one random data key. The key lives only in
// memory while the app is unlocked (vault.js unwraps it from the PIN or the server's recovery key) — never in storage
// as a usable key. Nothing here touches the page: the service worker imports it too (through storage.js), and gets
// the key from an unlocked page by message, holding it only in memory (sync while locked: see README, threat model).
let dataKey = null;
const listeners = new Set();

/** Storage was used while the app is locked (no data key in memory). */
export class LockedError extends Error {
  constructor() {
    super("the app is locked");
    this.name = "LockedError";
    this.kind = "locked";
  }
}

export const hasKey = () => dataKey !== null;
export const currentKey = () => dataKey;
export const onKeyChange = (fn) => listeners.add(fn);

/** Take `key` (a non-extractable AES-GCM CryptoKey) as the data key, or null to lock. */
export function setKey(key) {
  dataKey = key || null;
  listeners.forEach((fn) => fn(dataKey));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stored value sealed by seal(): {iv, ct}. */
export const isSealed = (value) => value != null && value.ct instanceof ArrayBuffer && value.iv instanceof Uint8Array;

/**
 * Seal a JSON value: AES-GCM with a fresh 96-bit IV; `aad` (the store and key it is written under) is authenticated,
 * so that a ciphertext moved to another record does not open.
 */
export async function seal(value, aad, key = dataKey) {
  if (!key) throw new LockedError();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    key,
    encoder.encode(JSON.stringify(value)),
  );
  return { iv, ct };
}

/** Open what seal() sealed under the same `aad`. */
export async function unseal(sealed, aad, key = dataKey) {
  if (!key) throw new LockedError();
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: sealed.iv, additionalData: encoder.encode(aad) },
    key,
    sealed.ct,
  );
  return JSON.parse(decoder.decode(plain));
}

// In the service worker: an unlocked page hands over the data key (a CryptoKey, non-extractable, copied by
// postMessage) so that Background Sync can upload; a page that locks takes it back. Only our own pages can message it.
if (typeof window === "undefined" && typeof self !== "undefined" && "clients" in self) {
  self.addEventListener("message", (event) => {
    if (event.data?.type === "VAULT_KEY") setKey(event.data.key);
    else if (event.data?.type === "VAULT_LOCK") setKey(null);
  });
}
