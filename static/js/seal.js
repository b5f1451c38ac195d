// Sealing for a recipient's public key (issue 15 item 4): what the phone writes so that only someone else can read
// it. ECDH P-256 with a fresh ephemeral key per box, the shared secret through HKDF-SHA-256 (salt: the ephemeral
// point ‖ the recipient's point, info: what the box is for) into an AES-256-GCM key; all WebCrypto.
//
// Two uses:
// - outbox entries sealed for the SERVER at save time (sealForServer): {"v": 1, kid, epk, iv, ct} holding
//   {"token", "mutation"}. A locked phone's service worker posts them to /api/v1/sync/sealed without being able to
//   read them; nothing on the phone can (fieldlog/sync/sealed.py opens them).
// - the server's answers to those uploads, sealed by the worker for the phone's own INBOX key (sealForInbox): its
//   public half is stored plain, its private half sealed under the data key, so the answers wait unreadable until
//   the officer unlocks, and the page opens them (openInbox).
import { config } from "./config.js";

export const PUSH_INFO = "fieldlog sealed push v1";
export const ANSWER_INFO = "fieldlog sealed answer v1";
const CURVE = { name: "ECDH", namedCurve: "P-256" };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBase64Url(bytes) {
  let text = "";
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) text += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

const concat = (a, b) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** The AES-GCM key of a box between an ephemeral point `epk` and a recipient's point (raw, uncompressed). */
async function boxKey(privateKey, publicKey, epk, recipientPoint, info, usage) {
  const shared = await crypto.subtle.deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256);
  const base = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: concat(epk, recipientPoint), info: encoder.encode(info) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

/** Seal a JSON value for the recipient's point (Uint8Array, 65 bytes): {epk, iv, ct}, base64url. */
export async function sealTo(recipientPoint, value, info) {
  const recipient = await crypto.subtle.importKey("raw", recipientPoint, CURVE, false, []);
  const own = await crypto.subtle.generateKey(CURVE, false, ["deriveBits"]);
  const epk = new Uint8Array(await crypto.subtle.exportKey("raw", own.publicKey));
  const key = await boxKey(own.privateKey, recipient, epk, recipientPoint, info, "encrypt");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, encoder.encode(JSON.stringify(value)));
  return { epk: toBase64Url(epk), iv: toBase64Url(iv), ct: toBase64Url(ct) };
}

/** Open a box sealed by sealTo for `recipientPoint`, with its private key (an ECDH CryptoKey). */
export async function openBox(privateKey, recipientPoint, box, info) {
  const epk = fromBase64Url(box.epk);
  const peer = await crypto.subtle.importKey("raw", epk, CURVE, false, []);
  const key = await boxKey(privateKey, peer, epk, recipientPoint, info, "decrypt");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64Url(box.iv) }, key, fromBase64Url(box.ct));
  return JSON.parse(decoder.decode(plain));
}

/** The server's sealing key from the app's config ({kid, key}), or null (a server without one). */
export function serverKey() {
  const sealed = config().sealed;
  return sealed?.kid && sealed?.key ? sealed : null;
}

let serverPoint = null;
/** An envelope for /api/v1/sync/sealed: the token and the mutation exactly as the page would push it. */
export async function sealForServer(token, mutation) {
  const key = serverKey();
  if (!key) return null;
  if (serverPoint?.kid !== key.kid) serverPoint = { kid: key.kid, point: fromBase64Url(key.key) };
  return { v: 1, kid: key.kid, ...(await sealTo(serverPoint.point, { token, mutation }, PUSH_INFO)) };
}

/** A new inbox key pair: {publicKey: base64url point (stored plain), privateJwk (to be stored sealed)}. */
export async function newInbox() {
  const pair = await crypto.subtle.generateKey(CURVE, true, ["deriveBits"]);
  const point = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return { publicKey: toBase64Url(point), privateJwk: await crypto.subtle.exportKey("jwk", pair.privateKey) };
}

/** Seal a value for the phone's inbox (the worker: a server's answer while locked). */
export const sealForInbox = (inboxPublic, value) => sealTo(fromBase64Url(inboxPublic), value, ANSWER_INFO);

/** Open an inbox box with the private key's JWK (the page, unlocked). */
export async function openInbox(inbox, box) {
  const key = await crypto.subtle.importKey("jwk", inbox.privateJwk, CURVE, false, ["deriveBits"]);
  return openBox(key, fromBase64Url(inbox.publicKey), box, ANSWER_INFO);
}
