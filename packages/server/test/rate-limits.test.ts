/**
 * Rate limits: the token bucket, the group table (Tencent's defaults, reference §6.2), overrides, and the limiter in a
 * running server through the official SDK — per account and group, shared by an account's sub-users, refilled as the
 * (injected) clock moves, switchable off. No real waiting: the test moves the server's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACTION_RATES, DEFAULT_ACTION_RATE, groupRate, limitGroup, parseRateOverrides, RateLimiter,
} from "../src/limits/rate-limits.js";
import { TokenBucket } from "../src/limits/token-bucket.js";
import { b64, callerFor, ManualClock, openAdmin, startServer, type Caller, type Running } from "./_harness.js";

describe("TokenBucket", () => {
  it("starts full, refuses when empty, refills at the rate up to capacity", () => {
    const b = new TokenBucket(2, 2, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    expect(b.take(499)).toBe(false); // 0.998 tokens
    expect(b.take(500)).toBe(true); // 1 token after 500 ms at 2/s
    expect(b.take(10_000)).toBe(true);
    expect(b.take(10_000)).toBe(true);
    expect(b.take(10_000)).toBe(false); // capped at 2 however long it waited
  });
  it("a clock going backwards adds nothing", () => {
    const b = new TokenBucket(1, 1, 1000);
    expect(b.take(1000)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.take(1999)).toBe(false);
    expect(b.take(2000)).toBe(true);
  });
  it.each([[0, 1], [-1, 1], [Number.NaN, 1], [1, 0.5], [Number.POSITIVE_INFINITY, 1]])("rate %d capacity %d → RangeError", (rate, cap) => {
    expect(() => new TokenBucket(rate, cap, 0)).toThrow(RangeError);
  });
});

describe("limit groups and defaults (reference §6.2)", () => {
  it.each([
    ["Encrypt", "symmetric", 300],
    ["Decrypt", "symmetric", 300],
    ["GenerateDataKey", "GenerateDataKey", 150],
    ["GenerateRandom", "GenerateRandom", 150],
    ["ReEncrypt", "ReEncrypt", 100],
    ["AsymmetricSm2Decrypt", "AsymmetricSm2Decrypt", 200],
    ["PostQuantumCryptoSign", "PostQuantumCryptoSign", 20],
    ["DescribeKey", "DescribeKey", DEFAULT_ACTION_RATE],
    ["SomeActionAddedLater", "SomeActionAddedLater", DEFAULT_ACTION_RATE],
  ])("%s → group %s at %i/s", (action, group, rate) => {
    expect(limitGroup(action)).toBe(group);
    expect(groupRate(group)).toBe(rate);
  });
  it("overrides by group, and `default` for undocumented actions", () => {
    const rates = parseRateOverrides("symmetric=1000, GenerateDataKey=50,default=7");
    expect(rates).toEqual({ symmetric: 1000, GenerateDataKey: 50, default: 7 });
    expect(groupRate("symmetric", rates)).toBe(1000);
    expect(groupRate("GenerateDataKey", rates)).toBe(50);
    expect(groupRate("DescribeKey", rates)).toBe(7);
    expect(groupRate("ReEncrypt", rates)).toBe(ACTION_RATES.ReEncrypt);
  });
  it.each(["symmetric", "symmetric=", "symmetric=0", "symmetric=-5", "Encrypt=10", "a b=1", "x=1e3", "", "encrypt=2", "Symmetric=3", "Foo=1", "symmetric=5,symmetric=6"])("override %j is refused", (text) => {
    expect(() => parseRateOverrides(text)).toThrow(RangeError);
  });
  it("a disabled limiter allows everything", () => {
    const l = new RateLimiter({ enabled: false, rates: { symmetric: 1 } }, new ManualClock(0));
    for (let i = 0; i < 1000; i++) expect(l.take("1", "Encrypt")).toBe(true);
  });
});

describe("limits in a running server", () => {
  let kms: Running;
  let clock: ManualClock;
  let sub: Caller;
  let other: Caller;
  let keyId: string;
  let otherKey: string;
  beforeAll(async () => {
    clock = new ManualClock();
    kms = await startServer({ clock, rateLimits: { enabled: true, rates: { symmetric: 3, GenerateDataKey: 2 } } });
    keyId = (await kms.call("CreateKey", { Alias: "limited" })).KeyId;
    const { admin, close } = await openAdmin(kms);
    try {
      await admin.createUser("worker");
      await admin.attachPolicy("worker", "all", JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: "kms:*", resource: "*" }] }));
      const ak = await admin.createAccessKey("worker");
      sub = callerFor(kms, ak.SecretId, ak.SecretKey);
      const acct = await admin.createAccount("other-tenant");
      const ak2 = await admin.createAccessKey(acct.uin);
      other = callerFor(kms, ak2.SecretId, ak2.SecretKey);
    } finally {
      await close();
    }
    otherKey = (await other.call("CreateKey", { Alias: "theirs" })).KeyId;
  });
  afterAll(async () => kms.stop());

  const encrypt = (c: { fail: Caller["fail"]; call: Caller["call"] }, id: string) =>
    c.call("Encrypt", { KeyId: id, Plaintext: b64("x") }).then(() => "Success", (e) => e.code ?? String(e));

  it("Encrypt and Decrypt share the symmetric bucket; over it → RequestLimitExceeded; the clock refills it", async () => {
    clock.advance(10_000); // full buckets
    const blob = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).CiphertextBlob;
    await kms.call("Decrypt", { CiphertextBlob: blob });
    await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("y") });
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("RequestLimitExceeded");
    expect(await kms.fail("Encrypt", { KeyId: keyId, Plaintext: b64("z") })).toBe("RequestLimitExceeded");
    clock.advance(334); // one token at 3/s
    await kms.call("Decrypt", { CiphertextBlob: blob });
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("RequestLimitExceeded");
  });
  it("other groups have their own buckets", async () => {
    clock.advance(10_000);
    for (let i = 0; i < 3; i++) await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") });
    expect(await kms.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("RequestLimitExceeded");
    await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_128" });
    await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_128" });
    expect(await kms.fail("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_128" })).toBe("RequestLimitExceeded");
    await kms.call("DescribeKey", { KeyId: keyId }); // default group, 100/s
  });
  it("an account's sub-users share its quota; another account has its own", async () => {
    clock.advance(10_000);
    expect([await encrypt(kms, keyId), await encrypt(sub, keyId), await encrypt(kms, keyId), await encrypt(sub, keyId)]).toEqual([
      "Success", "Success", "Success", "RequestLimitExceeded",
    ]);
    expect([await encrypt(other, otherKey), await encrypt(other, otherKey), await encrypt(other, otherKey), await encrypt(other, otherKey)]).toEqual([
      "Success", "Success", "Success", "RequestLimitExceeded",
    ]);
  });
  it("denied and unauthenticated requests do not spend the account's tokens", async () => {
    clock.advance(10_000);
    const { admin, close } = await openAdmin(kms);
    try {
      await admin.createUser("idle");
      const ak = await admin.createAccessKey("idle");
      const idle = callerFor(kms, ak.SecretId, ak.SecretKey);
      for (let i = 0; i < 5; i++) expect(await encrypt(idle, keyId)).toBe("UnauthorizedOperation");
    } finally {
      await close();
    }
    expect([await encrypt(kms, keyId), await encrypt(kms, keyId), await encrypt(kms, keyId)]).toEqual(["Success", "Success", "Success"]);
  });
  it("switched off, nothing is limited", async () => {
    const off = await startServer({ rateLimits: { enabled: false, rates: { symmetric: 1 } } });
    try {
      const id = (await off.call("CreateKey", { Alias: "free" })).KeyId;
      for (let i = 0; i < 10; i++) await off.call("Encrypt", { KeyId: id, Plaintext: b64("x") });
    } finally {
      await off.stop();
    }
  });
});
