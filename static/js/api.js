// The API client: fetch /api/v1 with the session's bearer token; anything but a 2xx becomes one ApiError carrying
// what the error envelope says (SPEC §3: {error: {code, message, fields}}), so that callers decide by code, status
// and fields and show the officer a sentence of their own (i18n.js), never the server's English.
import { getSession } from "./session.js";

export class ApiError extends Error {
  constructor(kind, status, envelope = null) {
    super(envelope?.message || kind);
    this.name = "ApiError";
    this.kind = kind; // network | auth (401) | server (5xx) | client (another 4xx)
    this.status = status;
    this.code = envelope?.code || (kind === "network" ? "network" : null);
    this.fields = envelope?.fields || null;
    this.envelope = envelope;
  }
}

/**
 * Call the API; resolves with the parsed body of a 2xx answer (null when there is none), rejects with ApiError.
 * `token` defaults to the session's (null: send none, as for signing in).
 */
export async function api(method, path, body, token = getSession()?.token) {
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      cache: "no-store",
      headers: {
        Accept: "application/json",
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new ApiError("network", 0, { code: "network", message: String(error) });
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;
  const envelope = data?.error || null;
  if (response.status === 401) throw new ApiError("auth", 401, { ...envelope, code: envelope?.code || "unauthorized" });
  throw new ApiError(response.status >= 500 ? "server" : "client", response.status, envelope);
}
