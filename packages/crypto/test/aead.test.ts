import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aes128Gcm, aes256Gcm } from "../src/aes-gcm.js";
import { sm4Gcm } from "../src/sm4-gcm.js";
import { randomBytes } from "../src/random.js";
import { toHex, wycheproofCases } from "./_vectors.js";
import { expectGcmCase } from "./_gcm-wycheproof.js";

// KMS profile: 96-bit nonce, 128-bit tag. Other Wycheproof groups (other IV/tag sizes) are out of policy.
const kmsProfile = (g: Record<string, unknown>) => g.ivSize === 96 && g.tagSize === 128;

describe("SM4-GCM (RFC 8998) — Wycheproof sm4_gcm_test.json", () => {
  const cases = wycheproofCases("sm4_gcm_test.json", (g) => kmsProfile(g));
  it.each(cases.map((c) => [c.test.tcId, c] as const))("tcId %i", (_id, { test }) => expectGcmCase(sm4Gcm, test));
});

describe.each([
  ["AES-128-GCM", aes128Gcm, 128],
  ["AES-256-GCM", aes256Gcm, 256],
] as const)("%s — Wycheproof aes_gcm_test.json", (_name, aead, keySize) => {
  const cases = wycheproofCases("aes_gcm_test.json", (g) => kmsProfile(g) && g.keySize === keySize);
  it.each(cases.map((c) => [c.test.tcId, c] as const))("tcId %i", (_id, { test }) => expectGcmCase(aead, test));
});

describe("SM4-GCM cross-check: keystream equals node:crypto sm4-ctr", () => {
  it("matches for random lengths 0..300", () => {
    for (let len = 0; len <= 300; len += 7) {
      const key = randomBytes(16), iv = randomBytes(12), pt = randomBytes(len);
      const sealed = sm4Gcm.seal(key, iv, pt);
      const ctr0 = new Uint8Array(16); ctr0.set(iv); ctr0[15] = 2; // J0 + 1
      const c = createCipheriv("sm4-ctr", key, ctr0);
      const expected = Buffer.concat([c.update(pt), c.final()]);
      expect(toHex(sealed.subarray(0, len))).toBe(toHex(expected));
      expect(toHex(sm4Gcm.open(key, iv, sealed))).toBe(toHex(pt));
    }
  });
});

describe("misuse", () => {
  it("rejects wrong key, nonce lengths and short input; never mutates input", () => {
    const key = randomBytes(16), iv = randomBytes(12), pt = randomBytes(40);
    expect(() => sm4Gcm.seal(randomBytes(15), iv, pt)).toThrow(RangeError);
    expect(() => sm4Gcm.seal(key, randomBytes(16), pt)).toThrow(RangeError);
    expect(() => sm4Gcm.open(key, iv, randomBytes(15))).toThrow(RangeError);
    expect(() => aes256Gcm.seal(randomBytes(16), iv, pt)).toThrow(RangeError);
    // @ts-expect-error wrong type on purpose
    expect(() => sm4Gcm.seal("k", iv, pt)).toThrow(TypeError);
    const copy = pt.slice();
    const sealed = sm4Gcm.seal(key, iv, pt);
    expect(toHex(pt)).toBe(toHex(copy));
    const sealedCopy = sealed.slice();
    sm4Gcm.open(key, iv, sealed);
    expect(toHex(sealed)).toBe(toHex(sealedCopy));
  });
  it("a flipped bit anywhere fails authentication", () => {
    const key = randomBytes(16), iv = randomBytes(12), pt = randomBytes(33), aad = randomBytes(5);
    for (const aead of [sm4Gcm, aes128Gcm]) {
      const sealed = aead.seal(key, iv, pt, aad);
      for (let i = 0; i < sealed.length; i++) {
        const bad = sealed.slice(); bad[i] = bad[i]! ^ 1;
        expect(() => aead.open(key, iv, bad, aad)).toThrow(/authentication/);
      }
    }
  });
});
