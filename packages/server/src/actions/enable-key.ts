/**
 * EnableKey (reference §3.1): Disabled → Enabled (Enabled stays Enabled).
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport},
 * UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkKeyId, refuseMemberAccount } from "../keys/key-access.js";
import { stateAfterEnable, transitionKeys } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const enableKey = defineAction({
  name: "EnableKey",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    await transitionKeys(ctx, [checkKeyId(p.KeyId)], stateAfterEnable);
    return {};
  },
});
