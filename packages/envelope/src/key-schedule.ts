/**
 * Per-message keys: OKM = HKDF-SHA-256(IKM = data key (32 B), salt = message id (32 B),
 * info = "OpenKMS envelope v1" ‖ suite id (1 B), L = 64) (RFC 5869). Frame key = OKM[0 .. suite key length),
 * key commitment = OKM[32 .. 64). The commitment is stored in the header and compared (constant time) on decryption
 * before anything else is trusted, so one ciphertext cannot open under two data keys.
 *
 * Nonces: 0x00000000 ‖ u64be(sequence number); the header tag uses sequence number 0, frames 1, 2, … (a 64-bit
 * counter: it cannot wrap within any message).
 */
import { platform } from "./platform.js";
import type { SuiteInfo } from "./suite.js";

export const DATA_KEY_LENGTH = 32;
export const MESSAGE_ID_LENGTH = 32;
export const COMMITMENT_LENGTH = 32;
const INFO_LABEL = new TextEncoder().encode("OpenKMS envelope v1");

/** Frame key and key commitment of one message. The caller zeroes `key` once the frame cipher holds it. */
export async function deriveMessageKeys(suite: SuiteInfo, dataKey: Uint8Array, messageId: Uint8Array): Promise<{ key: Uint8Array; commitment: Uint8Array }> {
  const info = new Uint8Array(INFO_LABEL.length + 1);
  info.set(INFO_LABEL);
  info[INFO_LABEL.length] = suite.id;
  const okm = await platform().hkdfSha256(dataKey, messageId, info, 64);
  const key = okm.slice(0, suite.keyLength);
  const commitment = okm.slice(32, 64);
  okm.fill(0);
  return { key, commitment };
}

/** The 12-byte nonce of sequence number `seq` (0 = header; frames from 1; any integer up to 2^53 − 1). */
export function nonceFor(seq: number): Uint8Array {
  const n = new Uint8Array(12);
  writeSeq(n, 4, seq);
  return n;
}

/** Writes `seq` (0 … 2^53 − 1) as a big-endian u64 at `out[off .. off + 8)`. */
export function writeSeq(out: Uint8Array, off: number, seq: number): void {
  const hi = Math.floor(seq / 0x1_0000_0000), lo = seq >>> 0;
  out[off] = hi >>> 24; out[off + 1] = hi >>> 16; out[off + 2] = hi >>> 8; out[off + 3] = hi;
  out[off + 4] = lo >>> 24; out[off + 5] = lo >>> 16; out[off + 6] = lo >>> 8; out[off + 7] = lo;
}

/** Constant-time equality of two byte strings (time depends only on the lengths). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
