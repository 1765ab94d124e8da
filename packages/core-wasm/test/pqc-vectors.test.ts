// Known-answer tests of the PQC module (SHA-3/SHAKE, ML-KEM-768, ML-DSA-65), run on both builds (scalar and SIMD128).
// Vectors: ACVP (FIPS 203 / FIPS 204, both revisions) and Wycheproof; SHA-3 against node:crypto (OpenSSL).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InvalidKeyError, loadPqcSync, pqcSimdSupported, pqcWasmBytes, PqcCore, type PqcExports } from "../src/pqc.js";
import { hex, loadJson, toHex, wycheproofCases } from "../../crypto/test/_vectors.js";
import { acvpCases } from "../../crypto/test/_acvp.js";

const flavors = ["scalar", "simd"] as const;
const cores: Record<string, PqcCore> = {};
const pqcOf = (f: (typeof flavors)[number]) => (cores[f] ??= loadPqcSync(f));
const H = (s: unknown) => hex(String(s).toLowerCase());
const s = (v: unknown) => String(v);

it("the platform validates the SIMD128 build of the PQC module", () => {
  expect(pqcSimdSupported()).toBe(true);
  expect(pqcOf("simd").simd).toBe(true);
  expect(pqcOf("scalar").simd).toBe(false);
});

describe.each(flavors)("pqc %s", (flavor) => {
  const pqc = () => pqcOf(flavor);

  describe("SHA-3 and SHAKE (FIPS 202) against node:crypto", () => {
    // Lengths around the rates (72, 136, 168 bytes) and across the 16 KiB input window.
    const lengths = [0, 1, 7, 8, 71, 72, 73, 135, 136, 137, 167, 168, 169, 1000, 16383, 16384, 16385, 40000];
    it.each(lengths)("%i-byte message", (n) => {
      const msg = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      const copy = msg.slice();
      expect(toHex(pqc().sha3_256(msg))).toBe(createHash("sha3-256").update(msg).digest("hex"));
      expect(toHex(pqc().sha3_512(msg))).toBe(createHash("sha3-512").update(msg).digest("hex"));
      for (const out of [0, 1, 32, 167, 168, 169, 1000, 20000]) {
        expect(toHex(pqc().shake128(msg, out))).toBe(createHash("shake128", { outputLength: out }).update(msg).digest("hex"));
        expect(toHex(pqc().shake256(msg, out))).toBe(createHash("shake256", { outputLength: out }).update(msg).digest("hex"));
      }
      expect(msg).toEqual(copy);
    });
    it("absorbs parts without joining them", () => {
      const a = new Uint8Array(100).fill(1), b = new Uint8Array(37).fill(2);
      const joined = new Uint8Array(137);
      joined.set(a);
      joined.set(b, 100);
      expect(pqc().shake256Parts([a, b], 64)).toEqual(pqc().shake256(joined, 64));
    });
  });

  describe("ML-KEM-768 ACVP", () => {
    it.each(acvpCases("ML-KEM-keyGen-FIPS203").map(({ test }) => [test.tcId, test] as const))("keyGen tcId %i", (_id, t) => {
      const { encapsulationKey, decapsulationKey } = pqc().mlKem768KeyGen(H(t.d), H(t.z));
      expect(toHex(encapsulationKey)).toBe(s(t.ek).toLowerCase());
      expect(toHex(decapsulationKey)).toBe(s(t.dk).toLowerCase());
    });

    for (const dir of ["ML-KEM-encapDecap-FIPS203", "ML-KEM-encapDecap-FIPS203-tr1"]) {
      const cases = acvpCases(dir).map(({ group, test }) => [`${String(group.function)}/${String(group.keyFormat ?? "-")} tcId ${test.tcId}`, group, test] as const);
      it.each(cases)(`${dir} %s`, (_name, g, t) => {
        switch (g.function) {
          case "encapsulation": {
            const { ciphertext, sharedSecret } = pqc().mlKem768Encaps(H(t.ek), H(t.m));
            expect(toHex(ciphertext)).toBe(s(t.c).toLowerCase());
            expect(toHex(sharedSecret)).toBe(s(t.k).toLowerCase());
            break;
          }
          case "decapsulation": {
            // keyFormat "seed" gives the key as d, z: expand it first (FIPS 203 Algorithm 16).
            const dk = g.keyFormat === "seed" ? pqc().mlKem768KeyGen(H(t.d), H(t.z)).decapsulationKey : H(t.dk);
            expect(toHex(pqc().mlKem768Decaps(dk, H(t.c)))).toBe(s(t.k).toLowerCase());
            break;
          }
          case "encapsulationKeyCheck":
            expect(pqc().mlKem768CheckEncapsulationKey(H(t.ek))).toBe(t.testPassed);
            if (!t.testPassed) expect(() => pqc().mlKem768Encaps(H(t.ek), new Uint8Array(32))).toThrow(/modulus check/);
            break;
          case "decapsulationKeyCheck":
            expect(pqc().mlKem768CheckDecapsulationKey(H(t.dk))).toBe(t.testPassed);
            if (!t.testPassed) expect(() => pqc().mlKem768Decaps(H(t.dk), new Uint8Array(1088))).toThrow(/hash check/);
            break;
          default:
            throw new Error(`unexpected function ${String(g.function)}`);
        }
      });
    }
  });

  describe("ML-KEM-768 Wycheproof", () => {
    const run = (fn: () => Uint8Array) => {
      try {
        return fn();
      } catch {
        return null; // rejected
      }
    };
    it.each(wycheproofCases("mlkem_768_keygen_seed_test.json").map(({ test }) => [test.tcId, test] as const))(
      "mlkem_768_keygen_seed_test tcId %i",
      (_id, t) => {
        const seed = H(t.seed);
        const { encapsulationKey, decapsulationKey } = pqc().mlKem768KeyGen(seed.subarray(0, 32), seed.subarray(32));
        expect(t.result).toBe("valid");
        expect(toHex(encapsulationKey)).toBe(t.ek);
        expect(toHex(decapsulationKey)).toBe(t.dk);
      },
    );
    it.each(wycheproofCases("mlkem_768_test.json").map(({ test }) => [test.tcId, test] as const))("mlkem_768_test tcId %i %s", (_id, t) => {
      // keygen from the 64-byte seed d‖z, then decapsulate c. Invalid: wrong seed or ciphertext lengths.
      const k = run(() => {
        const seed = H(t.seed);
        if (seed.length !== 64) throw new RangeError("seed");
        const keys = pqc().mlKem768KeyGen(seed.subarray(0, 32), seed.subarray(32));
        expect(toHex(keys.encapsulationKey)).toBe(t.ek);
        return pqc().mlKem768Decaps(keys.decapsulationKey, H(t.c));
      });
      if (t.result === "valid") expect(k && toHex(k)).toBe(t.K);
      else expect(k).toBeNull();
    });
    it.each(wycheproofCases("mlkem_768_encaps_test.json").map(({ test }) => [test.tcId, test] as const))("mlkem_768_encaps_test tcId %i", (_id, t) => {
      const r = run(() => {
        const { ciphertext, sharedSecret } = pqc().mlKem768Encaps(H(t.ek), H(t.m));
        expect(toHex(ciphertext)).toBe(t.c);
        return sharedSecret;
      });
      if (t.result === "valid") expect(r && toHex(r)).toBe(t.K);
      else expect(r).toBeNull();
    });
    it.each(wycheproofCases("mlkem_768_semi_expanded_decaps_test.json").map(({ test }) => [test.tcId, test] as const))(
      "mlkem_768_semi_expanded_decaps_test tcId %i",
      (_id, t) => {
        const k = run(() => pqc().mlKem768Decaps(H(t.dk), H(t.c)));
        if (t.result === "valid") expect(k && toHex(k)).toBe(t.K);
        else expect(k).toBeNull();
      },
    );
  });
});

/** HashML-DSA (FIPS 204 Algorithm 4 steps 10–23): M′ = 1 ‖ |ctx| ‖ ctx ‖ OID ‖ PH(M), with PH from node:crypto. */
const PREHASH: Record<string, [node: string, oidLast: number, outputLength?: number]> = {
  "SHA2-256": ["sha256", 0x01], "SHA2-384": ["sha384", 0x02], "SHA2-512": ["sha512", 0x03], "SHA2-224": ["sha224", 0x04],
  "SHA2-512/224": ["sha512-224", 0x05], "SHA2-512/256": ["sha512-256", 0x06], "SHA3-224": ["sha3-224", 0x07],
  "SHA3-256": ["sha3-256", 0x08], "SHA3-384": ["sha3-384", 0x09], "SHA3-512": ["sha3-512", 0x0a],
  "SHAKE-128": ["shake128", 0x0b, 32], "SHAKE-256": ["shake256", 0x0c, 64],
};
function hashMlDsaMPrime(hashAlg: string, message: Uint8Array, context: Uint8Array): Uint8Array {
  const entry = PREHASH[hashAlg];
  if (!entry) throw new Error(`unknown hashAlg ${hashAlg}`);
  const [name, last, outputLength] = entry;
  const ph = createHash(name, outputLength ? { outputLength } : undefined).update(message).digest();
  // DER OID 2.16.840.1.101.3.4.2.<n> (NIST hash algorithms arc).
  const oid = Uint8Array.of(0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, last);
  return Uint8Array.from([1, context.length, ...context, ...oid, ...ph]);
}

/** ACVP ML-DSA sigGen: prompt.json joined with expectedResults.json on tcId (internalProjection is absent). */
function sigGenCases(dir: string) {
  const prompt = loadJson<{ testGroups: { tgId: number; [k: string]: unknown; tests: { tcId: number; [k: string]: unknown }[] }[] }>(`acvp/${dir}/prompt.json`);
  const expected = loadJson<{ testGroups: { tests: { tcId: number; signature: string }[] }[] }>(`acvp/${dir}/expectedResults.json`);
  const sig = new Map<number, string>();
  for (const g of expected.testGroups) for (const t of g.tests) sig.set(t.tcId, t.signature);
  const out = prompt.testGroups.flatMap((g) => g.tests.map((t) => ({ group: g, test: { ...t, signature: sig.get(t.tcId) } as Record<string, unknown> & { tcId: number } })));
  if (out.length === 0 || out.some((c) => c.test.signature === undefined)) throw new Error(`acvp/${dir}: no or unmatched cases`);
  return out;
}

const ZERO_RND = new Uint8Array(32);

describe.each(flavors)("ML-DSA-65 %s", (flavor) => {
  const pqc = () => pqcOf(flavor);

  it.each(acvpCases("ML-DSA-keyGen-FIPS204").map(({ test }) => [test.tcId, test] as const))("ACVP keyGen tcId %i", (_id, t) => {
    const { publicKey, secretKey } = pqc().mlDsa65KeyGen(H(t.seed));
    expect(toHex(publicKey)).toBe(s(t.pk).toLowerCase());
    expect(toHex(secretKey)).toBe(s(t.sk).toLowerCase());
  });

  for (const dir of ["ML-DSA-sigGen-FIPS204", "ML-DSA-sigGen-FIPS204-tr1"]) {
    const cases = sigGenCases(dir).map(({ group: g, test: t }) => {
      const iface = g.signatureInterface === "internal" ? (g.externalMu ? "internal/mu" : "internal/message") : `external/${String(g.preHash)}`;
      return [`${iface} ${g.deterministic ? "deterministic" : "hedged"} ${String(g.keyFormat ?? "")} tcId ${t.tcId}`, g, t] as const;
    });
    it.each(cases)(`ACVP ${dir} %s`, (_name, g, t) => {
      const sk = g.keyFormat === "seed" ? pqc().mlDsa65KeyGen(H(t.seed)).secretKey : H(t.sk);
      const rnd = g.deterministic ? ZERO_RND : H(t.rnd);
      let sig: Uint8Array;
      if (g.signatureInterface === "internal") {
        sig = g.externalMu ? pqc().mlDsa65SignMu(sk, H(t.mu), rnd) : pqc().mlDsa65SignInternal(sk, H(t.message), rnd);
      } else if (g.preHash === "pure") {
        sig = pqc().mlDsa65Sign(sk, H(t.message), H(t.context), rnd);
      } else {
        sig = pqc().mlDsa65SignInternal(sk, hashMlDsaMPrime(s(t.hashAlg), H(t.message), H(t.context)), rnd);
      }
      expect(toHex(sig)).toBe(s(t.signature).toLowerCase());
    });
  }

  it.each(acvpCases("ML-DSA-sigVer-FIPS204").map(({ group, test }) => [`${String(group.signatureInterface)}/${String(group.preHash ?? "")}/${String(group.externalMu)} tcId ${test.tcId} ${String(test.reason)}`, group, test] as const))(
    "ACVP sigVer %s",
    (_name, g, t) => {
      const pk = H(t.pk), sig = H(t.signature);
      let ok: boolean;
      if (g.signatureInterface === "internal") {
        ok = g.externalMu ? pqc().mlDsa65VerifyMu(pk, H(t.mu), sig) : pqc().mlDsa65VerifyInternal(pk, H(t.message), sig);
      } else if (g.preHash === "pure") {
        ok = pqc().mlDsa65Verify(pk, H(t.message), sig, H(t.context));
      } else {
        ok = pqc().mlDsa65VerifyInternal(pk, hashMlDsaMPrime(s(t.hashAlg), H(t.message), H(t.context)), sig);
      }
      expect(ok).toBe(t.testPassed);
    },
  );

  const rejected = (fn: () => unknown) => {
    try {
      return fn();
    } catch {
      return null;
    }
  };
  for (const file of ["mldsa_65_sign_seed_test.json", "mldsa_65_sign_noseed_test.json"]) {
    it.each(wycheproofCases(file).map(({ group, test }) => [test.tcId, test.comment, group, test] as const))(`Wycheproof ${file} tcId %i %s`, (_id, _c, g, t) => {
      // Key from the 32-byte seed (KeyGen) or given expanded; with msg: pure ML-DSA.Sign with ctx (empty when absent);
      // with mu only: the external-μ interface. rnd absent = deterministic.
      const sig = rejected(() => {
        let sk: Uint8Array;
        if (file.includes("noseed")) sk = H(g.privateKey);
        else {
          const keys = pqc().mlDsa65KeyGen(H(g.privateSeed));
          expect(toHex(keys.publicKey)).toBe(g.publicKey);
          sk = keys.secretKey;
        }
        const rnd = t.rnd ? H(t.rnd) : ZERO_RND;
        if (t.msg === undefined) return pqc().mlDsa65SignMu(sk, H(t.mu), rnd);
        const out = pqc().mlDsa65Sign(sk, H(t.msg), H(t.ctx ?? ""), rnd);
        if (t.mu !== undefined) expect(toHex(pqc().mlDsa65SignMu(sk, H(t.mu), rnd))).toBe(toHex(out));
        return out;
      });
      if (t.result === "valid") expect(sig && toHex(sig as Uint8Array)).toBe(t.sig);
      else expect(sig).toBeNull();
    });
  }
  it.each(wycheproofCases("mldsa_65_verify_test.json").map(({ group, test }) => [test.tcId, test.comment, group, test] as const))(
    "Wycheproof mldsa_65_verify_test tcId %i %s",
    (_id, _c, g, t) => {
      const ok = rejected(() => pqc().mlDsa65Verify(H(g.publicKey), H(t.msg), H(t.sig), H(t.ctx ?? "")));
      expect(ok === true).toBe(t.result === "valid");
    },
  );
});

describe("PQC module misuse and hygiene", () => {
  const pqc = loadPqcSync("scalar");
  it("refuses wrong types and lengths with TypeError / RangeError naming the field", () => {
    expect(() => pqc.mlKem768KeyGen(new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => pqc.mlKem768KeyGen("x" as unknown as Uint8Array, new Uint8Array(32))).toThrow(TypeError);
    expect(() => pqc.mlKem768Encaps(new Uint8Array(1183), new Uint8Array(32))).toThrow(/"encapsulationKey" expected 1184 bytes, got 1183/);
    expect(() => pqc.mlKem768Decaps(new Uint8Array(2400), new Uint8Array(1089))).toThrow(/"ciphertext" expected 1088 bytes, got 1089/);
    expect(() => pqc.shake128(new Uint8Array(1), -1)).toThrow(RangeError);
  });

  it("leaves inputs unchanged and no seed, key or shared secret in WASM memory afterwards", () => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(pqcWasmBytes("scalar")), {
      env: { abort: () => { throw new Error("abort"); } },
    }).exports as unknown as PqcExports;
    const core = new PqcCore(exports);
    const mem = () => new Uint8Array(exports.memory.buffer);
    const contains = (needle: Uint8Array) => Buffer.from(mem()).indexOf(Buffer.from(needle)) !== -1;
    const d = new Uint8Array(32).fill(0xa5), z = new Uint8Array(32).fill(0x5a), m = new Uint8Array(32).fill(0x3c);
    const { encapsulationKey, decapsulationKey } = core.mlKem768KeyGen(d, z);
    const dkCopy = decapsulationKey.slice();
    const { ciphertext, sharedSecret } = core.mlKem768Encaps(encapsulationKey, m);
    const k = core.mlKem768Decaps(decapsulationKey, ciphertext);
    expect(k).toEqual(sharedSecret);
    expect(decapsulationKey).toEqual(dkCopy);
    expect(d.every((b) => b === 0xa5) && z.every((b) => b === 0x5a) && m.every((b) => b === 0x3c)).toBe(true);
    for (const secret of [d, z, m, sharedSecret, decapsulationKey.subarray(0, 64), decapsulationKey.subarray(2368)]) {
      expect(contains(secret)).toBe(false);
    }
  });

  it("ML-DSA: refuses a context over 255 bytes when signing, returns false when verifying; sign leaves no secret behind", () => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(pqcWasmBytes("scalar")), {
      env: { abort: () => { throw new Error("abort"); } },
    }).exports as unknown as PqcExports;
    const core = new PqcCore(exports);
    const seed = new Uint8Array(32).fill(0x77);
    const { publicKey, secretKey } = core.mlDsa65KeyGen(seed);
    const skCopy = secretKey.slice();
    const msg = new TextEncoder().encode("hello");
    expect(() => core.mlDsa65Sign(secretKey, msg, new Uint8Array(256), ZERO_RND)).toThrow(/"context" expected at most 255 bytes, got 256/);
    const rnd = new Uint8Array(32).fill(0x42);
    const sig = core.mlDsa65Sign(secretKey, msg, new Uint8Array(0), rnd);
    expect(core.mlDsa65Verify(publicKey, msg, sig, new Uint8Array(0))).toBe(true);
    expect(core.mlDsa65Verify(publicKey, msg, sig, new Uint8Array(256))).toBe(false);
    expect(core.mlDsa65Verify(publicKey, msg, sig, Uint8Array.of(1))).toBe(false);
    expect(core.mlDsa65Verify(publicKey, msg, sig.subarray(1), new Uint8Array(0))).toBe(false);
    expect(() => core.mlDsa65Verify(publicKey.subarray(1), msg, sig, new Uint8Array(0))).toThrow(RangeError);
    expect(secretKey).toEqual(skCopy);
    // Hedged (different rnd) and deterministic signatures differ; both verify.
    const det = core.mlDsa65Sign(secretKey, msg, new Uint8Array(0), ZERO_RND);
    expect(det).not.toEqual(sig);
    expect(core.mlDsa65Verify(publicKey, msg, det, new Uint8Array(0))).toBe(true);
    const mem = Buffer.from(new Uint8Array(exports.memory.buffer));
    for (const secret of [seed, rnd, secretKey.subarray(32, 64), secretKey.subarray(128, 768)]) {
      expect(mem.indexOf(Buffer.from(secret))).toBe(-1);
    }
  });

  // Audit 2026-11-29: the input checks that known-answer vectors exercise only by chance.
  it("ML-KEM modulus check (FIPS 203 §7.2) at its boundary: a 12-bit value of q − 1 passes, q fails", () => {
    const seed = new Uint8Array(64).map((_, i) => 3 * i);
    const { encapsulationKey } = pqc.mlKem768KeyGen(seed.subarray(0, 32), seed.subarray(32));
    // Overwrite coefficient 0 of t̂[1] (bytes 384, 385: low 12 bits) with a chosen value v.
    const withCoeff = (v: number) => {
      const ek = encapsulationKey.slice();
      ek[384] = v & 0xff;
      ek[385] = (ek[385]! & 0xf0) | (v >> 8);
      return ek;
    };
    expect(pqc.mlKem768CheckEncapsulationKey(withCoeff(3328))).toBe(true);
    expect(() => pqc.mlKem768Encaps(withCoeff(3328), new Uint8Array(32))).not.toThrow();
    for (const v of [3329, 4095]) {
      expect(pqc.mlKem768CheckEncapsulationKey(withCoeff(v))).toBe(false);
      expect(() => pqc.mlKem768Encaps(withCoeff(v), new Uint8Array(32))).toThrow(InvalidKeyError);
    }
  });

  it("ML-KEM hash check (FIPS 203 §7.3): any change to ek or H(ek) inside dk is refused; z is not covered", () => {
    const seed = new Uint8Array(64).map((_, i) => 5 * i);
    const { encapsulationKey, decapsulationKey } = pqc.mlKem768KeyGen(seed.subarray(0, 32), seed.subarray(32));
    const { ciphertext } = pqc.mlKem768Encaps(encapsulationKey, new Uint8Array(32).fill(1));
    for (const at of [1152, 2335, 2336, 2367]) {
      const dk = decapsulationKey.slice();
      dk[at]! ^= 0x80;
      expect(pqc.mlKem768CheckDecapsulationKey(dk)).toBe(false);
      expect(() => pqc.mlKem768Decaps(dk, ciphertext)).toThrow(InvalidKeyError);
    }
    const dk = decapsulationKey.slice();
    dk[2399]! ^= 1; // z: only changes the implicit-rejection key
    expect(pqc.mlKem768CheckDecapsulationKey(dk)).toBe(true);
  });

  describe("ML-DSA verify refuses every malformed hint encoding (HintBitUnpack, FIPS 204 Algorithm 21)", () => {
    const H0 = 48 + 5 * 640; // c̃ ‖ z ‖ h: the hint starts at byte 3248; ω = 55 index bytes, then k = 6 counts
    const msg = new TextEncoder().encode("hints");
    const none = new Uint8Array(0);
    const { publicKey, secretKey } = pqc.mlDsa65KeyGen(new Uint8Array(32).fill(9));
    // A signature with at least two hint bits in one polynomial (so that order can be broken) and spare index bytes.
    let sig: Uint8Array = new Uint8Array(0), row = -1;
    for (let i = 0; row < 0 && i < 200; i++) {
      sig = pqc.mlDsa65Sign(secretKey, msg, none, new Uint8Array(32).fill(i));
      const counts = Array.from(sig.subarray(H0 + 55, H0 + 61));
      if (counts[5]! >= 55) continue;
      row = counts.findIndex((c, r) => c - (r === 0 ? 0 : counts[r - 1]!) >= 2);
    }
    const counts = Array.from(sig.subarray(H0 + 55, H0 + 61));
    const first = row === 0 ? 0 : counts[row - 1]!;
    const mutate = (f: (s: Uint8Array) => void) => {
      const s = sig.slice();
      f(s);
      return pqc.mlDsa65Verify(publicKey, msg, s, none);
    };
    it("the unmodified signature verifies", () => {
      expect(row).toBeGreaterThanOrEqual(0);
      expect(pqc.mlDsa65Verify(publicKey, msg, sig, none)).toBe(true);
    });
    it("step 4: a count above ω, or below the previous count", () => {
      expect(mutate((s) => { s[H0 + 55 + 5] = 56; })).toBe(false);
      expect(mutate((s) => { s[H0 + 55 + row] = first - 1 < 0 ? 255 : first - 1; })).toBe(false);
    });
    // Swapped indices and a stray padding byte leave the decoded h unchanged: only the checks of steps 9 and 17 refuse them.
    it("step 9: indices within a polynomial not strictly increasing (swapped, or repeated)", () => {
      expect(mutate((s) => { const a = s[H0 + first]!; s[H0 + first] = s[H0 + first + 1]!; s[H0 + first + 1] = a; })).toBe(false);
      expect(mutate((s) => { s[H0 + first + 1] = s[H0 + first]!; })).toBe(false);
    });
    it("step 17: a non-zero byte after the last index", () => {
      expect(mutate((s) => { s[H0 + 54] = 1; })).toBe(false);
    });
  });

  it("error paths leave no secret in WASM memory (hash-check failure, malformed ML-DSA secret key)", () => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(pqcWasmBytes("scalar")), {
      env: { abort: () => { throw new Error("abort"); } },
    }).exports as unknown as PqcExports;
    const core = new PqcCore(exports);
    const mem = () => Buffer.from(new Uint8Array(exports.memory.buffer));
    const { decapsulationKey } = core.mlKem768KeyGen(new Uint8Array(32).fill(0x11), new Uint8Array(32).fill(0x22));
    const dk = decapsulationKey.slice();
    dk[2336]! ^= 1;
    expect(() => core.mlKem768Decaps(dk, new Uint8Array(1088))).toThrow(InvalidKeyError);
    expect(mem().indexOf(Buffer.from(dk.subarray(0, 64)))).toBe(-1);
    const { secretKey } = core.mlDsa65KeyGen(new Uint8Array(32).fill(0x33));
    const sk = secretKey.slice();
    sk[128] = 0xff; // s1[0] coefficients η − 15: outside [−η, η]
    expect(() => core.mlDsa65SignMu(sk, new Uint8Array(64), ZERO_RND)).toThrow(InvalidKeyError);
    expect(mem().indexOf(Buffer.from(sk.subarray(32, 64)))).toBe(-1); // K
    expect(mem().indexOf(Buffer.from(sk.subarray(1536, 1600)))).toBe(-1); // t0
  });

  it("implicit rejection: a modified ciphertext yields J(z‖c), not an error", () => {
    const seed = new Uint8Array(64).map((_, i) => i);
    const { encapsulationKey, decapsulationKey } = pqc.mlKem768KeyGen(seed.subarray(0, 32), seed.subarray(32));
    const { ciphertext, sharedSecret } = pqc.mlKem768Encaps(encapsulationKey, new Uint8Array(32).fill(7));
    const bad = ciphertext.slice();
    bad[100]! ^= 1;
    const k = pqc.mlKem768Decaps(decapsulationKey, bad);
    expect(k).not.toEqual(sharedSecret);
    const z = decapsulationKey.subarray(2368);
    expect(k).toEqual(pqc.shake256Parts([z, bad], 32)); // FIPS 203 Algorithm 18 step 7: K̄ = J(z‖c)
  });
});

// The vector directory must be there: loadJson throws otherwise (a suite never passes on nothing).
it("vector files are present", () => {
  expect(loadJson<{ testGroups: unknown[] }>("wycheproof/mlkem_768_test.json").testGroups.length).toBeGreaterThan(0);
});
