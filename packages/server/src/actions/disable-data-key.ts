/**
 * DisableDataKey (reference §3.12): Enabled → Disabled (Disabled stays Disabled); a disabled data key's plaintext is
 * refused (`ResourceUnavailable.DataKeyDisabled`) until it is enabled again.
 * Errors: MissingParameter, InvalidParameterValue.InvalidDataKeyId, ResourceUnavailable.{DataKeyNotFound,
 * DataKeyStateNotSupport (PendingDelete)}, UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyId, dataKeyStateAfterDisable, transitionDataKeys } from "../data-keys/data-key-access.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const disableDataKey = defineAction({
  name: "DisableDataKey",
  schema: z.strictObject({ DataKeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    await transitionDataKeys(ctx, [checkDataKeyId(p.DataKeyId)], dataKeyStateAfterDisable);
    return {};
  },
});
