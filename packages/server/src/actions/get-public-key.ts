/**
 * GetPublicKey (reference §3.5): an Enabled asymmetric key's public key as base64 DER SubjectPublicKeyInfo and as PEM
 * (64-column lines, trailing newline). SM2 keys use id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301.
 * Errors: MissingParameter, InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage (symmetric key)},
 * ResourceUnavailable.{CmkNotFound, CmkStateNotSupport (not Enabled)}.
 */
import { z } from "zod";
import { toPem } from "@openkms/crypto/spki";
import { asymmetricUsages } from "../keys/asymmetric.js";
import { loadAsymmetricKey } from "../keys/asymmetric-key.js";
import { encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const getPublicKey = defineAction({
  name: "GetPublicKey",
  schema: z.strictObject({ KeyId: str }),
  async handler(p, ctx) {
    const k = await loadAsymmetricKey(ctx, p.KeyId, [...asymmetricUsages.keys()]);
    return { KeyId: k.key.keyId, PublicKey: encodeBase64(k.spki), PublicKeyPem: toPem("PUBLIC KEY", k.spki) };
  },
});
