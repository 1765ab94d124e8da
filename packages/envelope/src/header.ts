/**
 * The message header (format v1; docs/envelope-format.md). All integers big-endian.
 *
 *   size   field
 *   1      format version = 0x01
 *   1      suite id (0x01 SM4_GCM, 0x02 AES_256_GCM)
 *   32     message id (random)
 *   4      frame length (1024 .. 4194304)
 *   2      C = length of the EncryptionContext
 *   C      EncryptionContext, canonical form (`@openkms/crypto/encryption-context`)
 *   1      n = number of encrypted data keys (1 .. 255)
 *   n ×    u8 len ‖ provider (UTF-8) ‖ u8 len ‖ key id (UTF-8) ‖ u8 len ‖ method (UTF-8) ‖ u16 len ‖ ciphertext
 *   32     key commitment
 *   16     header tag: the suite's AEAD over an empty plaintext, AAD = every header byte before it, nonce 0
 *
 * A header is at most 65536 bytes.
 */
import { concatBytes } from "./concat-bytes.js";
import { EnvelopeError } from "./errors.js";
import { contextFromCanonical } from "./encryption-context.js";
import { COMMITMENT_LENGTH, MESSAGE_ID_LENGTH } from "./key-schedule.js";
import { suiteById, type Suite, type SuiteInfo } from "./suite.js";

export const FORMAT_VERSION = 1;
export const MIN_FRAME_LENGTH = 1024;
export const MAX_FRAME_LENGTH = 4 * 1024 * 1024;
export const DEFAULT_FRAME_LENGTH = 64 * 1024;
export const MAX_HEADER_LENGTH = 65536;
export const TAG_LENGTH = 16;
export const MAX_ENCRYPTED_DATA_KEYS = 255;

/** One wrapped copy of the message's data key, and how to unwrap it. */
export interface EncryptedDataKey {
  /** Who can unwrap it: `"kms"` (a KMS CMK), `"raw"` (a RawKeyring key). 1..255 UTF-8 bytes. */
  provider: string;
  /** The CMK's KeyId, or the raw key's name. 1..255 UTF-8 bytes. */
  keyId: string;
  /**
   * How: `"Decrypt"`, `"AsymmetricRsaDecrypt/RSAES_OAEP_SHA_256"`, `"AsymmetricSm2Decrypt"`,
   * `"PostQuantumCryptoDecrypt"` (provider kms) or `"AES_256_GCM"` (provider raw). 1..255 UTF-8 bytes.
   */
  method: string;
  /** The wrapped key, 1..65535 bytes. */
  ciphertext: Uint8Array;
}

/** A parsed header (authenticated once a decryption returns it). */
export interface MessageHeader {
  version: number;
  suite: Suite;
  /** 32 random bytes. */
  messageId: Uint8Array;
  encryptionContext: Record<string, string>;
  /** Plaintext bytes per frame. */
  frameLength: number;
  encryptedDataKeys: EncryptedDataKey[];
}

/** The parsed header with what decryption needs besides. */
export interface ParsedHeader {
  header: MessageHeader;
  suite: SuiteInfo;
  canonicalContext: Uint8Array;
  commitment: Uint8Array;
  /** Header bytes before the tag (the tag's AAD). */
  authenticated: Uint8Array;
  tag: Uint8Array;
  /** Total header length in bytes. */
  length: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** @throws RangeError naming the field when it is out of range */
export function checkFrameLength(n: unknown, field = "frameLength"): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < MIN_FRAME_LENGTH || n > MAX_FRAME_LENGTH) {
    throw new RangeError(`"${field}" expected an integer ${MIN_FRAME_LENGTH}..${MAX_FRAME_LENGTH} (bytes), got ${String(n)}`);
  }
  return n;
}

/** Header bytes up to (not including) the tag, for the given fields. @throws RangeError for oversize fields */
export function encodeHeaderBody(
  suite: SuiteInfo, messageId: Uint8Array, frameLength: number, canonicalContext: Uint8Array,
  edks: readonly EncryptedDataKey[], commitment: Uint8Array,
): Uint8Array {
  if (edks.length < 1 || edks.length > MAX_ENCRYPTED_DATA_KEYS) {
    throw new RangeError(`"encryptedDataKeys" expected 1..${MAX_ENCRYPTED_DATA_KEYS}, got ${edks.length}`);
  }
  if (canonicalContext.length > 0xffff) throw new RangeError(`"encryptionContext" too large: ${canonicalContext.length} bytes`);
  const parts: Uint8Array[] = [];
  const fixed = new Uint8Array(40);
  const dv = new DataView(fixed.buffer);
  fixed[0] = FORMAT_VERSION;
  fixed[1] = suite.id;
  fixed.set(messageId, 2);
  dv.setUint32(34, frameLength);
  dv.setUint16(38, canonicalContext.length);
  parts.push(fixed, canonicalContext, Uint8Array.of(edks.length));
  for (const [i, e] of edks.entries()) {
    for (const [name, s] of [["provider", e.provider], ["keyId", e.keyId], ["method", e.method]] as const) {
      if (typeof s !== "string") throw new TypeError(`encrypted data key ${i}: "${name}" expected a string`);
      const b = enc.encode(s);
      if (b.length < 1 || b.length > 255) throw new RangeError(`encrypted data key ${i}: "${name}" must be 1..255 UTF-8 bytes, got ${b.length}`);
      parts.push(Uint8Array.of(b.length), b);
    }
    if (!(e.ciphertext instanceof Uint8Array) || e.ciphertext.length < 1 || e.ciphertext.length > 0xffff) {
      throw new RangeError(`encrypted data key ${i}: "ciphertext" must be 1..65535 bytes`);
    }
    parts.push(Uint8Array.of(e.ciphertext.length >>> 8, e.ciphertext.length & 0xff), e.ciphertext);
  }
  parts.push(commitment);
  let n = 0;
  for (const p of parts) n += p.length;
  if (n + TAG_LENGTH > MAX_HEADER_LENGTH) throw new RangeError(`the header would be ${n + TAG_LENGTH} bytes, over ${MAX_HEADER_LENGTH}`);
  return concatBytes(parts);
}

const bad = (what: string) => new EnvelopeError("InvalidCiphertext", `invalid header: ${what}`);

/**
 * Parses a header from the start of `buf` (which may hold more).
 * @returns the parsed header; or, when `buf` ends before the header does, the length `buf` must reach before another
 *   attempt can get further (so a reader fed small pieces parses a header a bounded number of times)
 * @throws EnvelopeError UnsupportedVersion / UnsupportedSuite / FrameLengthOutOfRange / HeaderTooLarge /
 *   InvalidCiphertext as soon as the bytes seen show it
 */
export function parseHeader(buf: Uint8Array): ParsedHeader | number {
  const copy = (a: number, b: number) => Uint8Array.prototype.slice.call(buf, a, b); // never a Buffer view
  if (buf.length >= 1 && buf[0] !== FORMAT_VERSION) {
    throw new EnvelopeError("UnsupportedVersion", `unsupported envelope format version ${buf[0]} (this library reads ${FORMAT_VERSION})`);
  }
  let suite: SuiteInfo | undefined;
  if (buf.length >= 2) {
    suite = suiteById(buf[1]!);
    if (!suite) throw new EnvelopeError("UnsupportedSuite", `unsupported algorithm suite id ${buf[1]}`);
  }
  if (buf.length < 40) return buf.length < 2 ? buf.length + 1 : 40;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const frameLength = dv.getUint32(34);
  if (frameLength < MIN_FRAME_LENGTH || frameLength > MAX_FRAME_LENGTH) {
    throw new EnvelopeError("FrameLengthOutOfRange", `frame length ${frameLength} is outside ${MIN_FRAME_LENGTH}..${MAX_FRAME_LENGTH}`);
  }
  let off = 40;
  const need = (n: number): boolean => {
    if (off + n > MAX_HEADER_LENGTH) throw new EnvelopeError("HeaderTooLarge", `the header is larger than ${MAX_HEADER_LENGTH} bytes`);
    return off + n <= buf.length;
  };
  const ctxLen = dv.getUint16(38);
  if (!need(ctxLen + 1)) return off + ctxLen + 1;
  const canonicalContext = copy(off, off + ctxLen);
  const encryptionContext = contextFromCanonical(canonicalContext);
  if (!encryptionContext) throw bad("EncryptionContext is not in canonical form");
  off += ctxLen;
  const count = buf[off++]!;
  if (count === 0) throw bad("no encrypted data key");
  const edks: EncryptedDataKey[] = [];
  for (let i = 0; i < count; i++) {
    const strs: string[] = [];
    for (let j = 0; j < 3; j++) {
      if (!need(1)) return off + 1;
      const n = buf[off]!;
      if (n === 0) throw bad("empty encrypted data key field");
      if (!need(1 + n)) return off + 1 + n;
      try {
        strs.push(dec.decode(buf.subarray(off + 1, off + 1 + n)));
      } catch {
        throw bad("encrypted data key field is not UTF-8");
      }
      off += 1 + n;
    }
    if (!need(2)) return off + 2;
    const n = dv.getUint16(off);
    if (n === 0) throw bad("empty encrypted data key");
    if (!need(2 + n)) return off + 2 + n;
    edks.push({ provider: strs[0]!, keyId: strs[1]!, method: strs[2]!, ciphertext: copy(off + 2, off + 2 + n) });
    off += 2 + n;
  }
  if (!need(COMMITMENT_LENGTH + TAG_LENGTH)) return off + COMMITMENT_LENGTH + TAG_LENGTH;
  const commitment = copy(off, off + COMMITMENT_LENGTH);
  off += COMMITMENT_LENGTH;
  const authenticated = copy(0, off);
  const tag = copy(off, off + TAG_LENGTH);
  off += TAG_LENGTH;
  return {
    header: {
      version: FORMAT_VERSION,
      suite: suite!.name,
      messageId: copy(2, 2 + MESSAGE_ID_LENGTH),
      encryptionContext,
      frameLength,
      encryptedDataKeys: edks,
    },
    suite: suite!,
    canonicalContext,
    commitment,
    authenticated,
    tag,
    length: off,
  };
}
