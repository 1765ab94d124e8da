/**
 * What a KMS call can fail with, and which failures are worth another attempt.
 *
 * - {@link KmsApiError}: the server answered `{"Response":{"Error":{Code,Message},RequestId}}`.
 * - {@link KmsNetworkError}: no usable answer — the connection failed or timed out, the HTTP status was not 200, or
 *   the body was not a KMS envelope.
 * - An abort through the caller's `AbortSignal` rejects with the signal's reason (an `AbortError` by default) and is
 *   never retried.
 *
 * Retried: `RequestLimitExceeded` and its sub-codes (except `RequestLimitExceeded.RotateRateLimited`, a once-a-day
 * quota that a backoff cannot outwait), `InternalError`, and network errors other than HTTP 4xx. Nothing else:
 * authentication, authorization and parameter errors fail at once.
 */

/** The server's answer was an error envelope. Recognise with {@link isKmsApiError}. */
export class KmsApiError extends Error {
  override name = "KmsApiError";
  readonly kmsClientError = "api" as const;
  constructor(
    /** The API error code, e.g. `ResourceUnavailable.CmkNotFound`. */
    readonly code: string,
    message: string,
    readonly requestId: string,
    readonly action: string,
    /** Attempts made, including this one. */
    readonly attempts: number,
  ) {
    super(`${action}: ${code}: ${message}`);
  }
}

/** No usable answer from the server. `status` is the HTTP status when there was one. */
export class KmsNetworkError extends Error {
  override name = "KmsNetworkError";
  readonly kmsClientError = "network" as const;
  constructor(
    message: string,
    readonly action: string,
    readonly attempts: number,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${action}: ${message}`, options);
  }
}

/** True for a {@link KmsApiError} from any copy of this package. */
export function isKmsApiError(e: unknown): e is KmsApiError {
  return typeof e === "object" && e !== null && (e as { kmsClientError?: unknown }).kmsClientError === "api";
}

/** True for a {@link KmsNetworkError} from any copy of this package. */
export function isKmsNetworkError(e: unknown): e is KmsNetworkError {
  return typeof e === "object" && e !== null && (e as { kmsClientError?: unknown }).kmsClientError === "network";
}

/** API error codes worth retrying with backoff. */
export function isRetryableCode(code: string): boolean {
  if (code === "InternalError") return true;
  if (code === "RequestLimitExceeded.RotateRateLimited") return false;
  return code === "RequestLimitExceeded" || code.startsWith("RequestLimitExceeded.");
}

/** Should a failed attempt be tried again (attempts left permitting)? */
export function isRetryable(e: unknown): boolean {
  if (isKmsApiError(e)) return isRetryableCode(e.code);
  if (isKmsNetworkError(e)) return e.status === undefined || e.status >= 500;
  return false;
}
