/**
 * @openkms/client — typed KMS client with its own TC3 signing, retries (capped exponential backoff, full jitter) and
 * AbortSignal. `@openkms/client/tc3` holds the signing alone.
 */
export { KmsClient, API_VERSION, CLIENT_VERSION, type KmsClientOptions, type CallOptions, type RetryEvent, type KmsActionMethods, type MethodName, methodName } from "./client.js";
export { KmsApiError, KmsNetworkError, isKmsApiError, isKmsNetworkError, isRetryable, isRetryableCode } from "./errors.js";
export { DEFAULT_RETRY, backoffDelay, retryOptions, type RetryOptions } from "./backoff.js";
export { ACTION_NAMES } from "./actions.js";
export type * from "./actions.js";
