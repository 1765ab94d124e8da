// The Kyber_AES KEM-DEM implementation behind `./kyber-aes` (format and key schedule documented there and in
// docs/kyber-aes-blob.md). Internal: not in the package's exports map, so `seal` with a caller-chosen m — which would
// repeat the AES-256-GCM key and nonce if m were reused — is reachable from the tests only.
import { platform } from "#platform";
import { aes256Gcm } from "./aes-gcm.js";
import { DecryptionError } from "./_errors.js";
import { pqcEngine, pqcReady } from "./_pqc-engine.js";
import { abytes } from "./_validate.js";
import { ml_kem768 } from "./ml-kem.js";

export const FORMAT_VERSION = 0x01;
export const ALGORITHM_ML_KEM_768_HKDF_SHA256_AES_256_GCM = 0x03;
const INFO = new TextEncoder().encode("OpenKMS Kyber_AES v1");

/** Byte lengths of the blob's parts. */
export const lengths = {
  keyId: 16,
  fingerprint: 32,
  kemCiphertext: 1088,
  /** version ‖ algorithm ‖ CMK id ‖ fingerprint */
  header: 50,
  tag: 16,
  /** blob length − plaintext length */
  overhead: 1154,
} as const;
const AAD_LENGTH = lengths.header + lengths.kemCiphertext;

/** The recipient of a blob: a Kyber_AES CMK's id and its public key. */
export interface KyberAesRecipient {
  /** CMK id, a lowercase UUID (`KeyId`). */
  keyId: string;
  /** The encapsulation key: 1184 raw bytes, or SPKI DER as `GetPublicKey` returns it (id-alg-ml-kem-768). */
  publicKey: Uint8Array;
}

/** The parsed, not yet authenticated, parts of a blob. */
export interface KyberAesBlob {
  keyId: string;
  /** SHA3-256 of the recipient's encapsulation key, 32 bytes */
  fingerprint: Uint8Array;
  kemCiphertext: Uint8Array;
  /** AES-256-GCM ciphertext ‖ tag */
  sealed: Uint8Array;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
function keyIdBytes(keyId: string): Uint8Array {
  if (typeof keyId !== "string") throw new TypeError(`"keyId" expected string, got ${typeof keyId}`);
  if (!UUID_RE.test(keyId)) throw new RangeError(`"keyId" expected a lowercase UUID, got ${keyId}`);
  const h = keyId.replace(/-/g, "");
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
function keyIdString(b: Uint8Array): string {
  const h = Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** SHA3-256(ek): the key fingerprint of the blob header (equal to the H(ek) that FIPS 203 stores inside dk). */
export function fingerprint(encapsulationKey: Uint8Array): Uint8Array {
  abytes(encapsulationKey, ml_kem768.lengths.encapsulationKey, "encapsulationKey");
  return pqcEngine().sha3_256(encapsulationKey);
}

/** The AES-256 key (32 bytes) and GCM nonce (12) of a 44-byte OKM, which is zeroed. */
function splitOkm(okm: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const key = okm.slice(0, 32), nonce = okm.slice(32, 44);
  okm.fill(0);
  return { key, nonce };
}

/**
 * OKM = HKDF-SHA-256(K, salt = empty, info, 44) → AES-256 key (32) and GCM nonce (12). Zeroes `sharedSecret` (K),
 * also when the derivation fails.
 */
function deriveKeyAndNonce(sharedSecret: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  try {
    return splitOkm(new Uint8Array(platform.nodeCrypto().hkdfSync("sha256", sharedSecret, new Uint8Array(0), INFO, 44)));
  } finally {
    sharedSecret.fill(0);
  }
}

/** {@link deriveKeyAndNonce} through the platform's HKDF (WebCrypto in a browser). */
async function deriveKeyAndNonceAsync(sharedSecret: Uint8Array): Promise<{ key: Uint8Array; nonce: Uint8Array }> {
  try {
    return splitOkm(await platform.hkdfSha256(sharedSecret, new Uint8Array(0), INFO, 44));
  } finally {
    sharedSecret.fill(0);
  }
}

/** Writes the blob header (version, algorithm, KeyId, SHA3-256(ek), KEM ciphertext) into `out`'s first AAD_LENGTH bytes. */
function writeHeader(out: Uint8Array, keyId: Uint8Array, ek: Uint8Array, kemCiphertext: Uint8Array): void {
  out[0] = FORMAT_VERSION;
  out[1] = ALGORITHM_ML_KEM_768_HKDF_SHA256_AES_256_GCM;
  out.set(keyId, 2);
  out.set(fingerprint(ek), 18);
  out.set(kemCiphertext, lengths.header);
}

/**
 * dk = dk_PKE ‖ ek ‖ H(ek) ‖ z (FIPS 203 Algorithm 16 step 3): the blob's fingerprint must be this key's H(ek)
 * (compared in constant time). @throws DecryptionError when it is not
 */
function checkFingerprint(decapsulationKey: Uint8Array, blobFingerprint: Uint8Array): void {
  const h = decapsulationKey.subarray(2336, 2368);
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= h[i]! ^ blobFingerprint[i]!;
  if (diff !== 0) throw new DecryptionError();
}

/**
 * The encryption of {@link encrypt} with the ML-KEM randomness m either drawn (`undefined`) or given. Only `encrypt`
 * (m drawn) is public; a given m is for the known-answer tests that re-derive the golden blobs of
 * docs/kyber-aes-blob.md byte for byte. This module is outside the package's exports map.
 */
export function seal(recipient: KyberAesRecipient, plaintext: Uint8Array, m: Uint8Array | undefined): Uint8Array {
  if (typeof recipient !== "object" || recipient === null) throw new TypeError(`"recipient" expected an object`);
  const id = keyIdBytes(recipient.keyId);
  abytes(recipient.publicKey, undefined, "publicKey");
  abytes(plaintext, undefined, "plaintext");
  const ek = recipient.publicKey.length === ml_kem768.lengths.encapsulationKey ? recipient.publicKey : ml_kem768.parsePublicKey(recipient.publicKey);
  const { ciphertext, sharedSecret } = ml_kem768.encapsulate(ek, m);
  const { key, nonce } = deriveKeyAndNonce(sharedSecret);
  try {
    const out = new Uint8Array(AAD_LENGTH + plaintext.length + lengths.tag);
    writeHeader(out, id, ek, ciphertext);
    out.set(aes256Gcm.seal(key, nonce, plaintext, out.subarray(0, AAD_LENGTH)), AAD_LENGTH);
    return out;
  } finally {
    key.fill(0);
    nonce.fill(0);
  }
}

/**
 * {@link seal} on any runtime: ML-KEM from the WASM module (`pqcReady` first), HKDF-SHA-256 and AES-256-GCM from the
 * platform (WebCrypto in a browser). Same bytes as `seal` for the same m.
 */
export async function sealAsync(recipient: KyberAesRecipient, plaintext: Uint8Array, m: Uint8Array | undefined): Promise<Uint8Array> {
  if (typeof recipient !== "object" || recipient === null) throw new TypeError(`"recipient" expected an object`);
  const id = keyIdBytes(recipient.keyId);
  abytes(recipient.publicKey, undefined, "publicKey");
  abytes(plaintext, undefined, "plaintext");
  await pqcReady();
  const ek = recipient.publicKey.length === ml_kem768.lengths.encapsulationKey ? recipient.publicKey : ml_kem768.parsePublicKey(recipient.publicKey);
  const { ciphertext, sharedSecret } = ml_kem768.encapsulate(ek, m);
  const { key, nonce } = await deriveKeyAndNonceAsync(sharedSecret);
  try {
    const header = new Uint8Array(AAD_LENGTH);
    writeHeader(header, id, ek, ciphertext);
    const sealed = await platform.aesGcmSeal(key, nonce, plaintext, header);
    const out = new Uint8Array(AAD_LENGTH + sealed.length);
    out.set(header, 0);
    out.set(sealed, AAD_LENGTH);
    return out;
  } finally {
    key.fill(0);
    nonce.fill(0);
  }
}

/**
 * Reads a blob's header: which CMK it was made for, before the key is loaded. Structure only; nothing is
 * authenticated yet.
 * @throws DecryptionError for a short blob, an unknown version or algorithm
 */
export function parseBlob(blob: Uint8Array): KyberAesBlob {
  abytes(blob, undefined, "blob");
  if (blob.length < lengths.overhead || blob[0] !== FORMAT_VERSION || blob[1] !== ALGORITHM_ML_KEM_768_HKDF_SHA256_AES_256_GCM) {
    throw new DecryptionError();
  }
  return {
    keyId: keyIdString(blob.subarray(2, 18)),
    fingerprint: blob.slice(18, 50),
    kemCiphertext: blob.slice(lengths.header, AAD_LENGTH),
    sealed: blob.slice(AAD_LENGTH),
  };
}

/**
 * Decrypt a v1 blob with the CMK's decapsulation key.
 * @param decapsulationKey 2400 bytes
 * @param blob at least 1154 bytes
 * @returns the plaintext
 * @throws DecryptionError for a malformed blob, another key's blob (fingerprint ≠ H(ek) inside dk), or any tampering
 *   (GCM tag); InvalidKeyError when the decapsulation key fails the FIPS 203 §7.3 hash check
 */
export function decrypt(decapsulationKey: Uint8Array, blob: Uint8Array): Uint8Array {
  abytes(decapsulationKey, ml_kem768.lengths.decapsulationKey, "decapsulationKey");
  const parsed = parseBlob(blob);
  checkFingerprint(decapsulationKey, parsed.fingerprint);
  const sharedSecret = ml_kem768.decapsulate(decapsulationKey, parsed.kemCiphertext);
  const { key, nonce } = deriveKeyAndNonce(sharedSecret);
  try {
    return aes256Gcm.open(key, nonce, parsed.sealed, blob.subarray(0, AAD_LENGTH));
  } catch (err) {
    if ((err as { code?: unknown }).code === "AUTHENTICATION_FAILED") throw new DecryptionError();
    throw err;
  } finally {
    key.fill(0);
    nonce.fill(0);
  }
}


/**
 * {@link decrypt} on any runtime: ML-KEM from the WASM module (`pqcReady` first), HKDF-SHA-256 and AES-256-GCM from
 * the platform (WebCrypto in a browser). Same result and errors as `decrypt`.
 */
export async function decryptAsync(decapsulationKey: Uint8Array, blob: Uint8Array): Promise<Uint8Array> {
  abytes(decapsulationKey, ml_kem768.lengths.decapsulationKey, "decapsulationKey");
  const parsed = parseBlob(blob);
  checkFingerprint(decapsulationKey, parsed.fingerprint);
  await pqcReady();
  const sharedSecret = ml_kem768.decapsulate(decapsulationKey, parsed.kemCiphertext);
  const { key, nonce } = await deriveKeyAndNonceAsync(sharedSecret);
  try {
    return await platform.aesGcmOpen(key, nonce, parsed.sealed, blob.subarray(0, AAD_LENGTH));
  } catch (err) {
    if ((err as { code?: unknown }).code === "AUTHENTICATION_FAILED") throw new DecryptionError();
    throw err;
  } finally {
    key.fill(0);
    nonce.fill(0);
  }
}
