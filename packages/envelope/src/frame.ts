/**
 * Frames (format v1). After the header, frames with sequence numbers 1, 2, …:
 *
 *   regular frame: 0x00 ‖ ciphertext (frame length bytes) ‖ tag (16)
 *   final frame:   0x01 ‖ u32be content length (0 .. frame length) ‖ ciphertext ‖ tag (16)
 *
 * Exactly one final frame ends a message (an empty message is one empty final frame). Each frame is sealed with the
 * message's frame key, nonce 0x00000000 ‖ u64be(seq), AAD = message id (32) ‖ u64be(seq) ‖ u8 final (0 or 1).
 */
import { writeSeq } from "./key-schedule.js";

export const REGULAR = 0x00;
export const FINAL = 0x01;

/**
 * The nonce and AAD of a message's frames, in two buffers reused for every frame (each binding copies them when it is
 * called: node:crypto and the WASM core synchronously, WebCrypto when `encrypt`/`decrypt` is invoked).
 */
export class FrameParams {
  readonly nonce = new Uint8Array(12);
  readonly aad = new Uint8Array(41);
  constructor(messageId: Uint8Array) {
    this.aad.set(messageId, 0);
  }
  /** Sets both for frame `seq` (1 … 2^53 − 1). */
  at(seq: number, final: boolean): this {
    writeSeq(this.nonce, 4, seq);
    writeSeq(this.aad, 32, seq);
    this.aad[40] = final ? 1 : 0;
    return this;
  }
}

/** The bytes before a frame's ciphertext. */
export function framePrefix(final: boolean, contentLength: number): Uint8Array {
  if (!final) return Uint8Array.of(REGULAR);
  const p = new Uint8Array(5);
  p[0] = FINAL;
  new DataView(p.buffer).setUint32(1, contentLength);
  return p;
}
