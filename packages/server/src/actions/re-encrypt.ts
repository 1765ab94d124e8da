/**
 * ReEncrypt (reference §3.3): move a CiphertextBlob to the newest version of its CMK, or to another CMK, or to another
 * EncryptionContext, without exposing the plaintext. When nothing would change (same CMK, blob already at its newest
 * version, same context) the original blob is returned with `ReEncrypted: false` — also for an Archived key, since
 * nothing is encrypted; otherwise the destination must be able to encrypt. After a rotation, a blob of an older
 * version is re-encrypted under the newest one (`ReEncrypted: true`).
 * Errors: MissingParameter, InvalidParameter, InvalidParameterValue.{InvalidCiphertext, InvalidKeyId, InvalidKeyUsage},
 * ResourceUnavailable.{CmkNotFound, CmkDisabled, CmkArchived, CmkStateNotSupport}.
 */
import { z } from "zod";
import { constantTimeEqual, wipe } from "@openkms/crypto/constant-time";
import { canonicalEncryptionContext } from "../keys/encryption-context.js";
import { checkKeyId, loadKey, requireEncryptable, requireSymmetric } from "../keys/key-access.js";
import { openBlob, sealUnderKey } from "../keys/symmetric.js";
import { encodeBase64, str } from "../protocol/params.js";
import { blobParam } from "./decrypt.js";
import { defineAction } from "./define.js";

export const reEncrypt = defineAction({
  name: "ReEncrypt",
  schema: z.strictObject({
    CiphertextBlob: str, DestinationKeyId: str.optional(), SourceEncryptionContext: str.optional(),
    DestinationEncryptionContext: str.optional(),
  }),
  async handler(p, ctx) {
    const blob = blobParam(p.CiphertextBlob);
    const sourceContext = canonicalEncryptionContext(p.SourceEncryptionContext, "SourceEncryptionContext");
    const destContext = canonicalEncryptionContext(p.DestinationEncryptionContext, "DestinationEncryptionContext");
    const destKeyId = p.DestinationKeyId ? checkKeyId(p.DestinationKeyId, "DestinationKeyId") : undefined;
    const opened = await openBlob(ctx, blob, sourceContext);
    try {
      const dest = destKeyId && destKeyId !== opened.key.keyId ? await loadKey(ctx, destKeyId) : opened.key;
      requireSymmetric(dest);
      const unchanged = dest.keyId === opened.key.keyId && opened.keyVersion === dest.currentVersion && constantTimeEqual(sourceContext, destContext);
      if (unchanged) {
        // Nothing is encrypted, so an Archived source key (decrypt-only) may answer this too.
        return { CiphertextBlob: p.CiphertextBlob, KeyId: dest.keyId, SourceKeyId: opened.key.keyId, ReEncrypted: false };
      }
      requireEncryptable(dest);
      const fresh = await sealUnderKey(ctx, dest, opened.plaintext, destContext);
      return { CiphertextBlob: encodeBase64(fresh), KeyId: dest.keyId, SourceKeyId: opened.key.keyId, ReEncrypted: true };
    } finally {
      wipe(opened.plaintext);
    }
  },
});
