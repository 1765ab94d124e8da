// Differential tests of the WASM core (both builds) against independent implementations — node:crypto (OpenSSL),
// sm-crypto, hash-wasm, and the portable TypeScript GCM of @openkms/crypto over OpenSSL sm4-ecb — on random inputs and
// at every split point of streamed input; then misuse tests.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes as nodeRandom } from "node:crypto";
import { createHMAC, createSM3, sm3 as hashWasmSm3 } from "hash-wasm";
// @ts-expect-error sm-crypto ships no types
import smCrypto from "sm-crypto";
import { describe, expect, it } from "vitest";
import { loadCoreSync, type BlockCipher, type Core } from "../src/index.js";
import { gcmSeal as portableGcmSeal } from "../../crypto/src/_gcm.js";

const rnd = (n: number) => new Uint8Array(nodeRandom(n));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const sm = smCrypto as {
  sm3(input: number[] | string): string;
  sm4: { encrypt(input: number[], key: string, opts: object): number[]; decrypt(input: number[], key: string, opts: object): number[] };
};

function nodeRun(c: { update(d: Uint8Array): Buffer; final(): Buffer }, d: Uint8Array) {
  return new Uint8Array(Buffer.concat([c.update(d), c.final()]));
}
const nodeName = (cipher: BlockCipher, key: Uint8Array, mode: string) => (cipher === "SM4" ? `sm4-${mode}` : `aes-${key.length * 8}-${mode}`);

const LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 255, 256, 1000, 4096, 4111, 65535, 65536, 65537, 200_003];
const SPLIT_LEN = 150;

describe.each(["scalar", "simd"] as const)("core-wasm %s", (flavor) => {
  const core: Core = loadCoreSync(flavor);

  describe("SM3", () => {
    it("equals node:crypto and sm-crypto on random lengths", () => {
      for (const n of LENGTHS) {
        const m = rnd(n);
        const want = createHash("sm3").update(m).digest("hex");
        expect(hex(core.sm3(m))).toBe(want);
        if (n <= 4096) expect(sm.sm3(Array.from(m))).toBe(want);
      }
    });
    it("equals hash-wasm on random lengths", async () => {
      for (const n of LENGTHS) {
        const m = rnd(n);
        expect(hex(core.sm3(m))).toBe(await hashWasmSm3(m));
      }
    });
    it("streaming: every split point into 2 and 3 parts gives node:crypto's digest", () => {
      const m = rnd(SPLIT_LEN);
      const want = createHash("sm3").update(m).digest("hex");
      for (let i = 0; i <= m.length; i++) {
        expect(hex(core.createSm3().update(m.subarray(0, i)).update(m.subarray(i)).digest())).toBe(want);
        const j = Math.min(m.length, i + 67);
        expect(hex(core.createSm3().update(m.subarray(0, i)).update(m.subarray(i, j)).update(m.subarray(j)).digest())).toBe(want);
      }
    });
    it("HMAC-SM3 equals node:crypto and hash-wasm for key lengths 0..130", async () => {
      const m = rnd(77);
      for (let kl = 0; kl <= 130; kl += 13) {
        const k = rnd(kl);
        const want = createHmac("sm3", k).update(m).digest("hex");
        expect(hex(core.hmacSm3(k, m))).toBe(want);
        const hw = await createHMAC(createSM3(), k);
        hw.init(); hw.update(m);
        expect(hw.digest("hex")).toBe(want);
      }
    });
  });

  describe.each(["SM4", "AES"] as const)("%s block modes", (cipher) => {
    const keys = cipher === "SM4" ? [16] : [16, 24, 32];
    it.each(keys)("ECB / CBC with and without PKCS#7 equal node:crypto (key %i B)", (kl) => {
      for (const n of LENGTHS) {
        const key = rnd(kl), iv = rnd(16), pt = rnd(n);
        const e = createCipheriv(nodeName(cipher, key, "ecb"), key, null);
        const ecbWant = nodeRun(e, pt);
        expect(hex(core.ecbPkcs7(cipher, "encrypt", key, pt))).toBe(hex(ecbWant));
        expect(hex(core.ecbPkcs7(cipher, "decrypt", key, ecbWant))).toBe(hex(pt));
        const cbcWant = nodeRun(createCipheriv(nodeName(cipher, key, "cbc"), key, iv), pt);
        expect(hex(core.cbcPkcs7(cipher, "encrypt", key, iv, pt))).toBe(hex(cbcWant));
        expect(hex(core.cbcPkcs7(cipher, "decrypt", key, iv, cbcWant))).toBe(hex(pt));
        const blocks = pt.subarray(0, n - (n % 16));
        const d = createDecipheriv(nodeName(cipher, key, "cbc"), key, iv);
        d.setAutoPadding(false);
        expect(hex(core.cbc(cipher, "decrypt", key, iv, blocks))).toBe(hex(nodeRun(d, blocks)));
      }
    });
    it.each(keys)("CTR equals node:crypto on random lengths, incl. 128-bit counter wrap (key %i B)", (kl) => {
      for (const n of LENGTHS) {
        const key = rnd(kl), pt = rnd(n);
        for (const iv of [rnd(16), new Uint8Array(16).fill(0xff), cat(rnd(8), new Uint8Array(8).fill(0xff))]) {
          const want = nodeRun(createCipheriv(nodeName(cipher, key, "ctr"), key, iv), pt);
          expect(hex(core.ctr(cipher, key, iv, pt))).toBe(hex(want));
        }
      }
    });
    it("CTR streaming: every split point into 2 and 3 parts equals node:crypto", () => {
      const key = rnd(keys.at(-1)!), iv = rnd(16), pt = rnd(SPLIT_LEN);
      const want = hex(nodeRun(createCipheriv(nodeName(cipher, key, "ctr"), key, iv), pt));
      for (let i = 0; i <= pt.length; i++) {
        const s = core.createCtr(cipher, key, iv);
        const j = Math.min(pt.length, i + 29);
        expect(hex(cat(s.update(pt.subarray(0, i)), s.update(pt.subarray(i, j)), s.update(pt.subarray(j))))).toBe(want);
        s.dispose();
      }
    });
  });

  describe("GCM", () => {
    it("AES-GCM equals node:crypto on random lengths (AAD and text)", () => {
      for (const n of LENGTHS) {
        for (const kl of [16, 32]) {
          const key = rnd(kl), iv = rnd(12), pt = rnd(n), aad = rnd(n % 97);
          const c = createCipheriv(`aes-${kl * 8}-gcm` as "aes-256-gcm", key, iv);
          c.setAAD(aad);
          const want = cat(nodeRun(c, pt), c.getAuthTag());
          expect(hex(core.gcmSeal("AES", key, iv, pt, aad))).toBe(hex(want));
          expect(hex(core.gcmOpen("AES", key, iv, want, aad))).toBe(hex(pt));
        }
      }
    });
    it("SM4-GCM equals the portable GCM over OpenSSL sm4-ecb on random lengths", () => {
      for (const n of LENGTHS.filter((x) => x < 70000)) {
        const key = rnd(16), iv = rnd(12), pt = rnd(n), aad = rnd(n % 97);
        const want = portableGcmSeal(sm4EcbNode(key), iv, pt, aad);
        expect(hex(core.gcmSeal("SM4", key, iv, pt, aad))).toBe(hex(want));
        expect(hex(core.gcmOpen("SM4", key, iv, want, aad))).toBe(hex(pt));
      }
    });
    it.each(["SM4", "AES"] as const)("%s-GCM streaming: every split point of AAD and of text equals the reference", (cipher) => {
      const key = rnd(16), iv = rnd(12), pt = rnd(SPLIT_LEN), aad = rnd(45);
      const want = hex(cipher === "AES" ? nodeAesGcm(key, iv, pt, aad) : portableGcmSeal(sm4EcbNode(key), iv, pt, aad));
      for (let i = 0; i <= pt.length; i++) {
        const a = i % (aad.length + 1);
        const s = core.createGcmEncrypt(cipher, key, iv).aad(aad.subarray(0, a)).aad(aad.subarray(a));
        const ct = cat(s.update(pt.subarray(0, i)), s.update(pt.subarray(i)));
        expect(hex(cat(ct, s.final()))).toBe(want);
        const d = core.createGcmDecrypt(cipher, key, iv).aad(aad.subarray(0, a)).aad(aad.subarray(a));
        const back = cat(d.update(ct.subarray(0, i)), d.update(ct.subarray(i)));
        d.final(Buffer.from(want.slice(-32), "hex"));
        expect(hex(back)).toBe(hex(pt));
      }
    });
  });

  describe("prepared GCM keys (gcmKey)", () => {
    // Lengths around the 64 KiB I/O window (IV ‖ AAD ‖ text ‖ tag in one core call below it, streaming above).
    const KEYED = [...LENGTHS.filter((x) => x < 70000), 65_488, 65_489, 65_503, 65_504, 65_505];
    it("AES-GCM keyed seal/open equal node:crypto; one key serves many nonces and lengths", () => {
      for (const kl of [16, 24, 32]) {
        const key = rnd(kl);
        const k = core.gcmKey("AES", key);
        for (const n of KEYED) {
          const iv = rnd(12), pt = rnd(n), aad = rnd((n * 7) % 131);
          const want = nodeAesGcm(key, iv, pt, aad);
          expect(hex(k.seal(iv, pt, aad))).toBe(hex(want));
          expect(hex(k.open(iv, want, aad))).toBe(hex(pt));
        }
        k.dispose();
      }
    });
    it("SM4-GCM keyed seal/open equal the portable GCM over OpenSSL sm4-ecb, with AAD filling the window too", () => {
      const key = rnd(16);
      const k = core.gcmKey("SM4", key);
      for (const n of KEYED) {
        for (const al of [0, 13, 65_000 - Math.min(n, 65_000)]) {
          const iv = rnd(12), pt = rnd(n), aad = rnd(al);
          const want = portableGcmSeal(sm4EcbNode(key), iv, pt, aad);
          expect(hex(k.seal(iv, pt, aad))).toBe(hex(want));
          expect(hex(k.open(iv, want, aad))).toBe(hex(pt));
          expect(hex(core.gcmOpen("SM4", key, iv, want, aad))).toBe(hex(pt));
        }
      }
      k.dispose();
    });
    it("interleaves with streams and one-shot calls; wrong tags fail; disposed keys are refused", () => {
      const key = rnd(16), iv = rnd(12), m = rnd(300);
      const k = core.gcmKey("SM4", key);
      const g = core.createGcmEncrypt("SM4", key, iv);
      const parts: Uint8Array[] = [];
      for (let off = 0; off < m.length; off += 50) {
        parts.push(g.update(m.subarray(off, off + 50)));
        const sealed = k.seal(iv, m.subarray(0, off));
        expect(hex(sealed)).toBe(hex(portableGcmSeal(sm4EcbNode(key), iv, m.subarray(0, off), new Uint8Array(0))));
        const bad = sealed.slice();
        bad[bad.length - 1 - (off % 16)]! ^= 1;
        expect(() => k.open(iv, bad)).toThrow(expect.objectContaining({ code: "AUTHENTICATION_FAILED" }));
      }
      expect(hex(cat(...parts, g.final()))).toBe(hex(portableGcmSeal(sm4EcbNode(key), iv, m, new Uint8Array(0))));
      expect(() => k.seal(rnd(8), m)).toThrow(RangeError);
      expect(() => k.open(iv, rnd(15))).toThrow(RangeError);
      expect(() => core.gcmKey("SM4", rnd(32))).toThrow(RangeError);
      k.dispose();
      expect(() => k.seal(iv, m)).toThrow(/disposed/);
    });
  });

  describe("context ownership", () => {
    it("interleaved streams and one-shot calls do not disturb each other", () => {
      const k1 = rnd(16), k2 = rnd(32), iv1 = rnd(12), iv2 = rnd(16), m = rnd(300);
      const g = core.createGcmEncrypt("SM4", k1, iv1);
      const c = core.createCtr("AES", k2, iv2);
      const h = core.createSm3();
      const out: Uint8Array[] = [], ks: Uint8Array[] = [];
      for (let off = 0; off < m.length; off += 37) {
        const part = m.subarray(off, off + 37);
        out.push(g.update(part));
        h.update(part);
        ks.push(c.update(part));
        core.sm3(part); // one-shot in between
        core.gcmSeal("AES", k2, iv1, part);
      }
      expect(hex(cat(...out, g.final()))).toBe(hex(portableGcmSeal(sm4EcbNode(k1), iv1, m, new Uint8Array(0))));
      expect(hex(cat(...ks))).toBe(hex(nodeRun(createCipheriv("aes-256-ctr", k2, iv2), m)));
      expect(hex(h.digest())).toBe(createHash("sm3").update(m).digest("hex"));
      c.dispose();
    });
  });

  describe("misuse", () => {
    it("inputs are never mutated", () => {
      const key = rnd(16), iv = rnd(12), pt = rnd(1000), aad = rnd(20);
      const copies = [key, iv, pt, aad].map((x) => x.slice());
      const sealed = core.gcmSeal("SM4", key, iv, pt, aad);
      const sealedCopy = sealed.slice();
      core.gcmOpen("SM4", key, iv, sealed, aad);
      core.ctr("SM4", key, rnd(16), pt);
      core.cbcPkcs7("SM4", "encrypt", key, rnd(16), pt);
      core.sm3(pt);
      core.hmacSm3(key, pt);
      [key, iv, pt, aad].forEach((x, i) => expect(hex(x)).toBe(hex(copies[i]!)));
      expect(hex(sealed)).toBe(hex(sealedCopy));
    });
    it("results are fresh arrays, not views of WASM memory", () => {
      const a = core.sm3(rnd(10));
      const keep = a.slice();
      core.sm3(rnd(10));
      expect(hex(a)).toBe(hex(keep));
      expect(a.buffer.byteLength).toBe(32);
    });
    it("GCM: 12-byte nonce only, 16-byte tag only, any flipped bit fails", () => {
      const key = rnd(16), pt = rnd(40);
      expect(() => core.gcmSeal("SM4", key, rnd(16), pt)).toThrow(RangeError);
      expect(() => core.gcmSeal("SM4", key, rnd(8), pt)).toThrow(RangeError);
      expect(() => core.gcmOpen("SM4", key, rnd(12), rnd(15))).toThrow(RangeError);
      const iv = rnd(12);
      const sealed = core.gcmSeal("SM4", key, iv, pt);
      const d = core.createGcmDecrypt("SM4", key, iv);
      d.update(sealed.subarray(0, 40));
      expect(() => d.final(sealed.subarray(40, 52))).toThrow(RangeError); // truncated tag refused
      for (let i = 0; i < sealed.length; i++) {
        const bad = sealed.slice();
        bad[i]! ^= 0x80;
        expect(() => core.gcmOpen("SM4", key, iv, bad)).toThrow(expect.objectContaining({ code: "AUTHENTICATION_FAILED" }));
      }
    });
    it("finished objects refuse reuse; AAD after text is refused", () => {
      const h = core.createSm3();
      h.digest();
      expect(() => h.update(rnd(1))).toThrow();
      expect(() => h.digest()).toThrow();
      const g = core.createGcmEncrypt("AES", rnd(16), rnd(12));
      g.update(rnd(3));
      expect(() => g.aad(rnd(3))).toThrow(/AAD/);
      g.final();
      expect(() => g.update(rnd(1))).toThrow();
      const c = core.createCtr("SM4", rnd(16), rnd(16));
      c.dispose();
      expect(() => c.update(rnd(1))).toThrow();
    });
    it("wrong key lengths and types are refused with TypeError / RangeError", () => {
      expect(() => core.gcmSeal("SM4", rnd(32), rnd(12), rnd(1))).toThrow(RangeError);
      expect(() => core.gcmSeal("AES", rnd(15), rnd(12), rnd(1))).toThrow(RangeError);
      // @ts-expect-error wrong type on purpose
      expect(() => core.sm3("abc")).toThrow(TypeError);
      expect(() => core.ecb("SM4", "encrypt", rnd(16), rnd(15))).toThrow(RangeError);
      expect(() => core.cbcPkcs7("AES", "decrypt", rnd(16), rnd(16), rnd(16))).toThrow(); // padding (almost surely) bad
    });
  });
});

describe("sm-crypto SM4 cross-check (scalar and SIMD agree with it)", () => {
  it.each(["scalar", "simd"] as const)("%s: ECB and CBC with PKCS#7", (flavor) => {
    const core = loadCoreSync(flavor);
    for (const n of [0, 1, 16, 33, 500]) {
      const key = rnd(16), iv = rnd(16), pt = rnd(n);
      const ecb = sm.sm4.encrypt(Array.from(pt), hex(key), { padding: "pkcs#7", output: "array" });
      expect(hex(core.ecbPkcs7("SM4", "encrypt", key, pt))).toBe(hex(Uint8Array.from(ecb)));
      const cbc = sm.sm4.encrypt(Array.from(pt), hex(key), { mode: "cbc", iv: hex(iv), padding: "pkcs#7", output: "array" });
      expect(hex(core.cbcPkcs7("SM4", "encrypt", key, iv, pt))).toBe(hex(Uint8Array.from(cbc)));
    }
  });
});

function sm4EcbNode(key: Uint8Array) {
  return (blocks: Uint8Array) => {
    const c = createCipheriv("sm4-ecb", key, null);
    c.setAutoPadding(false);
    return nodeRun(c, blocks);
  };
}

function nodeAesGcm(key: Uint8Array, iv: Uint8Array, pt: Uint8Array, aad: Uint8Array) {
  const c = createCipheriv(`aes-${key.length * 8}-gcm` as "aes-256-gcm", key, iv);
  c.setAAD(aad);
  return cat(nodeRun(c, pt), c.getAuthTag());
}
