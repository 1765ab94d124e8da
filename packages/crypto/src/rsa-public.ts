/**
 * RSA public-key operations on every runtime, asynchronous: RSAES-OAEP encryption (RFC 8017 §7.1.1) and
 * RSASSA-PSS / RSASSA-PKCS1-v1_5 verification (§8.1.2 / §8.2.2) with SHA-256 — Tencent's `RSAES_OAEP_SHA_1`,
 * `RSAES_OAEP_SHA_256`, `RSA_PSS_SHA_256` (MGF1-SHA-256, salt 32) and `RSA_PKCS1_SHA_256`.
 *
 * RAW messages and encryption go to the platform (`./platform`: WebCrypto in a browser, OpenSSL in Node). A 32-byte
 * DIGEST has no WebCrypto API, so RSAVP1 (s^e mod n, public data: plain bigint arithmetic is fine) and
 * EMSA-PSS-VERIFY / EMSA-PKCS1-v1_5 (§9.1.2 / §9.2) are done here, with the platform's SHA-256.
 *
 * Keys: SubjectPublicKeyInfo DER (rsaEncryption), 2048..4096-bit moduli. Shapes for RSA-2048: ciphertext and
 * signature 256 B; plaintext ≤ 214 B (OAEP SHA-1) / 190 B (OAEP SHA-256); digest 32 B.
 * Errors: a non-RSA or malformed key → `InvalidKeyError`; wrong types → `TypeError`; a too-long plaintext or a
 * digest that is not 32 B → `RangeError`. Verification returns false for every bad signature.
 */
import { platform } from "#platform";
import { InvalidKeyError } from "./_errors.js";
import { abytes } from "./_validate.js";
import { constantTimeEqual } from "./constant-time.js";
import { bigintToBytes, bytesToBigint, parseSpki } from "./public-key.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

const HASH_LENGTH = { "SHA-1": 20, "SHA-256": 32 } as const;
/** PSS salt length in bytes (= hash length). */
export const SALT_LENGTH = 32;

interface RsaPublic {
  spki: Uint8Array;
  n: bigint;
  e: bigint;
  bits: number;
  /** modulus length in bytes */
  k: number;
}

function rsaKey(spki: Uint8Array): RsaPublic {
  abytes(spki, undefined, "publicKey");
  const info = parseSpki(spki);
  if (info.type !== "RSA") throw new InvalidKeyError(`expected an RSA public key, got ${info.type}`);
  return { spki, n: info.modulus, e: info.exponent, bits: info.bits, k: Math.ceil(info.bits / 8) };
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  for (; exp > 0n; exp >>= 1n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
  }
  return result;
}

/** RSAVP1 (§5.2.2): s^e mod n as k bytes, or undefined when s ≥ n. */
function rsavp1(key: RsaPublic, signature: Uint8Array): Uint8Array | undefined {
  const s = bytesToBigint(signature);
  if (s >= key.n) return undefined;
  return bigintToBytes(modPow(s, key.e, key.n), key.k);
}

const sha256 = (...parts: Uint8Array[]) => {
  let len = 0;
  for (const p of parts) len += p.length;
  const all = new Uint8Array(len);
  let off = 0;
  for (const p of parts) all.set(p, off), (off += p.length);
  return platform.digest("SHA-256", all);
};

/**
 * RSAES-OAEP-ENCRYPT (RFC 8017 §7.1.1), MGF1 over the same hash, empty label.
 * @param publicKey SPKI DER
 * @param plaintext 0..k − 2·hLen − 2 bytes (RSA-2048: 214 for SHA-1, 190 for SHA-256)
 * @param hash `"SHA-1"` or `"SHA-256"`
 * @returns k bytes (256 for RSA-2048); randomised
 */
export async function oaepEncrypt(publicKey: Uint8Array, plaintext: Uint8Array, hash: "SHA-1" | "SHA-256"): Promise<Uint8Array> {
  if (hash !== "SHA-1" && hash !== "SHA-256") throw new TypeError(`"hash" expected "SHA-1" or "SHA-256", got ${String(hash)}`);
  abytes(plaintext, undefined, "plaintext");
  const key = rsaKey(publicKey);
  const max = key.k - 2 * HASH_LENGTH[hash] - 2;
  if (plaintext.length > max) throw new RangeError(`"plaintext" expected at most ${max} bytes, got ${plaintext.length}`);
  return platform.rsaOaepEncrypt(key.spki, hash, plaintext);
}

/**
 * RSASSA-PSS-VERIFY of a RAW message (§8.1.2): SHA-256, MGF1-SHA-256, salt length 32.
 * @param publicKey SPKI DER
 * @returns true only for a valid signature (a signature of the wrong length is false)
 */
export async function pssVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  abytes(message, undefined, "message");
  abytes(signature, undefined, "signature");
  const key = rsaKey(publicKey);
  if (signature.length !== key.k) return false;
  return platform.rsaVerify("PSS", key.spki, message, signature);
}

/** MGF1-SHA-256 (RFC 8017 §B.2.1). */
async function mgf1(seed: Uint8Array, maskLen: number): Promise<Uint8Array> {
  const out = new Uint8Array(maskLen);
  const c = new Uint8Array(4);
  for (let off = 0, counter = 0; off < maskLen; off += 32, counter++) {
    new DataView(c.buffer).setUint32(0, counter);
    const block = await sha256(seed, c);
    out.set(block.subarray(0, Math.min(32, maskLen - off)), off);
  }
  return out;
}

/**
 * RSASSA-PSS-VERIFY of a 32-byte SHA-256 digest mHash: RSAVP1 then EMSA-PSS-VERIFY (§8.1.2, §9.1.2), salt 32.
 * @param publicKey SPKI DER
 * @param digest 32 B
 * @returns true only for a valid signature
 */
export async function pssVerifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
  abytes(digest, 32, "digest");
  abytes(signature, undefined, "signature");
  const key = rsaKey(publicKey);
  if (signature.length !== key.k) return false;
  const m = rsavp1(key, signature);
  if (!m) return false;
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  for (let i = 0; i < key.k - emLen; i++) if (m[i] !== 0) return false;
  const em = m.subarray(key.k - emLen);
  if (emLen < 32 + SALT_LENGTH + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - 33);
  const h = em.subarray(emLen - 33, emLen - 1);
  const topMask = 0xff >>> (8 * emLen - emBits);
  if ((maskedDb[0]! & ~topMask & 0xff) !== 0) return false;
  const mask = await mgf1(h, maskedDb.length);
  const db = maskedDb.map((v, i) => v ^ mask[i]!);
  db[0]! &= topMask;
  const psLen = emLen - 32 - SALT_LENGTH - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - SALT_LENGTH);
  return constantTimeEqual(await sha256(new Uint8Array(8), digest, salt), h);
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY of a RAW message (§8.2.2), SHA-256.
 * @param publicKey SPKI DER
 * @returns true only for a valid signature
 */
export async function pkcs1Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  abytes(message, undefined, "message");
  abytes(signature, undefined, "signature");
  const key = rsaKey(publicKey);
  if (signature.length !== key.k) return false;
  return platform.rsaVerify("PKCS1", key.spki, message, signature);
}

/** DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO_PREFIX = Uint8Array.of(
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
);

/**
 * RSASSA-PKCS1-V1_5-VERIFY of a 32-byte SHA-256 digest: RSAVP1, then compare the whole encoded message with
 * EMSA-PKCS1-v1_5-ENCODE(digest) (§8.2.2 steps 3–4; no parsing of attacker data).
 * @param publicKey SPKI DER
 * @param digest 32 B
 * @returns true only for a valid signature
 */
export async function pkcs1VerifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
  abytes(digest, 32, "digest");
  abytes(signature, undefined, "signature");
  const key = rsaKey(publicKey);
  if (signature.length !== key.k) return false;
  const em = rsavp1(key, signature);
  if (!em) return false;
  const expected = new Uint8Array(key.k).fill(0xff);
  const tLen = SHA256_DIGEST_INFO_PREFIX.length + 32;
  expected[0] = 0x00;
  expected[1] = 0x01;
  expected[key.k - tLen - 1] = 0x00;
  expected.set(SHA256_DIGEST_INFO_PREFIX, key.k - tLen);
  expected.set(digest, key.k - 32);
  return constantTimeEqual(em, expected);
}
