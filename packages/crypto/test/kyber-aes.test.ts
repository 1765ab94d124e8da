// Kyber_AES KEM-DEM (ML-KEM-768 → HKDF-SHA-256 → AES-256-GCM): golden vectors of blob format v1, an independent
// decryption of them with @noble/post-quantum + node:crypto, round trips, and every kind of tampering.
import { createDecipheriv, hkdfSync, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ml_kem768 as nobleKem } from "@noble/post-quantum/ml-kem.js";
import { getBackend, setBackend, type BackendChoice } from "../src/backend.js";
import * as kyberAes from "../src/kyber-aes.js";
import { decrypt, encrypt, fingerprint, isDecryptionError, lengths, parseBlob } from "../src/kyber-aes.js";
import { seal } from "../src/_kyber-aes.js";
import { ml_kem768 } from "../src/ml-kem.js";
import { isInvalidKeyError } from "../src/spki.js";
import { hex, toHex } from "./_vectors.js";
import { thrown } from "./_thrown.js";

interface Golden {
  seed: string;
  keyId: string;
  vectors: { name: string; m: string; plaintext: string; blob: string }[];
}
const golden = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "golden", "kyber-aes-v1.json"), "utf8")) as Golden;
if (golden.vectors.length === 0) throw new Error("no golden vectors");

const rejects = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isDecryptionError(err);
  }
  return false;
};

describe("golden vectors, checked independently with @noble/post-quantum and node:crypto", () => {
  const keys = nobleKem.keygen(hex(golden.seed));
  it.each(golden.vectors.map((v) => [v.name, v] as const))("%s", (_n, v) => {
    const blob = hex(v.blob);
    // Layout of docs/kyber-aes-blob.md.
    expect(blob[0]).toBe(1);
    expect(blob[1]).toBe(3);
    expect(toHex(blob.subarray(2, 18))).toBe(golden.keyId.replace(/-/g, ""));
    expect(toHex(blob.subarray(18, 50))).toBe(createHash("sha3-256").update(keys.publicKey).digest("hex"));
    expect(blob.length).toBe(hex(v.plaintext).length + 1154);
    const K = nobleKem.decapsulate(blob.subarray(50, 1138), keys.secretKey);
    const okm = new Uint8Array(hkdfSync("sha256", K, new Uint8Array(0), Buffer.from("OpenKMS Kyber_AES v1"), 44));
    const d = createDecipheriv("aes-256-gcm", okm.subarray(0, 32), okm.subarray(32, 44));
    d.setAAD(blob.subarray(0, 1138));
    d.setAuthTag(blob.subarray(blob.length - 16));
    const pt = Buffer.concat([d.update(blob.subarray(1138, blob.length - 16)), d.final()]);
    expect(pt.toString("hex")).toBe(v.plaintext);
  });
});

const backends: BackendChoice[] = ["wasm-scalar", "wasm-simd"];
const initial = getBackend();
afterAll(() => setBackend(initial));

describe.each(backends)("Kyber_AES on %s", (backend) => {
  beforeAll(() => setBackend(backend));
  const { encapsulationKey, decapsulationKey } = ml_kem768.keygen(hex(golden.seed));
  const keyId = golden.keyId;

  it.each(golden.vectors.map((v) => [v.name, v] as const))("golden %s: decrypts, and encrypts to the same bytes with the same m", (_n, v) => {
    expect(toHex(decrypt(decapsulationKey, hex(v.blob)))).toBe(v.plaintext);
    expect(toHex(seal({ keyId, publicKey: encapsulationKey }, hex(v.plaintext), hex(v.m)))).toBe(v.blob);
  });

  it("the public encrypt cannot be given the ML-KEM randomness m (a repeated m would repeat the GCM key and nonce)", () => {
    const v = golden.vectors[1]!;
    const call = encrypt as unknown as (r: unknown, p: Uint8Array, o: unknown) => Uint8Array;
    expect(() => call({ keyId, publicKey: encapsulationKey }, hex(v.plaintext), { m: hex(v.m) })).toThrow(TypeError);
    expect(() => call({ keyId, publicKey: encapsulationKey }, hex(v.plaintext), {})).toThrow(TypeError);
    expect(Object.keys(kyberAes)).not.toContain("seal");
    // Two encryptions of the same plaintext never share a KEM ciphertext, hence never a (key, nonce) pair.
    const a = encrypt({ keyId, publicKey: encapsulationKey }, hex(v.plaintext));
    const b = encrypt({ keyId, publicKey: encapsulationKey }, hex(v.plaintext));
    expect(toHex(a.subarray(lengths.header, lengths.header + lengths.kemCiphertext))).not.toBe(toHex(b.subarray(lengths.header, lengths.header + lengths.kemCiphertext)));
  });

  it("encrypts with the SPKI public key alone (as GetPublicKey returns it); parseBlob names the CMK", () => {
    const spki = ml_kem768.encodePublicKey(encapsulationKey);
    const pt = new TextEncoder().encode("secret");
    const blob = encrypt({ keyId, publicKey: spki }, pt);
    expect(blob.length).toBe(pt.length + lengths.overhead);
    const parsed = parseBlob(blob);
    expect(parsed.keyId).toBe(keyId);
    expect(parsed.fingerprint).toEqual(fingerprint(encapsulationKey));
    expect(decrypt(decapsulationKey, blob)).toEqual(pt);
    // Fresh randomness: two encryptions differ.
    expect(toHex(encrypt({ keyId, publicKey: spki }, pt))).not.toBe(toHex(blob));
  });

  it("every single-byte change anywhere in the blob is rejected with DecryptionError", () => {
    const blob = encrypt({ keyId, publicKey: encapsulationKey }, new TextEncoder().encode("tamper me"));
    // Every header byte, a spread of KEM-ciphertext bytes, every AES ciphertext and tag byte.
    const positions = [...Array(50).keys(), ...Array.from({ length: 64 }, (_, i) => 50 + i * 17), ...Array.from({ length: blob.length - 1138 }, (_, i) => 1138 + i)];
    for (const p of positions) {
      const bad = blob.slice();
      bad[p]! ^= 0x01;
      expect(rejects(() => decrypt(decapsulationKey, bad)), `byte ${p}`).toBe(true);
    }
    expect(rejects(() => decrypt(decapsulationKey, blob.subarray(0, blob.length - 1)))).toBe(true);
    expect(rejects(() => decrypt(decapsulationKey, blob.subarray(0, 1153)))).toBe(true);
    expect(rejects(() => decrypt(decapsulationKey, Uint8Array.from([...blob, 0])))).toBe(true);
  });

  it("another key's blob is refused (fingerprint), as is a blob re-labelled with another key's fingerprint", () => {
    const other = ml_kem768.keygen();
    const blob = encrypt({ keyId, publicKey: other.encapsulationKey }, new Uint8Array(3));
    expect(rejects(() => decrypt(decapsulationKey, blob))).toBe(true);
    const relabelled = blob.slice();
    relabelled.set(fingerprint(encapsulationKey), 18);
    expect(rejects(() => decrypt(decapsulationKey, relabelled))).toBe(true);
  });

  it("bad arguments: TypeError / RangeError / InvalidKeyError", () => {
    expect(() => encrypt({ keyId: "not-a-uuid", publicKey: encapsulationKey }, new Uint8Array(1))).toThrow(RangeError);
    expect(() => encrypt({ keyId, publicKey: encapsulationKey }, "x" as unknown as Uint8Array)).toThrow(TypeError);
    expect(isInvalidKeyError(thrown(() => encrypt({ keyId, publicKey: new Uint8Array(100) }, new Uint8Array(1))))).toBe(true);
    expect(() => decrypt(decapsulationKey.subarray(1), new Uint8Array(2000))).toThrow(RangeError);
  });
});
