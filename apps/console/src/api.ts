/**
 * The console's API access: `@openkms/client`'s KmsClient on the page's own origin (the console is served by the KMS,
 * so no CORS is involved), signing every request with the signed-in credential. Errors become `{ code, message }` for
 * display: the API's error code when the server answered one.
 */
import { isKmsApiError, isKmsNetworkError, KmsClient } from "@openkms/client";
import type { Credential } from "./session.js";

export type Kms = KmsClient;

export function createKms(c: Credential): KmsClient {
  return new KmsClient({
    endpoint: location.origin,
    secretId: c.secretId,
    secretKey: c.secretKey,
    // Bound here: a `fetch` called as a method of another object throws "Illegal invocation" in browsers.
    fetch: (input, init) => globalThis.fetch(input, init),
    retry: { maxAttempts: 3 },
    timeoutMs: 30_000,
  });
}

export interface ShownError {
  /** The API's error code (`ResourceUnavailable.CmkDisabled`), or `NetworkError` / `Error`. */
  code: string;
  message: string;
  requestId?: string;
}

export function toShownError(e: unknown): ShownError {
  if (isKmsApiError(e)) {
    const prefix = `${e.action}: ${e.code}: `;
    return { code: e.code, message: e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message, requestId: e.requestId };
  }
  if (isKmsNetworkError(e)) return { code: "NetworkError", message: e.message };
  return { code: (e as Error)?.name || "Error", message: (e as Error)?.message ?? String(e) };
}
