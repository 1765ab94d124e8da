/**
 * GetPublicKey (reference §3.5): the public key of an Enabled asymmetric CMK as base64 SubjectPublicKeyInfo DER
 * (`PublicKey`) and PEM (`PublicKeyPem`, 64-column lines, trailing newline). SM2 keys use id-ecPublicKey with the SM2
 * curve OID 1.2.156.10197.1.301; post-quantum keys carry the NIST OIDs: id-alg-ml-kem-768 (2.16.840.1.101.3.4.4.2)
 * for Kyber_AES, id-ml-dsa-65 (2.16.840.1.101.3.4.3.18) for Dilithium.
 * Errors: MissingParameter, UnknownParameter, InvalidParameter, InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage
 * (a symmetric key)}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport (any state but Enabled)}.
 */
import { z } from "zod";
import { toPem } from "@openkms/crypto/spki";
import { asymmetricUsages } from "../keys/asymmetric.js";
import { loadAsymmetricKey } from "../keys/asymmetric-key.js";
import { checkKeyId, loadKey } from "../keys/key-access.js";
import { pqcKeyKind, pqcPublicKey, requireEnabled } from "../keys/pqc-keys.js";
import { encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const getPublicKey = defineAction({
  name: "GetPublicKey",
  schema: z.strictObject({ KeyId: str }),
  async handler(p, ctx) {
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    let spki: Uint8Array;
    if (pqcKeyKind(key.keyUsage)) {
      requireEnabled(key);
      spki = await pqcPublicKey(ctx, key);
    } else {
      spki = (await loadAsymmetricKey(ctx, key.keyId, [...asymmetricUsages.keys()])).spki;
    }
    return { KeyId: key.keyId, PublicKey: encodeBase64(spki), PublicKeyPem: toPem("PUBLIC KEY", spki) };
  },
});
