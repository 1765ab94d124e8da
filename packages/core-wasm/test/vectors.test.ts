// Known-answer tests of the WASM core, run against both builds (scalar and SIMD128).
import { describe, expect, it } from "vitest";
import { loadCoreSync, simdSupported, type Core } from "../src/index.js";
import { hex, toHex, wycheproofCases } from "../../crypto/test/_vectors.js";
import { acvpCases, field, smCases } from "../../crypto/test/_acvp.js";

const flavors = ["scalar", "simd"] as const;
const cores: Record<string, Core> = {};
const coreOf = (f: (typeof flavors)[number]) => (cores[f] ??= loadCoreSync(f));

it("the platform validates the SIMD128 build (else half of this suite would not run)", () => {
  expect(simdSupported()).toBe(true);
  expect(coreOf("simd").simd).toBe(true);
  expect(coreOf("scalar").simd).toBe(false);
});

const H = (s: string) => hex(s.toLowerCase());
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

describe.each(flavors)("core-wasm %s", (flavor) => {
  const core = () => coreOf(flavor);

  describe("sm-standard-vectors.json", () => {
    it.each(smCases("sm3").map((v) => [v.id, v] as const))("SM3 %s", (_id, v) => {
      expect(toHex(core().sm3(field(v, "msg")))).toBe(v.digest);
    });
    it.each(smCases("hmacSm3").map((v) => [v.id, v] as const))("HMAC-SM3 %s", (_id, v) => {
      expect(toHex(core().hmacSm3(field(v, "key"), field(v, "msg")))).toBe(v.mac);
    });
    const sm4Modes = ["ECB", "ECB-iterated", "CBC", "CTR"];
    it.each(smCases("sm4", (v) => sm4Modes.includes(v.mode)).map((v) => [v.id, v] as const))("SM4 %s", (_id, v) => {
      const key = hex(v.key), pt = hex(v.pt);
      switch (v.mode) {
        case "ECB":
          expect(toHex(core().ecb("SM4", "encrypt", key, pt))).toBe(v.ct);
          expect(toHex(core().ecb("SM4", "decrypt", key, hex(v.ct)))).toBe(v.pt);
          break;
        case "ECB-iterated": {
          // E^n(P): CBC over n−1 zero blocks with IV = E(P) gives C_j = E(C_{j−1}), the last block is E^n(P).
          const n = v.iterations!;
          expect(n).toBe(1_000_000);
          const first = core().ecb("SM4", "encrypt", key, pt);
          const chain = core().cbc("SM4", "encrypt", key, first, new Uint8Array((n - 1) * 16));
          expect(toHex(chain.subarray(chain.length - 16))).toBe(v.ct);
          break;
        }
        case "CBC":
          expect(toHex(core().cbc("SM4", "encrypt", key, hex(v.iv!), pt))).toBe(v.ct);
          expect(toHex(core().cbc("SM4", "decrypt", key, hex(v.iv!), hex(v.ct)))).toBe(v.pt);
          break;
        case "CTR":
          expect(toHex(core().ctr("SM4", key, hex(v.iv!), pt))).toBe(v.ct);
          break;
      }
    });
    it.each(smCases("sm4Aead", (v) => v.mode === "GCM").map((v) => [v.id, v] as const))("SM4-GCM %s", (_id, v) => {
      const sealed = core().gcmSeal("SM4", hex(v.key), hex(v.iv), hex(v.pt), hex(v.aad));
      expect(toHex(sealed)).toBe(v.ct + v.tag);
      expect(toHex(core().gcmOpen("SM4", hex(v.key), hex(v.iv), sealed, hex(v.aad)))).toBe(v.pt);
    });
  });

  // KMS profile: 96-bit IV and 128-bit tag. Other IV sizes must be refused by the API (checked below).
  const kms = (g: Record<string, unknown>) => g.ivSize === 96 && g.tagSize === 128;

  describe.each([
    ["SM4", "sm4_gcm_test.json", () => true],
    ["AES", "aes_gcm_test.json", (g: Record<string, unknown>) => g.keySize === 128 || g.keySize === 256 || g.keySize === 192],
  ] as const)("Wycheproof %s-GCM (%s)", (cipher, file, keyOk) => {
    it.each(wycheproofCases(file, (g) => kms(g) && keyOk(g)).map((c) => [c.test.tcId, c] as const))("tcId %i", (_id, { test }) => {
      const key = hex(test.key as string), iv = hex(test.iv as string), aad = hex(test.aad as string);
      const msg = hex(test.msg as string), sealed = hex((test.ct as string) + (test.tag as string));
      if (test.result === "valid") {
        expect(toHex(core().gcmSeal(cipher, key, iv, msg, aad))).toBe(toHex(sealed));
        expect(toHex(core().gcmOpen(cipher, key, iv, sealed, aad))).toBe(toHex(msg));
      } else {
        expect(() => core().gcmOpen(cipher, key, iv, sealed, aad)).toThrow(expect.objectContaining({ code: "AUTHENTICATION_FAILED" }));
      }
    });
    it("refuses every non-96-bit IV group", () => {
      const other = wycheproofCases(file, (g) => g.ivSize !== 96 && keyOk(g));
      for (const { test } of other) {
        expect(() => core().gcmSeal(cipher, hex(test.key as string), hex(test.iv as string), new Uint8Array(0))).toThrow(RangeError);
      }
    });
  });

  // FIPS 197 Appendix C: the example vectors of the standard (plaintext 00112233…ff, key 000102…), each key size.
  describe("FIPS 197 Appendix C", () => {
    const pt = H("00112233445566778899aabbccddeeff");
    const key = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
    it.each([
      ["C.1 AES-128", 16, "69c4e0d86a7b0430d8cdb78070b4c55a"],
      ["C.2 AES-192", 24, "dda97ca4864cdfe06eaf70a0ec0d7191"],
      ["C.3 AES-256", 32, "8ea2b7ca516745bfeafc49904b496089"],
    ] as const)("%s", (_name, n, ct) => {
      expect(toHex(core().ecb("AES", "encrypt", key(n), pt))).toBe(ct);
      expect(toHex(core().ecb("AES", "decrypt", key(n), H(ct)))).toBe(toHex(pt));
      // 1..9 copies: the SIMD build's 4-block path and its 1–3-block tail give the same block everywhere
      for (let m = 1; m <= 9; m++) {
        const many = cat(...Array.from({ length: m }, () => pt));
        expect(toHex(core().ecb("AES", "encrypt", key(n), many))).toBe(ct.repeat(m));
        expect(toHex(core().ecb("AES", "decrypt", key(n), H(ct.repeat(m))))).toBe(toHex(many));
      }
    });
  });

  describe("Wycheproof aes_cbc_pkcs5_test.json", () => {
    it.each(wycheproofCases("aes_cbc_pkcs5_test.json").map((c) => [c.test.tcId, c] as const))("tcId %i", (_id, { test }) => {
      const key = hex(test.key as string), iv = hex(test.iv as string), msg = hex(test.msg as string), ct = hex(test.ct as string);
      if (test.result === "valid") {
        expect(toHex(core().cbcPkcs7("AES", "encrypt", key, iv, msg))).toBe(toHex(ct));
        expect(toHex(core().cbcPkcs7("AES", "decrypt", key, iv, ct))).toBe(toHex(msg));
      } else {
        expect(() => core().cbcPkcs7("AES", "decrypt", key, iv, ct)).toThrow();
      }
    });
  });

  describe("Wycheproof hmac_sm3_test.json", () => {
    it.each(wycheproofCases("hmac_sm3_test.json").map((c) => [c.test.tcId, c] as const))("tcId %i", (_id, { test }) => {
      const mac = core().hmacSm3(hex(test.key as string), hex(test.msg as string));
      const tag = test.tag as string;
      const matches = toHex(mac).slice(0, tag.length) === tag;
      expect(matches).toBe(test.result === "valid");
    });
  });

  describe("ACVP AES-GCM", () => {
    it.each(acvpCases("ACVP-AES-GCM-1.0").map((c) => [c.test.tcId, c] as const))("tcId %i", (_id, { group, test }) => {
      const key = H(test.key as string), iv = H(test.iv as string), aad = H(test.aad as string);
      if (group.ivLen !== 96) {
        expect(() => core().gcmSeal("AES", key, iv, new Uint8Array(0), aad)).toThrow(RangeError);
        return;
      }
      const tagBytes = group.tagLen! / 8;
      const ct = H(test.ct as string ?? ""), tag = H(test.tag as string);
      if (group.direction === "encrypt") {
        const sealed = core().gcmSeal("AES", key, iv, H(test.pt as string), aad);
        expect(toHex(sealed.subarray(0, ct.length))).toBe(toHex(ct));
        expect(toHex(sealed.subarray(ct.length, ct.length + tagBytes))).toBe(toHex(tag)); // MSB_t(T)
      } else if (tagBytes !== 16) {
        expect(() => core().gcmOpen("AES", key, iv, cat(ct, tag), aad)).toThrow(); // short tags never verify
      } else if (test.testPassed === false) {
        expect(() => core().gcmOpen("AES", key, iv, cat(ct, tag), aad)).toThrow(expect.objectContaining({ code: "AUTHENTICATION_FAILED" }));
      } else {
        expect(toHex(core().gcmOpen("AES", key, iv, cat(ct, tag), aad))).toBe(toHex(H(test.pt as string)));
      }
    });
  });

  describe("ACVP AES-CTR", () => {
    it.each(acvpCases("ACVP-AES-CTR-1.0").map((c) => [c.test.tcId, c] as const))("tcId %i", (_id, { group, test }) => {
      const key = H(test.key as string), iv = H(test.iv as string);
      const bits = test.payloadLen as number;
      const [input, expected] = group.direction === "encrypt" ? [test.pt, test.ct] : [test.ct, test.pt];
      const out = core().ctr("AES", key, iv, H(input as string));
      if (bits % 8 !== 0) out[out.length - 1]! &= (0xff << (8 - (bits % 8))) & 0xff; // payloadLen is in bits
      expect(toHex(out)).toBe((expected as string).toLowerCase());
    });
  });

  describe("ACVP AES-CBC", () => {
    it.each(acvpCases("ACVP-AES-CBC-1.0", (g) => g.testType === "AFT").map((c) => [c.test.tcId, c] as const))("AFT tcId %i", (_id, { group, test }) => {
      const key = H(test.key as string), iv = H(test.iv as string);
      if (group.direction === "encrypt") expect(toHex(core().cbc("AES", "encrypt", key, iv, H(test.pt as string)))).toBe((test.ct as string).toLowerCase());
      else expect(toHex(core().cbc("AES", "decrypt", key, iv, H(test.ct as string)))).toBe((test.pt as string).toLowerCase());
    });
    // Monte Carlo test (AESAVS §6.4): 100 outer iterations of 1000 chained CBC blocks, key updated from the last outputs.
    it.each(acvpCases("ACVP-AES-CBC-1.0", (g) => g.testType === "MCT").map((c) => [c.test.tcId, c] as const))("MCT tcId %i", (_id, { group, test }) => {
      const results = test.resultsArray as { key: string; iv: string; pt: string; ct: string }[];
      expect(results.length).toBe(100);
      const encrypt = group.direction === "encrypt";
      let key = H(test.key as string), iv = H(test.iv as string);
      let input = H((encrypt ? test.pt : test.ct) as string);
      for (let i = 0; i < 100; i++) {
        const r = results[i]!;
        expect(toHex(key)).toBe(r.key.toLowerCase());
        expect(toHex(iv)).toBe(r.iv.toLowerCase());
        // Block by block, following the AESAVS pseudocode literally.
        const outs: Uint8Array[] = [];
        let chain = iv; // C[j−1], with C[−1] = IV
        let inp = input;
        for (let j = 0; j < 1000; j++) {
          const out = core().cbc("AES", encrypt ? "encrypt" : "decrypt", key, chain, inp);
          chain = encrypt ? out : inp;
          inp = j === 0 ? iv : outs[j - 1]!; // next input: IV, then the output of step j−1
          outs.push(out);
        }
        const last = outs[999]!, prev = outs[998]!;
        expect(toHex(last)).toBe((encrypt ? r.ct : r.pt).toLowerCase());
        key = key.length === 16 ? xor(key, last) : xor(key, cat(prev, last));
        iv = last;
        input = prev;
      }
    });
  });

  describe("GHASH (SP 800-38D §6.4) against a bit-serial reference (Algorithm 1, BigInt)", () => {
    it("random H and data, 0..100 bytes", () => {
      for (let len = 0; len <= 100; len += 3) {
        const h = crypto.getRandomValues(new Uint8Array(16)), data = crypto.getRandomValues(new Uint8Array(len));
        expect(toHex(core().ghash(h, data))).toBe(toHex(ghashReference(h, data)));
      }
    });
  });
});

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((x, i) => x ^ b[i]!);
}

/** SP 800-38D §6.3 Algorithm 1 (bit by bit, R = 11100001 ‖ 0^120) and §6.4 GHASH, written independently of the core. */
function ghashReference(h: Uint8Array, data: Uint8Array): Uint8Array {
  const toBig = (b: Uint8Array) => BigInt("0x" + (toHex(b) || "0"));
  const R = 0xe1n << 120n;
  const H = toBig(h);
  const mul = (x: bigint, y: bigint) => {
    let z = 0n, v = y;
    for (let i = 127; i >= 0; i--) {
      if ((x >> BigInt(i)) & 1n) z ^= v;
      v = v & 1n ? (v >> 1n) ^ R : v >> 1n;
    }
    return z;
  };
  let y = 0n;
  for (let off = 0; off < data.length; off += 16) {
    const block = new Uint8Array(16);
    block.set(data.subarray(off, off + 16));
    y = mul(y ^ toBig(block), H);
  }
  return hex(y.toString(16).padStart(32, "0"));
}
