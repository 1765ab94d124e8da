/**
 * SPEC §1 flow 8: a burst far above an account's rate limit drives the server into `RequestLimitExceeded`, and the
 * client still completes every request by backing off and retrying. No real waiting and no timing assertions: the
 * client's injected sleep moves the server's clock (the buckets refill from it) and the client signs with the same
 * clock. The throttled attempts the client saw are exactly the `RequestLimitExceeded` records in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataDir, queryAuditLog } from "@openkms/server";
import { isKmsApiError, type KmsClient, type RetryEvent } from "../src/index.js";
import { b64, ManualClock, startServer, unb64, type TestServer } from "./_server.js";

let s: TestServer;
let clock: ManualClock;
let kms: KmsClient;
const retries: RetryEvent[] = [];
const sleeps: number[] = [];
const RETRY = { maxAttempts: 60, baseDelayMs: 100, maxDelayMs: 2000 };

beforeAll(async () => {
  clock = new ManualClock();
  s = await startServer({ clock, rateLimits: { enabled: true, rates: { symmetric: 5, GenerateDataKey: 3 } } });
  kms = s.client({
    retry: RETRY,
    now: () => clock.nowMs(),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
      await new Promise((r) => setImmediate(r)); // let other requests run, as a real wait would
    },
    onRetry: (e) => retries.push(e),
  });
});
afterAll(async () => s.stop());

describe("a burst above the limit", () => {
  it("is throttled by the server and completed by the client", async () => {
    const { KeyId } = await kms.createKey({ Alias: "busy" });
    const messages = Array.from({ length: 60 }, (_, i) => `message ${i}`);

    const encrypted = await Promise.all(messages.map((m) => kms.encrypt({ KeyId, Plaintext: b64(m) })));
    const decrypted = await Promise.all(encrypted.map((e) => kms.decrypt({ CiphertextBlob: e.CiphertextBlob })));
    expect(decrypted.map((d) => unb64(d.Plaintext).toString())).toEqual(messages);
    const keys = await Promise.all(Array.from({ length: 20 }, () => kms.generateDataKey({ KeyId, KeySpec: "AES_128" })));
    expect(keys.every((k) => unb64(k.Plaintext).length === 16)).toBe(true);

    // the limiter did bite, and only throttling was retried
    expect(retries.length).toBeGreaterThan(0);
    expect(new Set(retries.map((r) => (isKmsApiError(r.error) ? r.error.code : "network")))).toEqual(new Set(["RequestLimitExceeded"]));
    expect(new Set(retries.map((r) => r.action))).toEqual(new Set(["Encrypt", "Decrypt", "GenerateDataKey"]));
    // every delay within full jitter's window, under the cap
    for (const r of retries) expect(r.delayMs).toBeLessThan(Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (r.attempt - 1)));
    expect(sleeps).toEqual(retries.map((r) => r.delayMs));

    // the server recorded each throttled attempt, and the chain is whole
    const dir = await openDataDir({ dataDir: s.dataDir, create: false, nowSeconds: Math.floor(clock.nowMs() / 1000) });
    try {
      const throttled = queryAuditLog(dir.audit, { result: "RequestLimitExceeded", limit: 100_000 });
      expect(throttled).toHaveLength(retries.length);
      const succeeded = queryAuditLog(dir.audit, { result: "success", limit: 100_000 }).filter((r) => ["Encrypt", "Decrypt", "GenerateDataKey"].includes(r.action));
      expect(succeeded).toHaveLength(140);
    } finally {
      await dir.close();
    }
  });
});
