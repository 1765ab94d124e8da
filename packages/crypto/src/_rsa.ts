/**
 * RSA internals shared by the RSAES / RSASSA files: key parsing, the raw RSA primitives (RFC 8017 §5.1–5.2) through
 * OpenSSL with no padding (OpenSSL blinds the private operation), MGF1 (RFC 8017 §B.2.1), and constant-time helpers.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicDecrypt,
  type KeyObject,
} from "node:crypto";
import { InvalidKeyError } from "./_errors.js";
import { abytes } from "./_validate.js";

/** Hashes the RSA schemes here use, as RFC 8017 / FIPS 180-4 name them. */
export type RsaHash = "SHA-1" | "SHA-256";
export const HASH_LENGTH: Record<RsaHash, number> = { "SHA-1": 20, "SHA-256": 32 };
export const NODE_HASH: Record<RsaHash, string> = { "SHA-1": "sha1", "SHA-256": "sha256" };

export function hash(alg: RsaHash, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(NODE_HASH[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Smallest and largest modulus accepted (bits). OpenKMS keys are 2048; the range admits callers' keys. */
export const MIN_BITS = 2048;
export const MAX_BITS = 4096;

export interface RsaKey {
  key: KeyObject;
  /** modulus length in bits */
  bits: number;
  /** modulus length in bytes (k in RFC 8017) */
  k: number;
}

function checked(key: KeyObject, what: string): RsaKey {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== "rsa" || bits === undefined) throw new InvalidKeyError(`expected an RSA ${what} key`);
  if (bits < MIN_BITS || bits > MAX_BITS) throw new InvalidKeyError(`RSA modulus ${bits} bits, expected ${MIN_BITS}..${MAX_BITS}`);
  return { key, bits, k: Math.ceil(bits / 8) };
}

/** PKCS#8 DER → RSA private key. */
export function privateKey(pkcs8: Uint8Array): RsaKey {
  abytes(pkcs8, undefined, "secretKey");
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  } catch {
    throw new InvalidKeyError("secretKey is not PKCS#8 DER");
  }
  return checked(key, "private");
}

/** SubjectPublicKeyInfo DER → RSA public key. */
export function publicKey(spki: Uint8Array): RsaKey {
  abytes(spki, undefined, "publicKey");
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    throw new InvalidKeyError("publicKey is not SubjectPublicKeyInfo DER");
  }
  return checked(key, "public");
}

/**
 * RSADP / RSASP1 (RFC 8017 §5.1.2 / §5.2.1): m = c^d mod n, as k bytes. `input` must be k bytes.
 * @throws Error when the input is not smaller than n (the caller maps it to its own error)
 */
export function rawPrivate(k: RsaKey, input: Uint8Array): Uint8Array {
  // privateDecrypt and privateEncrypt with RSA_NO_PADDING are both the bare private-key operation.
  return new Uint8Array(privateDecrypt({ key: k.key, padding: constants.RSA_NO_PADDING }, input));
}

/** RSAVP1 / RSAEP (RFC 8017 §5.2.2 / §5.1.1): s^e mod n as k bytes; throws when s ≥ n. */
export function rawPublic(k: RsaKey, input: Uint8Array): Uint8Array {
  return new Uint8Array(publicDecrypt({ key: k.key, padding: constants.RSA_NO_PADDING }, input));
}

/** MGF1 (RFC 8017 §B.2.1): T = Hash(seed ‖ C) for C = 0, 1, … (4-byte big-endian), cut to maskLen. */
export function mgf1(alg: RsaHash, seed: Uint8Array, maskLen: number): Uint8Array {
  const out = new Uint8Array(maskLen);
  const c = new Uint8Array(4);
  const hLen = HASH_LENGTH[alg];
  for (let off = 0, counter = 0; off < maskLen; off += hLen, counter++) {
    new DataView(c.buffer).setUint32(0, counter);
    const block = hash(alg, seed, c);
    out.set(block.subarray(0, Math.min(hLen, maskLen - off)), off);
  }
  return out;
}

// Constant-time helpers on small non-negative integers (bytes and indices < 2^31), returning 0 or 1.
/** 1 when x = 0. */
export const ctIsZero = (x: number): number => (((x | -x) >>> 31) ^ 1) & 1;
/** 1 when a = b. */
export const ctEq = (a: number, b: number): number => ctIsZero(a ^ b);
/** 1 when a ≥ b. */
export const ctGe = (a: number, b: number): number => ((a - b) >>> 31) ^ 1;
/** mask ? a : b, for mask ∈ {0, 1}. */
export const ctSelect = (mask: number, a: number, b: number): number => (a & -mask) | (b & ~-mask);
