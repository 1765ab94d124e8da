/**
 * Retries, backoff and cancellation with a scripted `fetch` and vitest's fake timers (no real waiting): which errors
 * are retried and which are not, the full-jitter delays and their cap, a fresh signature on every attempt, giving up
 * after `maxAttempts`, and an `AbortSignal` cutting a call short in flight or between attempts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay, retryOptions } from "../src/backoff.js";
import { KmsClient, type KmsClientOptions } from "../src/client.js";
import { isKmsApiError, isKmsNetworkError, KmsApiError, KmsNetworkError } from "../src/errors.js";

type Step = { code: string } | { ok: Record<string, unknown> } | { status: number } | { throws: Error } | { body: string } | "hang";

interface Sent {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** A fetch that answers each call with the next step of the script. */
function scriptedFetch(steps: Step[]) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (_url: URL | RequestInfo, init?: RequestInit): Promise<Response> => {
    sent.push({ headers: init!.headers as Record<string, string>, body: String(init!.body), signal: init!.signal! });
    const step = steps.shift();
    if (!step) throw new Error("script exhausted");
    if (step === "hang") {
      return new Promise((_resolve, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason)));
    }
    if ("throws" in step) throw step.throws;
    if ("status" in step) return new Response("bad gateway", { status: step.status });
    if ("body" in step) return new Response(step.body, { status: 200 });
    const response = "code" in step ? { Error: { Code: step.code, Message: "scripted" }, RequestId: "rid-err" } : { ...step.ok, RequestId: "rid-ok" };
    return new Response(JSON.stringify({ Response: response }), { status: 200, headers: { "content-type": "application/json" } });
  });
  return { fetch, sent };
}

function client(steps: Step[], extra: Partial<KmsClientOptions> = {}) {
  const { fetch, sent } = scriptedFetch(steps);
  const retries: { attempt: number; delayMs: number; code: string }[] = [];
  const c = new KmsClient({
    endpoint: "http://127.0.0.1:8080", secretId: "AKIDtest", secretKey: "test-secret-key-000000", region: "ap-guangzhou",
    fetch: fetch as unknown as typeof globalThis.fetch, random: () => 0.5,
    onRetry: (e) => retries.push({ attempt: e.attempt, delayMs: e.delayMs, code: isKmsApiError(e.error) ? e.error.code : "network" }),
    ...extra,
  });
  return { c, fetch, sent, retries };
}

// Timers and Date are faked; setImmediate stays real so WebCrypto (signing) and the event loop keep running.
beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-11-29T12:00:00Z"), toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const turn = () => new Promise<void>((r) => setImmediate(r));

/** Let real asynchronous work (signing) finish until `cond` holds; fake time does not move. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await turn();
  if (!cond()) throw new Error("condition never held");
}

/** Run a call to completion, advancing fake time through every backoff. */
async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const out: { value?: T; error?: unknown } = {};
  let finished = false;
  p.then((value) => void (out.value = value), (error) => void (out.error = error)).finally(() => (finished = true));
  for (let i = 0; i < 10_000 && !finished; i++) {
    await turn();
    await vi.runOnlyPendingTimersAsync();
  }
  if (!finished) throw new Error("the call never settled");
  return out;
}

describe("what is retried", () => {
  it.each<[string, Step]>([
    ["RequestLimitExceeded", { code: "RequestLimitExceeded" }],
    ["RequestLimitExceeded.UinLimitExceeded", { code: "RequestLimitExceeded.UinLimitExceeded" }],
    ["RequestLimitExceeded.GlobalRegionUinLimitExceeded", { code: "RequestLimitExceeded.GlobalRegionUinLimitExceeded" }],
    ["RequestLimitExceeded.IPLimitExceeded", { code: "RequestLimitExceeded.IPLimitExceeded" }],
    ["InternalError", { code: "InternalError" }],
    ["a connection failure", { throws: new TypeError("fetch failed") }],
    ["HTTP 502", { status: 502 }],
    ["HTTP 503", { status: 503 }],
    ["a body that is not JSON", { body: "<html>gateway</html>" }],
    ["JSON without Response", { body: '{"ok":true}' }],
  ])("%s, then success", async (_name, failure) => {
    const { c, fetch, retries } = client([failure, failure, { ok: { Regions: ["ap-guangzhou"] } }]);
    const r = await settle(c.getRegions());
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual({ Regions: ["ap-guangzhou"], RequestId: "rid-ok" });
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(retries.map((x) => x.attempt)).toEqual([1, 2]);
  });
});

describe("what is never retried", () => {
  it.each([
    "UnauthorizedOperation", "AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound", "InvalidParameter",
    "InvalidParameterValue.InvalidCiphertext", "ResourceUnavailable.CmkNotFound", "MissingParameter",
    "RequestLimitExceeded.RotateRateLimited", "RequestSizeLimitExceeded", "FailedOperation.DecryptError",
  ])("%s fails at once with its code and RequestId", async (code) => {
    const { c, fetch } = client([{ code }, { ok: {} }]);
    const r = await settle(c.encrypt({ KeyId: "k", Plaintext: "aGk=" }));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(r.error).toBeInstanceOf(KmsApiError);
    expect(r.error).toMatchObject({ code, requestId: "rid-err", action: "Encrypt", attempts: 1 });
  });
  it.each([400, 403, 404])("HTTP %i fails at once", async (status) => {
    const { c, fetch } = client([{ status }, { ok: {} }]);
    const r = await settle(c.getRegions());
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(isKmsNetworkError(r.error)).toBe(true);
    expect((r.error as KmsNetworkError).status).toBe(status);
  });
});

describe("backoff", () => {
  it("full jitter under a doubling ceiling, first ceiling 100 ms, capped", () => {
    const o = retryOptions({ maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 });
    const top = (retry: number) => backoffDelay(retry, o, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 9].map(top)).toEqual([99, 199, 399, 799, 999, 999, 999]);
    expect(backoffDelay(1, o, () => 0)).toBe(0);
    expect(backoffDelay(3, o, () => 0.5)).toBe(200);
    expect(backoffDelay(60, o, () => 0.5)).toBe(500); // no overflow however many retries
  });
  it("the client waits the computed delays on real timers (fake here) before each retry", async () => {
    const { c, fetch, retries } = client(Array(4).fill({ code: "RequestLimitExceeded" }).concat([{ ok: {} }]), {
      retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 },
    });
    const p = c.generateRandom({ NumberOfBytes: 8 });
    await until(() => retries.length === 1); // the first attempt failed; the client now waits on a timer
    await vi.advanceTimersByTimeAsync(49); // first delay = 0.5 · 100 = 50 ms
    for (let i = 0; i < 50; i++) await turn();
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => fetch.mock.calls.length === 2);
    await settle(p);
    expect(retries.map((r) => r.delayMs)).toEqual([50, 100, 150, 150]); // 0.5 × min(300, 100·2^(n−1))
  });
  it("gives up after maxAttempts with the last error", async () => {
    const { c, fetch } = client(Array(6).fill({ code: "InternalError" }), { retry: { maxAttempts: 3 } });
    const r = await settle(c.getRegions());
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(r.error).toMatchObject({ code: "InternalError", attempts: 3 });
  });
  it("maxAttempts 1 means no retry", async () => {
    const { c, fetch } = client([{ code: "RequestLimitExceeded" }, { ok: {} }], { retry: { maxAttempts: 1 } });
    expect((await settle(c.getRegions())).error).toMatchObject({ code: "RequestLimitExceeded", attempts: 1 });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
  it.each([{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { baseDelayMs: -1 }, { baseDelayMs: 200, maxDelayMs: 100 }, { maxDelayMs: Number.POSITIVE_INFINITY }])(
    "refuses retry options %j",
    (retry) => {
      expect(() => new KmsClient({ endpoint: "http://127.0.0.1:1", secretId: "a", secretKey: "b", retry })).toThrow(RangeError);
    },
  );
});

describe("every attempt is signed afresh", () => {
  it("with the time of that attempt", async () => {
    let now = Date.parse("2026-11-29T12:00:00Z");
    const { c, sent } = client([{ code: "RequestLimitExceeded" }, { code: "InternalError" }, { ok: {} }], {
      now: () => now,
      sleep: async (ms) => {
        now += 61_000 + ms; // a minute between attempts
      },
    });
    await c.generateRandom({ NumberOfBytes: 8 });
    const stamps = sent.map((s) => Number(s.headers["X-TC-Timestamp"]));
    expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(61);
    expect(stamps[2]! - stamps[1]!).toBeGreaterThanOrEqual(61);
    const sigs = new Set(sent.map((s) => s.headers.Authorization));
    expect(sigs.size).toBe(3);
    expect(new Set(sent.map((s) => s.body))).toEqual(new Set(['{"NumberOfBytes":8}']));
    expect(sent[0]!.headers).toMatchObject({ "Content-Type": "application/json", "X-TC-Action": "GenerateRandom", "X-TC-Version": "2019-01-18", "X-TC-Region": "ap-guangzhou" });
    expect(sent[0]!.headers.Authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDtest\/2026-11-29\/kms\/tc3_request, SignedHeaders=content-type;host;x-tc-action;x-tc-timestamp, Signature=[0-9a-f]{64}$/);
  });
});

describe("AbortSignal", () => {
  it("aborting while waiting to retry rejects at once with the reason, and nothing more is sent", async () => {
    const { c, fetch, retries } = client([{ code: "RequestLimitExceeded" }, { ok: {} }], { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } });
    const ctl = new AbortController();
    const settled = c.getRegions({}, { signal: ctl.signal }).then(() => "resolved", (e) => e);
    await until(() => retries.length === 1); // waiting 5000 ms to retry
    ctl.abort();
    const e = await settled;
    expect((e as Error).name).toBe("AbortError");
    await vi.runAllTimersAsync();
    expect(fetch).toHaveBeenCalledTimes(1);
  });
  it("aborting in flight aborts the fetch and is not retried", async () => {
    const { c, fetch, sent } = client(["hang", { ok: {} }]);
    const ctl = new AbortController();
    const settled = c.getRegions({}, { signal: ctl.signal }).then(() => "resolved", (e) => e);
    await until(() => fetch.mock.calls.length === 1);
    ctl.abort(new Error("user went away"));
    expect(((await settled) as Error).message).toBe("user went away");
    expect(sent[0]!.signal.aborted).toBe(true);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
  it("an already aborted signal sends nothing", async () => {
    const { c, fetch } = client([{ ok: {} }]);
    const e = await c.getRegions({}, { signal: AbortSignal.abort() }).catch((x) => x);
    expect((e as Error).name).toBe("AbortError");
    expect(fetch).not.toHaveBeenCalled();
  });
  it("a per-attempt timeout is a network error and is retried", async () => {
    const { c, fetch } = client(["hang", { ok: { Regions: [] } }], { timeoutMs: 1000 });
    const r = await settle(c.getRegions());
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(r.value).toMatchObject({ Regions: [] });
  });
  it("a timeout on every attempt ends in a KmsNetworkError that says so", async () => {
    const { c } = client(["hang", "hang"], { timeoutMs: 1000, retry: { maxAttempts: 2 } });
    const r = await settle(c.getRegions());
    expect(r.error).toBeInstanceOf(KmsNetworkError);
    expect((r.error as Error).message).toMatch(/no answer within 1000 ms/);
  });
});

describe("construction", () => {
  it.each(["127.0.0.1:8080", "ftp://x", "http://host/path", "http://host/?a=1", "not a url"])("refuses endpoint %j", (endpoint) => {
    expect(() => new KmsClient({ endpoint, secretId: "a", secretKey: "b" })).toThrow(TypeError);
  });
  it("refuses a missing credential and a bad action name", async () => {
    expect(() => new KmsClient({ endpoint: "http://h:1", secretId: "", secretKey: "b" })).toThrow(TypeError);
    const { c } = client([]);
    await expect(c.requestAny("not an action")).rejects.toThrow(TypeError);
  });
});
