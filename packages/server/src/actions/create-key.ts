/**
 * CreateKey (reference §3.1): create a CMK. KeyUsage ENCRYPT_DECRYPT (default) gets fresh material for the server's
 * edition (SM4-GCM 16 B or AES-256-GCM 32 B); the asymmetric usages of keys/asymmetric.ts get a fresh key pair
 * (RSA-2048, SM2, ECC P-256); the post-quantum usages (ASYMMETRIC_Encrypt_Decrypt_Kyber_AES,
 * ASYMMETRIC_SIGN_VERIFY_DILITHIUM) get a version from keys/pqc-keys.ts. Private material is stored only wrapped under
 * the root key. `Type` 2 (EXTERNAL, BYOK) creates a symmetric key without material, in state PendingImport, Origin
 * EXTERNAL: GetParametersForImport and ImportKeyMaterial give it its material.
 * Errors: MissingParameter, InvalidParameter, InvalidParameterValue.{InvalidAlias, AliasAlreadyExists, InvalidKeyUsage,
 * InvalidType (∉ {1, 2}, or 2 with an asymmetric KeyUsage), InvalidHsmClusterId, TagKeysDuplicated},
 * LimitExceeded.CmkLimitExceeded, UnsupportedOperation.UnsupportedKeyUsageInCurrentRegion.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { randomBytes } from "@openkms/crypto/random";
import { wipe } from "@openkms/crypto/constant-time";
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError } from "../errors.js";
import { checkAlias, checkDescription, checkHsmClusterId, SYMMETRIC_KEY_USAGE } from "../keys/key-access.js";
import { materialLabel } from "../keys/symmetric.js";
import { asymmetricUsages } from "../keys/asymmetric.js";
import { newPqcKeyVersion, pqcKeyKind } from "../keys/pqc-keys.js";
import { str, tag, uint } from "../protocol/params.js";
import type { KeyRecord, Tag } from "../store/types.js";
import { defineAction } from "./define.js";

/** Key usages Tencent documents for CreateKey; the ones this build can create are handled below. */
const KNOWN_KEY_USAGES = [
  "ENCRYPT_DECRYPT", "ASYMMETRIC_DECRYPT_RSA_2048", "ASYMMETRIC_DECRYPT_SM2", "ASYMMETRIC_SIGN_VERIFY_SM2",
  "ASYMMETRIC_SIGN_VERIFY_ECC", "ASYMMETRIC_SIGN_VERIFY_RSA_2048", "ASYMMETRIC_SIGN_VERIFY_ECDSA384",
  "ASYMMETRIC_SIGN_VERIFY_RSA_3072", "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES", "ASYMMETRIC_SIGN_VERIFY_DILITHIUM",
];

export const DEFAULT_ROTATE_DAYS = 365;
const DAY = 86400;

export function checkTags(tags: Tag[] | undefined): Tag[] {
  const list = tags ?? [];
  const seen = new Set<string>();
  for (const t of list) {
    if (t.TagKey.length === 0 || t.TagKey.length > 255) throw new KmsError(ErrorCode.InvalidParameter, "TagKey must be 1-255 characters");
    if (t.TagValue.length > 255) throw new KmsError(ErrorCode.InvalidParameter, "TagValue must be at most 255 characters");
    if (seen.has(t.TagKey)) throw new KmsError(ErrorCode.InvalidParameterValueTagKeysDuplicated, `TagKey ${t.TagKey} is given more than once`);
    seen.add(t.TagKey);
  }
  return list;
}

export const createKey = defineAction({
  name: "CreateKey",
  schema: z.strictObject({
    Alias: str,
    Description: str.optional(),
    KeyUsage: str.optional(),
    Type: uint.optional(),
    Tags: z.array(tag).optional(),
    HsmClusterId: str.optional(),
  }),
  async handler(p, ctx) {
    const alias = checkAlias(p.Alias);
    const description = checkDescription(p.Description ?? "");
    const keyUsage = p.KeyUsage === undefined || p.KeyUsage === "" ? SYMMETRIC_KEY_USAGE : p.KeyUsage;
    if (!KNOWN_KEY_USAGES.includes(keyUsage)) {
      throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyUsage, `KeyUsage ${keyUsage} is not valid`);
    }
    const type = p.Type ?? 1;
    if (type !== 1 && type !== 2) throw new KmsError(ErrorCode.InvalidParameterValueInvalidType, `Type must be 1 or 2, got ${type}`);
    checkHsmClusterId(p.HsmClusterId);
    const tags = checkTags(p.Tags);
    const external = type === 2;
    if (external && keyUsage !== SYMMETRIC_KEY_USAGE) {
      throw new KmsError(ErrorCode.InvalidParameterValueInvalidType, `Type 2 (EXTERNAL, imported material) is only for ENCRYPT_DECRYPT keys, not ${keyUsage}`);
    }
    const asymmetric = asymmetricUsages.get(keyUsage);
    const pqc = pqcKeyKind(keyUsage);
    if (keyUsage !== SYMMETRIC_KEY_USAGE && !pqc && (!asymmetric || !asymmetric.editions.includes(ctx.profile.edition))) {
      throw new KmsError(ErrorCode.UnsupportedOperationUnsupportedKeyUsageInCurrentRegion, `KeyUsage ${keyUsage} is not offered by this server (edition ${ctx.profile.edition})`);
    }
    await ctx.settleDue(); // keys past their DeletionDate no longer hold their alias or count against the quota
    if ((await ctx.store.countKeys(ctx.uin)) >= ctx.limits.maxKeysPerAccount) {
      throw new KmsError(ErrorCode.LimitExceededCmkLimitExceeded, `This account already has ${ctx.limits.maxKeysPerAccount} CMKs`);
    }

    const now = unixSeconds(ctx.clock);
    const keyId = randomUUID();
    const record: KeyRecord = {
      keyId, uin: ctx.uin, alias, description, keyState: external ? "PendingImport" : "Enabled", keyUsage,
      origin: external ? "EXTERNAL" : "TENCENT_KMS",
      keyType: ctx.profile.keyMetadataType, createTime: now, deletionDate: 0, validTo: 0, rotationEnabled: false,
      rotateDays: DEFAULT_ROTATE_DAYS, nextRotateTime: now + DEFAULT_ROTATE_DAYS * DAY, lastRotateTime: 0,
      currentVersion: 1, owner: "user", tags,
    };
    if (external) {
      await ctx.store.createKey(record); // no material until ImportKeyMaterial
    } else if (pqc) {
      await ctx.store.createKey(record, newPqcKeyVersion(ctx, pqc, keyId, 1, now));
    } else {
      const generated = asymmetric
        ? { ...(await asymmetric.generate()), algorithm: asymmetric.algorithmId }
        : { secret: randomBytes(ctx.profile.materialLength), spki: new Uint8Array(0), algorithm: ctx.profile.symmetricAlgorithm };
      try {
        const wrappedMaterial = ctx.root.wrap(generated.secret, materialLabel(keyId, 1));
        await ctx.store.createKey(record, {
          keyId, version: 1, algorithm: generated.algorithm, wrappedMaterial, publicKey: generated.spki, createTime: now,
        });
      } finally {
        wipe(generated.secret);
      }
    }
    return {
      KeyId: keyId, Alias: alias, CreateTime: now, Description: description, KeyState: record.keyState, KeyUsage: keyUsage,
      TagCode: 0, TagMsg: tags.length ? "ok" : "no tags to save",
    };
  },
});
