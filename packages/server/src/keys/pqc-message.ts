/**
 * The `Message` of PostQuantumCryptoSign / PostQuantumCryptoVerify: standard base64 of 1–4096 raw bytes (reference
 * §3.7: "cannot exceed 4096 bytes"). Anything else is `InvalidParameter` (the code both actions document).
 */
import { ErrorCode, KmsError } from "../errors.js";
import { decodeBase64Strict } from "../protocol/params.js";

export const MAX_PQC_MESSAGE_BYTES = 4096;

export function pqcMessageParam(text: string): Uint8Array {
  const message = decodeBase64Strict(text);
  if (!message) throw new KmsError(ErrorCode.InvalidParameter, "Message must be standard base64 with padding");
  if (message.length === 0) throw new KmsError(ErrorCode.InvalidParameter, "Message must not be empty");
  if (message.length > MAX_PQC_MESSAGE_BYTES) {
    throw new KmsError(ErrorCode.InvalidParameter, `Message may be at most ${MAX_PQC_MESSAGE_BYTES} bytes, got ${message.length}`);
  }
  return message;
}
