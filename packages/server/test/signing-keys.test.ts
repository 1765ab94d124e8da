import { describe, expect, it } from "vitest";
import { MAX_SIGNING_KEYS, SIGNING_KEY_TTL_MS, SigningKeyCache, signingKeyFromBytes } from "../src/accounts/signing-keys.js";
import { tc3SigningKey } from "../src/protocol/tc3.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("TC3 signing keys from SecretKey bytes", () => {
  it("equals the reference chain over the SecretKey string (reference §2.3)", () => {
    for (const secret of ["Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "TESTSECRETKEYTESTSECRETKEY123456", "a".repeat(128)]) {
      for (const [date, service] of [["2019-02-25", "cvm"], ["2026-12-06", "kms"], ["2026-12-06", "127"]]) {
        expect(hex(signingKeyFromBytes(utf8(secret), date!, service!))).toBe(hex(tc3SigningKey(secret, date!, service!)));
      }
    }
  });

  it("leaves the SecretKey bytes it was given untouched (the cache zeroes them)", () => {
    const secret = utf8("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
    signingKeyFromBytes(secret, "2019-02-25", "cvm");
    expect(new TextDecoder().decode(secret)).toBe("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
  });
});

describe("SigningKeyCache", () => {
  const secret = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
  const wrappedA = new Uint8Array([1, 2, 3]);
  const wrappedB = new Uint8Array([1, 2, 4]);

  function counting() {
    const unwrapped: Uint8Array[] = [];
    const unwrap = (s = secret) => () => {
      const b = utf8(s);
      unwrapped.push(b);
      return b;
    };
    return { unwrapped, unwrap };
  }

  it("unwraps once per credential, date and service, and zeroes the unwrapped SecretKey", () => {
    let now = 0;
    const cache = new SigningKeyCache(() => now);
    const { unwrapped, unwrap } = counting();
    const k1 = cache.signingKey("AKID1", "2026-12-06", "kms", wrappedA, unwrap());
    const k2 = cache.signingKey("AKID1", "2026-12-06", "kms", wrappedA, unwrap());
    expect(k2).toBe(k1);
    expect(hex(k1)).toBe(hex(tc3SigningKey(secret, "2026-12-06", "kms")));
    expect(unwrapped.length).toBe(1);
    expect(unwrapped[0]!.every((b) => b === 0)).toBe(true);
    // Another date or service is another key.
    const k3 = cache.signingKey("AKID1", "2026-12-07", "kms", wrappedA, unwrap());
    expect(hex(k3)).toBe(hex(tc3SigningKey(secret, "2026-12-07", "kms")));
    cache.signingKey("AKID1", "2026-12-06", "127", wrappedA, unwrap());
    expect(unwrapped.length).toBe(3);
    expect(cache.size).toBe(3);
    cache.close();
  });

  it("derives again when the stored SecretKey changed (another wrapped value), and zeroes the replaced key", () => {
    const cache = new SigningKeyCache(() => 0);
    const { unwrapped, unwrap } = counting();
    const old = cache.signingKey("AKID1", "2026-12-06", "kms", wrappedA, unwrap());
    const fresh = cache.signingKey("AKID1", "2026-12-06", "kms", wrappedB, unwrap("AnotherSecretKeyAnotherSecretKey"));
    expect(unwrapped.length).toBe(2);
    expect(old.every((b) => b === 0)).toBe(true);
    expect(hex(fresh)).toBe(hex(tc3SigningKey("AnotherSecretKeyAnotherSecretKey", "2026-12-06", "kms")));
    cache.close();
  });

  it("expires entries after the TTL, bounds their number, and zeroes everything on close", () => {
    let now = 1000;
    const cache = new SigningKeyCache(() => now);
    const { unwrapped, unwrap } = counting();
    const first = cache.signingKey("AKID1", "2026-12-06", "kms", wrappedA, unwrap());
    now += SIGNING_KEY_TTL_MS;
    cache.signingKey("AKID1", "2026-12-06", "kms", wrappedA, unwrap());
    expect(unwrapped.length).toBe(2);
    expect(first.every((b) => b === 0)).toBe(true);
    const keys = [];
    for (let i = 0; i < MAX_SIGNING_KEYS + 10; i++) keys.push(cache.signingKey(`AKID${i}x`, "2026-12-06", "kms", wrappedA, unwrap()));
    expect(cache.size).toBe(MAX_SIGNING_KEYS);
    expect(keys[0]!.every((b) => b === 0)).toBe(true); // the oldest went first
    cache.close();
    expect(cache.size).toBe(0);
    expect(keys.at(-1)!.every((b) => b === 0)).toBe(true);
  });
});
