/**
 * Imported key material of EXTERNAL keys (ImportKeyMaterial, reference §3.8): unwrapping `EncryptedKeyMaterial` with
 * the import parameters' RSA-2048 private key, and the check value that lets a later import prove it brings the same
 * material without KMS keeping the material itself once it is deleted or expired.
 *
 * Material: 16 bytes in the `sm` edition (SM4), 32 bytes in `fips` (AES-256), as the edition's AEAD key length.
 * Check value: HMAC-SHA-256 (RFC 2104) keyed with the material over `openkms/material-check/v1/<KeyId>`, 32 bytes,
 * stored wrapped under the root key (so the database alone cannot confirm a guessed material) and kept for the
 * life of the key. The material is stored (wrapped) as key version 1; EXTERNAL keys never rotate.
 */
import { constantTimeEqual, wipe } from "@openkms/crypto/constant-time";
import { hmacSha256 } from "@openkms/crypto/sha256";
import * as oaep from "@openkms/crypto/rsaes-oaep";
import * as pkcs1v15 from "@openkms/crypto/rsaes-pkcs1v15";
import { isDecryptionError } from "@openkms/crypto/rsa";
import type { ActionContext } from "../actions/define.js";
import { ErrorCode, KmsError } from "../errors.js";
import { decodeBase64Strict } from "../protocol/params.js";
import type { RootOfTrust } from "../root-key.js";
import type { ImportTokenRecord, KeyRecord } from "../store/types.js";
import { wrappingKeyLabel } from "./import-token.js";

/** The one version an EXTERNAL key has. */
export const EXTERNAL_KEY_VERSION = 1;

/** RSA-2048 ciphertext length: the decoded `EncryptedKeyMaterial` must be exactly this long. */
export const ENCRYPTED_MATERIAL_LENGTH = 256;

/** The check value's HMAC message, and the root-key wrapping label it is stored under. */
export function materialCheckLabel(keyId: string): string {
  return `openkms/material-check/v1/${keyId}`;
}

/** Check value of `material` for `keyId`: HMAC-SHA-256(key = material, message = label), 32 bytes. */
export function materialCheck(material: Uint8Array, keyId: string): Uint8Array {
  return hmacSha256(material, new TextEncoder().encode(materialCheckLabel(keyId)));
}

/**
 * Whether a stored (root-wrapped) check value names the same material as `check`, compared in constant time.
 * @throws RootKeyError when the stored value does not unwrap (a corrupted store: an internal error)
 */
export function sameMaterialCheck(root: RootOfTrust, keyId: string, storedWrapped: Uint8Array, check: Uint8Array): boolean {
  const stored = root.unwrap(storedWrapped, materialCheckLabel(keyId));
  try {
    return constantTimeEqual(stored, check);
  } finally {
    wipe(stored);
  }
}

/**
 * Recover the raw key material from `EncryptedKeyMaterial`.
 * @param encrypted the parameter as sent: standard base64 of a 256-byte RSA-2048 ciphertext
 * @param params the import parameters the ImportToken selected (their wrapping algorithm and private key)
 * @param materialLength 16 (sm) or 32 (fips)
 * @returns the material, `materialLength` bytes; the caller wipes it
 * @throws KmsError `InvalidParameter.DecryptMaterialError` — one code and message for bad base64, a wrong length, a
 *   ciphertext that does not decrypt under the parameters' algorithm and key, and material of the wrong length
 */
export function unwrapEncryptedMaterial(root: RootOfTrust, params: ImportTokenRecord, encrypted: string, materialLength: number): Uint8Array {
  const failed = () =>
    new KmsError(
      ErrorCode.InvalidParameterDecryptMaterialError,
      `EncryptedKeyMaterial does not decrypt to ${materialLength} bytes of key material with the ${params.wrappingAlgorithm} wrapping key of this ImportToken`,
    );
  const ciphertext = decodeBase64Strict(encrypted);
  if (!ciphertext || ciphertext.length !== ENCRYPTED_MATERIAL_LENGTH) throw failed();
  const secretKey = root.unwrap(params.wrappedPrivateKey, wrappingKeyLabel(params.keyId, params.tokenId));
  let material: Uint8Array;
  try {
    switch (params.wrappingAlgorithm) {
      case "RSAES_PKCS1_V1_5":
        // RFC 8017 §7.2.2, with the length folded into the padding check (no separate wrong-length signal).
        material = pkcs1v15.decrypt(secretKey, ciphertext, { expectedLength: materialLength });
        break;
      case "RSAES_OAEP_SHA_1":
        material = oaep.decrypt(secretKey, ciphertext, "SHA-1");
        break;
      case "RSAES_OAEP_SHA_256":
        material = oaep.decrypt(secretKey, ciphertext, "SHA-256");
        break;
      default:
        throw new Error(`stored import parameters of ${params.keyId} have an unknown wrapping algorithm`);
    }
  } catch (e) {
    if (isDecryptionError(e)) throw failed();
    throw e;
  } finally {
    wipe(secretKey);
  }
  if (material.length !== materialLength) {
    wipe(material);
    throw failed();
  }
  return material;
}

/** Whether a key can use its material: always for TENCENT_KMS keys; for EXTERNAL keys, when version 1 is stored. */
export async function hasMaterial(ctx: Pick<ActionContext, "store">, key: KeyRecord): Promise<boolean> {
  if (key.origin !== "EXTERNAL") return true;
  return (await ctx.store.getKeyVersion(key.keyId, EXTERNAL_KEY_VERSION)) !== undefined;
}
