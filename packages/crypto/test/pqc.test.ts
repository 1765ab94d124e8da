// ML-KEM-768 and ML-DSA-65 facades on both WASM builds: lengths, round trips, misuse, SPKI, and differential tests
// against @noble/post-quantum 0.7.1 in both directions (it decapsulates / verifies ours, we do the same for its).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ml_kem768 as nobleKem } from "@noble/post-quantum/ml-kem.js";
import { ml_dsa65 as nobleDsa } from "@noble/post-quantum/ml-dsa.js";
import { getBackend, setBackend, type BackendChoice } from "../src/backend.js";
import { ml_kem768, OID_ML_KEM_768 } from "../src/ml-kem.js";
import { ml_dsa65, OID_ML_DSA_65 } from "../src/ml-dsa.js";
import { isInvalidKeyError } from "../src/spki.js";
import { randomBytes } from "../src/random.js";
import { toHex } from "./_vectors.js";
import { thrown } from "./_thrown.js";

const backends: BackendChoice[] = ["wasm-scalar", "wasm-simd"];
const initial = getBackend();
afterAll(() => setBackend(initial));
const seeds = (n: number, len: number) => Array.from({ length: n }, (_, i) => Uint8Array.from({ length: len }, (_, j) => (i * 131 + j * 7 + 1) & 0xff));

describe.each(backends)("ML-KEM-768 on %s", (backend) => {
  beforeAll(() => setBackend(backend));

  it("exposes the FIPS 203 Table 3 lengths and produces them", () => {
    expect(ml_kem768.lengths).toEqual({ encapsulationKey: 1184, decapsulationKey: 2400, ciphertext: 1088, sharedSecret: 32, seed: 64, spki: 1206 });
    const { encapsulationKey, decapsulationKey } = ml_kem768.keygen();
    expect(encapsulationKey.length).toBe(1184);
    expect(decapsulationKey.length).toBe(2400);
    const { ciphertext, sharedSecret } = ml_kem768.encapsulate(encapsulationKey);
    expect([ciphertext.length, sharedSecret.length]).toEqual([1088, 32]);
    expect(ml_kem768.decapsulate(decapsulationKey, ciphertext)).toEqual(sharedSecret);
  });

  it.each(seeds(8, 64).map((s, i) => [i, s] as const))("same keys as noble from seed %i; noble decapsulates ours and we decapsulate noble's", (_i, seed) => {
    const ours = ml_kem768.keygen(seed);
    const theirs = nobleKem.keygen(seed);
    expect(toHex(ours.encapsulationKey)).toBe(toHex(theirs.publicKey));
    expect(toHex(ours.decapsulationKey)).toBe(toHex(theirs.secretKey));
    // Random keys too (not only the shared seed): each side encapsulates to the other's key.
    const nk = nobleKem.keygen();
    const a = ml_kem768.encapsulate(nk.publicKey);
    expect(toHex(nobleKem.decapsulate(a.ciphertext, nk.secretKey))).toBe(toHex(a.sharedSecret));
    const ok = ml_kem768.keygen();
    const b = nobleKem.encapsulate(ok.encapsulationKey);
    expect(toHex(ml_kem768.decapsulate(ok.decapsulationKey, b.cipherText))).toBe(toHex(b.sharedSecret));
    // Same m → same ciphertext and key as noble.
    const m = seed.subarray(0, 32);
    const c1 = ml_kem768.encapsulate(theirs.publicKey, m), c2 = nobleKem.encapsulate(theirs.publicKey, m);
    expect(toHex(c1.ciphertext)).toBe(toHex(c2.cipherText));
    expect(toHex(c1.sharedSecret)).toBe(toHex(c2.sharedSecret));
    // Implicit rejection agrees too.
    const bad = c1.ciphertext.slice();
    bad[0]! ^= 0x80;
    expect(toHex(ml_kem768.decapsulate(ours.decapsulationKey, bad))).toBe(toHex(nobleKem.decapsulate(bad, theirs.secretKey)));
  });

  it("rejects bad input with the one vocabulary, and leaves inputs unchanged", () => {
    const { encapsulationKey, decapsulationKey } = ml_kem768.keygen(seeds(1, 64)[0]);
    const ekCopy = encapsulationKey.slice(), dkCopy = decapsulationKey.slice();
    expect(() => ml_kem768.keygen(new Uint8Array(63))).toThrow(/"seed" expected 64 bytes, got 63/);
    expect(() => ml_kem768.encapsulate(encapsulationKey.subarray(1))).toThrow(RangeError);
    expect(() => ml_kem768.encapsulate([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => ml_kem768.decapsulate(decapsulationKey, new Uint8Array(1087))).toThrow(/"ciphertext" expected 1088 bytes, got 1087/);
    const unreduced = encapsulationKey.slice();
    unreduced[0] = 0xff;
    unreduced[1] = unreduced[1]! | 0x0f; // first 12-bit coefficient = 4095 ≥ q
    expect(ml_kem768.checkEncapsulationKey(unreduced)).toBe(false);
    expect(isInvalidKeyError(thrown(() => ml_kem768.encapsulate(unreduced)))).toBe(true);
    const badDk = decapsulationKey.slice();
    badDk[2340]! ^= 1; // inside H(ek)
    expect(ml_kem768.checkDecapsulationKey(badDk)).toBe(false);
    expect(() => ml_kem768.decapsulate(badDk, new Uint8Array(1088))).toThrow(/hash check/);
    expect(encapsulationKey).toEqual(ekCopy);
    expect(decapsulationKey).toEqual(dkCopy);
  });

  it("SPKI DER with id-alg-ml-kem-768, strict parse", () => {
    const { encapsulationKey } = ml_kem768.keygen(seeds(1, 64)[0]);
    const spki = ml_kem768.encodePublicKey(encapsulationKey);
    expect(spki.length).toBe(1206);
    // SEQUENCE(1202) { SEQUENCE(11) { OID 2.16.840.1.101.3.4.4.2 }, BIT STRING(1185) { 0 unused bits, ek } }
    expect(toHex(spki.subarray(0, 22))).toBe("308204b2300b0609608648016503040402038204a100");
    expect(OID_ML_KEM_768).toBe("2.16.840.1.101.3.4.4.2");
    expect(ml_kem768.parsePublicKey(spki)).toEqual(encapsulationKey);
    for (const bad of [spki.subarray(0, 1205), Uint8Array.from([...spki, 0]), ml_dsa65.encodePublicKey(new Uint8Array(1952))]) {
      expect(isInvalidKeyError(thrown(() => ml_kem768.parsePublicKey(bad)))).toBe(true);
    }
  });
});

describe.each(backends)("ML-DSA-65 on %s", (backend) => {
  beforeAll(() => setBackend(backend));
  const msg = new TextEncoder().encode("OpenKMS post-quantum signature");

  it("exposes the FIPS 204 Table 2 lengths and produces them", () => {
    expect(ml_dsa65.lengths).toEqual({ publicKey: 1952, secretKey: 4032, signature: 3309, seed: 32, maxContext: 255, spki: 1974 });
    const { publicKey, secretKey } = ml_dsa65.keygen();
    expect([publicKey.length, secretKey.length]).toEqual([1952, 4032]);
    const sig = ml_dsa65.sign(secretKey, msg);
    expect(sig.length).toBe(3309);
    expect(ml_dsa65.verify(publicKey, msg, sig)).toBe(true);
  });

  it("hedged by default (two signatures differ, both verify), deterministic on request (equal)", () => {
    const { publicKey, secretKey } = ml_dsa65.keygen(seeds(1, 32)[0]);
    const a = ml_dsa65.sign(secretKey, msg), b = ml_dsa65.sign(secretKey, msg);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(ml_dsa65.verify(publicKey, msg, a) && ml_dsa65.verify(publicKey, msg, b)).toBe(true);
    const d1 = ml_dsa65.sign(secretKey, msg, { deterministic: true }), d2 = ml_dsa65.sign(secretKey, msg, { deterministic: true });
    expect(d1).toEqual(d2);
    expect(toHex(d1)).toBe(toHex(nobleDsa.sign(msg, secretKey, { extraEntropy: false })));
  });

  it.each(seeds(6, 32).map((s, i) => [i, s] as const))("seed %i: same keys as noble; each verifies the other's signatures", (i, seed) => {
    const ours = ml_dsa65.keygen(seed);
    const theirs = nobleDsa.keygen(seed);
    expect(toHex(ours.publicKey)).toBe(toHex(theirs.publicKey));
    expect(toHex(ours.secretKey)).toBe(toHex(theirs.secretKey));
    const context = Uint8Array.from({ length: i * 50 }, (_, j) => j); // 0..250 bytes
    const m = randomBytes(1 + i * 700);
    // Hedged with a fixed rnd: byte-identical to noble's with the same extra entropy.
    const rnd = seed.slice().reverse();
    const s1 = ml_dsa65.sign(ours.secretKey, m, { context, rnd });
    expect(toHex(s1)).toBe(toHex(nobleDsa.sign(m, theirs.secretKey, { context, extraEntropy: rnd })));
    // Fresh random keys and randomness: cross-verification both ways.
    const nk = nobleDsa.keygen();
    const ns = nobleDsa.sign(m, nk.secretKey, { context });
    expect(ml_dsa65.verify(nk.publicKey, m, ns, { context })).toBe(true);
    expect(ml_dsa65.verify(nk.publicKey, m, ns)).toBe(context.length === 0);
    const ok = ml_dsa65.keygen();
    const os = ml_dsa65.sign(ok.secretKey, m, { context });
    expect(nobleDsa.verify(os, m, ok.publicKey, { context })).toBe(true);
    const tampered = os.slice();
    tampered[100]! ^= 4;
    expect(ml_dsa65.verify(ok.publicKey, m, tampered, { context })).toBe(false);
    expect(nobleDsa.verify(tampered, m, ok.publicKey, { context })).toBe(false);
  });

  it("rejects bad input; verify answers false for malformed signatures and contexts", () => {
    const { publicKey, secretKey } = ml_dsa65.keygen(seeds(1, 32)[0]);
    const skCopy = secretKey.slice();
    expect(() => ml_dsa65.sign(secretKey, msg, { context: new Uint8Array(256) })).toThrow(/"context" expected at most 255 bytes, got 256/);
    expect(() => ml_dsa65.sign(secretKey.subarray(1), msg)).toThrow(/"secretKey" expected 4032 bytes, got 4031/);
    expect(() => ml_dsa65.sign(secretKey, "m" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => ml_dsa65.sign(secretKey, msg, { rnd: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => ml_dsa65.sign(secretKey, msg, { rnd: new Uint8Array(32), deterministic: true })).toThrow(TypeError);
    expect(() => ml_dsa65.verify(publicKey.subarray(1), msg, new Uint8Array(3309))).toThrow(RangeError);
    const sig = ml_dsa65.sign(secretKey, msg);
    expect(ml_dsa65.verify(publicKey, msg, sig.subarray(0, 3308))).toBe(false);
    expect(ml_dsa65.verify(publicKey, msg, Uint8Array.from([...sig, 0]))).toBe(false);
    expect(ml_dsa65.verify(publicKey, msg, sig, { context: new Uint8Array(256) })).toBe(false);
    expect(ml_dsa65.verify(publicKey, Uint8Array.from([...msg, 0]), sig)).toBe(false);
    expect(secretKey).toEqual(skCopy);
    // An s1 coefficient outside [−η, η] (4-bit value 15 → η − 15 = −11): not a key KeyGen makes.
    const bad = secretKey.slice();
    bad[128] = 0xff;
    expect(isInvalidKeyError(thrown(() => ml_dsa65.sign(bad, msg)))).toBe(true);
  });

  it("SPKI DER with id-ml-dsa-65, strict parse", () => {
    const { publicKey } = ml_dsa65.keygen(seeds(1, 32)[0]);
    const spki = ml_dsa65.encodePublicKey(publicKey);
    expect(spki.length).toBe(1974);
    // SEQUENCE(1970) { SEQUENCE(11) { OID 2.16.840.1.101.3.4.3.18 }, BIT STRING(1953) { 0, pk } }
    expect(toHex(spki.subarray(0, 22))).toBe("308207b2300b0609608648016503040312038207a100");
    expect(OID_ML_DSA_65).toBe("2.16.840.1.101.3.4.3.18");
    expect(ml_dsa65.parsePublicKey(spki)).toEqual(publicKey);
    expect(isInvalidKeyError(thrown(() => ml_dsa65.parsePublicKey(ml_kem768.encodePublicKey(ml_kem768.keygen().encapsulationKey))))).toBe(true);
  });
});
