/**
 * AsymmetricRsaDecrypt (reference §3.5): decrypt a 256-byte RSA-2048 ciphertext made with the key's public key.
 * Algorithm RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 (RFC 8017 §7.1, MGF1 with the same hash) or RSAES_PKCS1_V1_5
 * (§7.2, decrypted without OpenSSL's refused PKCS#1 path, in constant time). Every malformed ciphertext gets the same
 * `FailedOperation.DecryptError`.
 * Errors: MissingParameter, InvalidParameter (Algorithm, bad base64), InvalidParameterValue.{InvalidKeyId,
 * InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}, FailedOperation.DecryptError.
 */
import { z } from "zod";
import * as oaep from "@openkms/crypto/rsaes-oaep";
import * as pkcs1 from "@openkms/crypto/rsaes-pkcs1v15";
import { ErrorCode, KmsError } from "../errors.js";
import { decryptResponse, loadAsymmetricKey } from "../keys/asymmetric-key.js";
import { decodeBase64Strict, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

const ALGORITHMS = ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"];

export const asymmetricRsaDecrypt = defineAction({
  name: "AsymmetricRsaDecrypt",
  schema: z.strictObject({ KeyId: str, Ciphertext: str, Algorithm: str }),
  async handler(p, ctx) {
    if (!ALGORITHMS.includes(p.Algorithm)) throw new KmsError(ErrorCode.InvalidParameter, `Algorithm must be one of ${ALGORITHMS.join(", ")}`);
    const ciphertext = decodeBase64Strict(p.Ciphertext);
    if (!ciphertext) throw new KmsError(ErrorCode.InvalidParameter, "Ciphertext must be standard base64 with padding");
    const k = await loadAsymmetricKey(ctx, p.KeyId, ["ASYMMETRIC_DECRYPT_RSA_2048"], { decrypt: true });
    return decryptResponse(ctx, k, (secret) =>
      p.Algorithm === "RSAES_PKCS1_V1_5"
        ? pkcs1.decrypt(secret, ciphertext)
        : oaep.decrypt(secret, ciphertext, p.Algorithm === "RSAES_OAEP_SHA_1" ? "SHA-1" : "SHA-256"),
    );
  },
});
