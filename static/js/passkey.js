// The device's passkey — fingerprint, face or screen lock — as a second way to unlock (issue 15 item 1), offline.
//
// An unlock must give back the data key, and a WebAuthn assertion alone proves only that the officer is there. So
// the passkey is used through its PRF extension (CTAP2 hmac-secret): the authenticator computes HMAC(secret, salt)
// with a secret that never leaves it, and only after verifying the user. That output, through HKDF-SHA-256 (info
// PASSKEY_INFO), is the key that wraps the same data key the PIN wraps (vault.js). The PRF output is never stored:
// what the lock's record keeps is the credential id, the salt and the wrapped key, none of them secret.
//
// Where PRF does not work (no platform authenticator, a browser or authenticator without PRF, an address that is an
// IP and so no WebAuthn relying party), the option is not offered: `passkeyAvailable()` before, the extension's answer
// after `create` (an authenticator that made the credential without PRF: PasskeyError "unsupported").
export const PASSKEY_INFO = "fieldlog passkey wrap v1";
// How long the browser waits for the officer's finger or screen lock.
const TIMEOUT_MS = 120_000;

const encoder = new TextEncoder();
const random = (n) => crypto.getRandomValues(new Uint8Array(n));

/** Why a passkey step did not work: "unsupported" (no PRF here), "cancelled" (cancelled, not verified, or no such
 * credential on this device — the browser does not tell these apart), "failed" (anything else). */
export class PasskeyError extends Error {
  constructor(kind, cause) {
    super(`passkey: ${kind}`);
    this.name = "PasskeyError";
    this.kind = kind;
    this.cause = cause;
  }
}

const asPasskeyError = (error) => {
  if (error instanceof PasskeyError) return error;
  if (error?.name === "NotAllowedError" || error?.name === "AbortError") return new PasskeyError("cancelled", error);
  if (error?.name === "NotSupportedError" || error?.name === "SecurityError")
    return new PasskeyError("unsupported", error);
  return new PasskeyError("failed", error);
};

/**
 * Whether this browser may offer the passkey: a user-verifying platform authenticator, and PRF where the browser
 * says (getClientCapabilities, where present); a name for the relying party (an IP address has none).
 */
export async function passkeyAvailable() {
  try {
    if (typeof PublicKeyCredential === "undefined" || !navigator.credentials || !window.isSecureContext) return false;
    if (!location.hostname || /^[0-9.]+$|:/.test(location.hostname)) return false;
    const caps = await PublicKeyCredential.getClientCapabilities?.();
    if (caps) {
      if (caps["extension:prf"] === false) return false;
      if (caps.userVerifyingPlatformAuthenticator === false) return false;
      if (caps.userVerifyingPlatformAuthenticator === true) return true;
    }
    return (await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable?.()) === true;
  } catch {
    return false;
  }
}

/** The key that wraps the data key, from a PRF output (non-extractable; the PRF output is not kept). */
export async function passkeyWrappingKey(prfOutput, salt) {
  const base = await crypto.subtle.importKey("raw", prfOutput, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: encoder.encode(PASSKEY_INFO) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "unwrapKey"],
  );
}

const prfFirst = (credential) => {
  const first = credential?.getClientExtensionResults?.().prf?.results?.first;
  return first ? new Uint8Array(first) : null;
};

/** The PRF output of credential `id` for `salt`, asking the officer's finger or screen lock. */
export async function passkeyOutput(id, salt) {
  let credential;
  try {
    credential = await navigator.credentials.get({
      publicKey: {
        challenge: random(32), // nothing goes to a server: the PRF output is what counts, not the signature
        rpId: location.hostname,
        allowCredentials: [{ type: "public-key", id }],
        userVerification: "required",
        timeout: TIMEOUT_MS,
        extensions: { prf: { eval: { first: salt } } },
      },
    });
  } catch (error) {
    throw asPasskeyError(error);
  }
  const output = prfFirst(credential);
  if (!output) throw new PasskeyError("unsupported");
  return output;
}

/** Forget credential `id` in the browser's passkey list where it can be told (signalUnknownCredential). */
export function forgetCredential(id) {
  try {
    const credentialId = btoa(String.fromCharCode(...id))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    PublicKeyCredential.signalUnknownCredential?.({ rpId: location.hostname, credentialId })?.catch?.(() => undefined);
  } catch {
    // Nothing to do: the credential stays in the device's list, useless without the lock record's wrap.
  }
}

/**
 * Make a platform passkey for this app on this device and get its PRF output for a new random salt: {id, salt,
 * output}. The user id is random (nothing of the officer's goes to the authenticator). Without PRF: PasskeyError
 * "unsupported" (the credential made is forgotten again).
 */
export async function createPasskey(displayName) {
  const salt = random(32);
  let credential;
  try {
    credential = await navigator.credentials.create({
      publicKey: {
        rp: { id: location.hostname, name: "fieldlog" },
        user: { id: random(16), name: displayName, displayName },
        challenge: random(32),
        pubKeyCredParams: [
          { type: "public-key", alg: -7 },
          { type: "public-key", alg: -257 },
        ],
        authenticatorSelection: {
          authenticatorAttachment: "platform",
          userVerification: "required",
          residentKey: "discouraged",
        },
        timeout: TIMEOUT_MS,
        extensions: { prf: { eval: { first: salt } } },
      },
    });
  } catch (error) {
    throw asPasskeyError(error);
  }
  const id = new Uint8Array(credential.rawId);
  const prf = credential.getClientExtensionResults?.().prf;
  if (!prf?.enabled && !prf?.results?.first) {
    forgetCredential(id);
    throw new PasskeyError("unsupported");
  }
  // Some authenticators evaluate PRF only on `get`: then one more touch right away.
  const output = prfFirst(credential) || (await passkeyOutput(id, salt));
  return { id, salt, output };
}
