/**
 * CiphertextBlob format v1 (SPEC §2; documented with golden vectors in docs/ciphertext-blob.md).
 *
 *   offset  size  field
 *   0       1     format version = 0x01
 *   1       1     algorithm (1 = SM4-GCM, 2 = AES-256-GCM)
 *   2       16    CMK id (the UUID's 16 bytes)
 *   18      4     key version, u32 big-endian (≥ 1)
 *   22      12    nonce
 *   34      n+16  ciphertext ‖ 16-byte GCM tag
 *
 * The 22-byte header (version, algorithm, key id, key version) is authenticated: AAD = header ‖ canonical
 * EncryptionContext. No account or region inside; Decrypt reads the key id and never tries keys by trial.
 */
import { ErrorCode, KmsError } from "../errors.js";

export const BLOB_FORMAT_VERSION = 1;
export const HEADER_LENGTH = 22;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
/** Smallest well-formed blob: header, nonce and a tag over an empty message. */
export const MIN_BLOB_LENGTH = HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH;

export interface CiphertextBlob {
  algorithm: number;
  keyId: string;
  keyVersion: number;
  nonce: Uint8Array;
  /** ciphertext ‖ tag */
  sealed: Uint8Array;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidToBytes(id: string): Uint8Array {
  if (!UUID_RE.test(id)) throw new RangeError(`not a lowercase UUID: ${id}`);
  return new Uint8Array(Buffer.from(id.replace(/-/g, ""), "hex"));
}

export function bytesToUuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The authenticated 22-byte header for a blob. */
export function blobHeader(algorithm: number, keyId: string, keyVersion: number): Uint8Array {
  const h = new Uint8Array(HEADER_LENGTH);
  h[0] = BLOB_FORMAT_VERSION;
  h[1] = algorithm;
  h.set(uuidToBytes(keyId), 2);
  new DataView(h.buffer).setUint32(18, keyVersion);
  return h;
}

/** AAD = header ‖ canonical EncryptionContext. */
export function blobAad(header: Uint8Array, context: Uint8Array): Uint8Array {
  const aad = new Uint8Array(header.length + context.length);
  aad.set(header, 0);
  aad.set(context, header.length);
  return aad;
}

/** Serialise a blob to bytes (base64 is applied at the API edge). */
export function encodeBlob(blob: CiphertextBlob): Uint8Array {
  const header = blobHeader(blob.algorithm, blob.keyId, blob.keyVersion);
  const out = new Uint8Array(HEADER_LENGTH + NONCE_LENGTH + blob.sealed.length);
  out.set(header, 0);
  out.set(blob.nonce, HEADER_LENGTH);
  out.set(blob.sealed, HEADER_LENGTH + NONCE_LENGTH);
  return out;
}

/**
 * Parse blob bytes. Structure only: authenticity is checked when the AEAD opens it.
 * @throws KmsError `InvalidParameterValue.InvalidCiphertext` for a wrong version, a truncated blob or a zero version
 */
export function decodeBlob(bytes: Uint8Array): CiphertextBlob {
  const invalid = (why: string) => new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, `CiphertextBlob is invalid: ${why}`);
  if (bytes.length < MIN_BLOB_LENGTH) throw invalid("too short");
  if (bytes[0] !== BLOB_FORMAT_VERSION) throw invalid("unknown format version");
  const keyVersion = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(18);
  if (keyVersion === 0) throw invalid("key version 0");
  return {
    algorithm: bytes[1]!,
    keyId: bytesToUuid(bytes.subarray(2, 18)),
    keyVersion,
    nonce: bytes.slice(HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH),
    sealed: bytes.slice(HEADER_LENGTH + NONCE_LENGTH),
  };
}
