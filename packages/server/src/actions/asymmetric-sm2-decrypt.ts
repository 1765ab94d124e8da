/**
 * AsymmetricSm2Decrypt (reference §3.5): decrypt an SM2 ciphertext (GB/T 32918.4), at most 256 bytes, in C1C3C2 order:
 * - GM/T 0009 ASN.1: SEQUENCE{INTEGER x, INTEGER y, OCTET STRING C3, OCTET STRING C2} (what Tencent documents and
 *   `openssl pkeyutl` writes);
 * - extension: raw `[04] ‖ x ‖ y ‖ C3 ‖ C2` (x, y, C3 32 bytes each; with or without the 0x04 point marker) — what
 *   `sm-crypto` and most SM2 libraries emit by default.
 * The forms are told apart by their first byte (0x30: ASN.1, 0x04: marked raw, else raw), and a 0x30/0x04 that is the
 * first byte of a raw x coordinate is tried as raw too. C1 must be on the curve and C3 must match before any plaintext
 * is released, so only the right reading can succeed.
 * Errors: MissingParameter, InvalidParameter (bad base64, > 256 bytes), InvalidParameterValue.{InvalidKeyId,
 * InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}, FailedOperation.DecryptError (naming the
 * accepted forms).
 */
import { z } from "zod";
import * as sm2 from "@openkms/crypto/sm2";
import { ErrorCode, KmsError } from "../errors.js";
import { decryptResponse, loadAsymmetricKey } from "../keys/asymmetric-key.js";
import { decodeBase64Strict, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const MAX_SM2_CIPHERTEXT_BYTES = 256;

const ACCEPTED_FORMS =
  "C1C3C2 as GM/T 0009 ASN.1 (SEQUENCE{x, y, C3, C2}), or raw [04] ‖ x ‖ y ‖ C3 ‖ C2 (x, y and C3 32 bytes each, the 0x04 optional)";

/** The readings of `ct` worth trying, most likely first. */
function readings(ct: Uint8Array): [Uint8Array, sm2.Sm2CiphertextFormat][] {
  const out: [Uint8Array, sm2.Sm2CiphertextFormat][] = [];
  if (ct[0] === 0x30) out.push([ct, "C1C3C2_ASN1"]);
  if (ct[0] === 0x04 && ct.length >= 98) out.push([ct.subarray(1), "C1C3C2"]);
  if (ct.length >= 97) out.push([ct, "C1C3C2"]);
  return out;
}

export const asymmetricSm2Decrypt = defineAction({
  name: "AsymmetricSm2Decrypt",
  schema: z.strictObject({ KeyId: str, Ciphertext: str }),
  async handler(p, ctx) {
    const ciphertext = decodeBase64Strict(p.Ciphertext);
    if (!ciphertext || ciphertext.length === 0) throw new KmsError(ErrorCode.InvalidParameter, "Ciphertext must be non-empty standard base64 with padding");
    if (ciphertext.length > MAX_SM2_CIPHERTEXT_BYTES) {
      throw new KmsError(ErrorCode.InvalidParameter, `Ciphertext may be at most ${MAX_SM2_CIPHERTEXT_BYTES} bytes, got ${ciphertext.length}`);
    }
    const k = await loadAsymmetricKey(ctx, p.KeyId, ["ASYMMETRIC_DECRYPT_SM2"], { decrypt: true });
    return decryptResponse(ctx, k, (secret) => {
      for (const [bytes, format] of readings(ciphertext)) {
        try {
          return sm2.decrypt(secret, bytes, format);
        } catch (e) {
          if (!sm2.isDecryptionError(e)) throw e;
        }
      }
      throw new KmsError(
        ErrorCode.FailedOperationDecryptError,
        `Decryption failed: the Ciphertext was altered, is for another key, or is not one of the accepted forms: ${ACCEPTED_FORMS}`,
      );
    });
  },
});
