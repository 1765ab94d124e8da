/**
 * `KmsClient`: a typed client for OpenKMS (and Tencent Cloud KMS) over HTTP(S) POST + JSON, signed with
 * TC3-HMAC-SHA256 (tc3.ts). Every action has a typed method (`client.encrypt({...})`) and `client.request(action,
 * params)`; `client.requestAny` calls actions this version does not type.
 *
 * Retries (backoff.ts, errors.ts): `RequestLimitExceeded*`, `InternalError` and network errors are tried again after a
 * capped exponential backoff with full jitter, up to `retry.maxAttempts` attempts; each attempt is signed afresh with
 * the current time. Other errors fail at once. A caller's `AbortSignal` cancels a call at any point — in flight or
 * while waiting to retry — and rejects with the signal's reason.
 *
 * Retrying a call that changes state (CreateKey, DisableKey…) after a network error can apply it twice; with a
 * throttling or InternalError answer the server did not apply it (OpenKMS checks limits before the action runs).
 */
import { ACTION_NAMES, type ActionName, type KmsActions, type KmsRequest, type KmsResponse } from "./actions.js";
import { backoffDelay, retryOptions, sleep as timerSleep, type RetryOptions } from "./backoff.js";
import { isRetryable, KmsApiError, KmsNetworkError } from "./errors.js";
import { signTc3 } from "./tc3.js";

export const API_VERSION = "2019-01-18";
export const CLIENT_VERSION = "0.1.0";

export interface KmsClientOptions {
  /** Base URL of the server: `http://127.0.0.1:8080`, `https://kms.example.com` (no path). */
  endpoint: string;
  secretId: string;
  secretKey: string;
  /** Sent as X-TC-Region when given (OpenKMS answers `UnsupportedRegion` for another region). */
  region?: string;
  /** Credential-scope service name; default `kms`. */
  service?: string;
  /** `zh-CN` or `en-US`, sent as X-TC-Language when given. */
  language?: "zh-CN" | "en-US";
  /** Attempts and delays (defaults: 5 attempts, first delay ≤ 100 ms, cap 5000 ms). */
  retry?: Partial<RetryOptions>;
  /** Per-attempt timeout in ms, body included; 0 = none. Default 60000. A timeout counts as a network error. */
  timeoutMs?: number;
  /** Injected `fetch` (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** Injected wait before a retry (default: a timer that an abort cuts short). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected uniform [0, 1) source for the jitter (default Math.random). */
  random?: () => number;
  /** Injected clock in Unix ms for X-TC-Timestamp (default Date.now). */
  now?: () => number;
  /** Told about each retry before its delay. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  action: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  /** How long the client waits before the next attempt, ms. */
  delayMs: number;
  error: KmsApiError | KmsNetworkError;
}

export interface CallOptions {
  /** Cancels the call (in flight or between attempts); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

type Params<A extends ActionName> = {} extends KmsRequest<A>
  ? [params?: KmsRequest<A>, options?: CallOptions]
  : [params: KmsRequest<A>, options?: CallOptions];

/**
 * The method name of an action: lower camel case (`encrypt`, `generateDataKey`, …); OpenKMS's own `OpenKMS.<Name>`
 * actions become `openkms<Name>` (`openkmsListAuditRecords`).
 */
export type MethodName<A extends string> = A extends `OpenKMS.${infer N}` ? `openkms${N}` : Uncapitalize<A>;

/** The method name of an action at run time (see {@link MethodName}). */
export function methodName(action: string): string {
  return action.startsWith("OpenKMS.") ? `openkms${action.slice("OpenKMS.".length)}` : action[0]!.toLowerCase() + action.slice(1);
}

/** One typed method per action (see {@link MethodName}). */
export type KmsActionMethods = {
  [A in ActionName as MethodName<A>]: (...args: Params<A>) => Promise<KmsResponse<A>>;
};

export class KmsClient {
  private readonly url: URL;
  private readonly retry: RetryOptions;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly sleepImpl: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  /**
   * @throws TypeError for an endpoint that is not an http(s) URL without a path, or a missing credential
   * @throws RangeError for bad retry options
   */
  constructor(private readonly options: KmsClientOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new TypeError(`"endpoint" expected a URL such as http://127.0.0.1:8080, got ${options.endpoint}`);
    }
    if ((url.protocol !== "http:" && url.protocol !== "https:") || (url.pathname !== "/" && url.pathname !== "") || url.search || url.username) {
      throw new TypeError(`"endpoint" expected http(s)://host[:port] without a path, got ${options.endpoint}`);
    }
    if (!options.secretId || !options.secretKey) throw new TypeError('"secretId" and "secretKey" are required');
    this.url = url;
    this.retry = retryOptions(options.retry);
    if (options.fetch === undefined && typeof globalThis.fetch !== "function") throw new TypeError("no fetch implementation: pass options.fetch");
    // The global fetch is called through globalThis on every request, never stored and called as a method of this
    // client: a browser's fetch must be invoked with the Window (or worker scope) as `this`, or it throws
    // "Failed to execute 'fetch' on 'Window': Illegal invocation".
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleepImpl = options.sleep ?? timerSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * Call a typed action.
   * @returns the `Response` object (the action's fields and `RequestId`)
   * @throws KmsApiError (the server's error code), KmsNetworkError (no usable answer) once retries are spent or the
   *   error is not retryable; the signal's reason when aborted
   */
  request<A extends ActionName>(action: A, params: KmsRequest<A>, options: CallOptions = {}): Promise<KmsResponse<A>> {
    return this.requestAny(action, params as Record<string, unknown>, options) as Promise<KmsResponse<A>>;
  }

  /** Call any action by name with untyped parameters (same retries and errors as {@link request}). */
  async requestAny(action: string, params: Record<string, unknown> = {}, options: CallOptions = {}): Promise<Record<string, unknown> & { RequestId: string }> {
    if (!/^(?:OpenKMS\.)?[A-Z][A-Za-z0-9]*$/.test(action)) throw new TypeError(`"action" expected an API action name, got ${action}`);
    const body = JSON.stringify(params);
    const { signal } = options;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await this.attempt(action, body, attempt, signal);
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        if (!isRetryable(e) || attempt >= this.retry.maxAttempts) throw e;
        const delayMs = backoffDelay(attempt, this.retry, this.random);
        this.options.onRetry?.({ action, attempt, delayMs, error: e as KmsApiError | KmsNetworkError });
        await this.sleepImpl(delayMs, signal);
      }
    }
  }

  /** One signed POST; throws KmsApiError / KmsNetworkError. */
  private async attempt(action: string, body: string, attempt: number, signal: AbortSignal | undefined): Promise<Record<string, unknown> & { RequestId: string }> {
    const timestamp = Math.floor(this.now() / 1000);
    const contentType = "application/json";
    const { authorization } = await signTc3({
      secretId: this.options.secretId, secretKey: this.options.secretKey, service: this.options.service ?? "kms",
      host: this.url.host, contentType, method: "POST", payload: body, timestamp,
      extraHeaders: { "X-TC-Action": action, "X-TC-Timestamp": String(timestamp) },
    });
    const headers: Record<string, string> = {
      "Content-Type": contentType,
      "X-TC-Action": action,
      "X-TC-Version": API_VERSION,
      "X-TC-Timestamp": String(timestamp),
      "X-TC-RequestClient": `OPENKMS_CLIENT_${CLIENT_VERSION}`,
      Authorization: authorization,
    };
    if (this.options.region) headers["X-TC-Region"] = this.options.region;
    if (this.options.language) headers["X-TC-Language"] = this.options.language;
    signal?.throwIfAborted(); // aborted while signing

    const controller = new AbortController();
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    const timer = this.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException(`no answer within ${this.timeoutMs} ms`, "TimeoutError"));
        }, this.timeoutMs)
      : undefined;
    const network = (message: string, status?: number, cause?: unknown) => new KmsNetworkError(message, action, attempt, status, { cause });
    try {
      let res: Response;
      try {
        const fetchFn = this.fetchImpl; // called unbound: an injected `window.fetch` must not get this client as `this`
        res = await fetchFn(new URL("/", this.url), { method: "POST", headers, body, signal: controller.signal });
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        throw network(timedOut ? `no answer within ${this.timeoutMs} ms` : `request failed: ${(e as Error)?.message ?? e}`, undefined, e);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        throw network(timedOut ? `no answer within ${this.timeoutMs} ms` : `reading the response failed: ${(e as Error)?.message ?? e}`, undefined, e);
      }
      if (res.status !== 200) throw network(`HTTP ${res.status}`, res.status);
      let envelope: unknown;
      try {
        envelope = JSON.parse(text);
      } catch (e) {
        throw network("the response is not JSON", undefined, e);
      }
      const response = (envelope as { Response?: unknown } | null)?.Response;
      if (typeof response !== "object" || response === null) throw network("the response has no Response object");
      const r = response as { Error?: { Code?: unknown; Message?: unknown }; RequestId?: unknown };
      if (r.Error) {
        throw new KmsApiError(String(r.Error.Code ?? "InternalError"), String(r.Error.Message ?? ""), String(r.RequestId ?? ""), action, attempt);
      }
      return response as Record<string, unknown> & { RequestId: string };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** The typed per-action methods, added to the prototype below. */
export interface KmsClient extends KmsActionMethods {}

for (const name of ACTION_NAMES) {
  Object.defineProperty(KmsClient.prototype, methodName(name), {
    value: function (this: KmsClient, params: KmsActions[typeof name]["request"] = {} as never, options?: CallOptions) {
      return this.request(name, params, options);
    },
    writable: true,
    configurable: true,
  });
}
