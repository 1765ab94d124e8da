/**
 * CancelKeyDeletion (reference §3.1): a PendingDelete key comes back Disabled (EXTERNAL keys without material:
 * PendingImport) and its DeletionDate is cleared. A key whose DeletionDate has passed is already gone.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound, CmkNotPendingDelete},
 * UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkKeyId, loadKey, refuseMemberAccount , storedAs } from "../keys/key-access.js";
import { stateAfterCancelDeletion } from "../keys/key-state.js";
import { hasMaterial } from "../keys/imported-material.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const cancelKeyDeletion = defineAction({
  name: "CancelKeyDeletion",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    const keyState = stateAfterCancelDeletion(key, key.keyState === "PendingDelete" && (await hasMaterial(ctx, key)));
    await ctx.store.updateKey({ ...key, keyState, deletionDate: 0 }, storedAs(key));
    return { KeyId: key.keyId };
  },
});
