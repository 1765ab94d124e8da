/**
 * The `Message` / `MessageType` pair of SignByAsymmetricKey and VerifyByAsymmetricKey (reference §3.6):
 * RAW = base64 of at most 4096 bytes; DIGEST = base64 of the algorithm's digest: 32 bytes (SHA-256, or SM2's
 * e = SM3(Z_A ‖ M)) or 48 (SHA-384 for ECDSA384_SHA384) — the exact length is checked with the algorithm
 * (keys/signature.ts).
 */
import { ErrorCode, KmsError } from "../errors.js";
import { decodeBase64Strict } from "../protocol/params.js";

export const MAX_RAW_MESSAGE_BYTES = 4096;
/** DIGEST lengths some algorithm takes. */
export const DIGEST_BYTES: readonly number[] = [32, 48];

export type MessageType = "RAW" | "DIGEST";

/** @throws KmsError InvalidParameter for an unknown MessageType, bad base64, an over-long RAW or a DIGEST no algorithm takes */
export function messageParam(message: string, messageType: string | undefined): { type: MessageType; bytes: Uint8Array } {
  const type = messageType === undefined || messageType === "" ? "RAW" : messageType;
  if (type !== "RAW" && type !== "DIGEST") throw new KmsError(ErrorCode.InvalidParameter, `MessageType must be RAW or DIGEST, got ${type}`);
  const bytes = decodeBase64Strict(message);
  if (!bytes) throw new KmsError(ErrorCode.InvalidParameter, "Message must be standard base64 with padding");
  if (type === "RAW" && bytes.length > MAX_RAW_MESSAGE_BYTES) {
    throw new KmsError(ErrorCode.InvalidParameter, `A RAW Message may be at most ${MAX_RAW_MESSAGE_BYTES} bytes, got ${bytes.length}`);
  }
  if (type === "DIGEST" && !DIGEST_BYTES.includes(bytes.length)) {
    throw new KmsError(ErrorCode.InvalidParameter, `A DIGEST Message must be 32 bytes (48 for ECDSA384_SHA384), got ${bytes.length}`);
  }
  return { type, bytes };
}
