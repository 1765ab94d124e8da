/**
 * DisableKey (reference §3.1): Enabled, Archived → Disabled (Disabled stays Disabled); a disabled key neither encrypts nor decrypts.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport},
 * UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkKeyId, refuseMemberAccount } from "../keys/key-access.js";
import { stateAfterDisable, transitionKeys } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const disableKey = defineAction({
  name: "DisableKey",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    await transitionKeys(ctx, [checkKeyId(p.KeyId)], stateAfterDisable);
    return {};
  },
});
