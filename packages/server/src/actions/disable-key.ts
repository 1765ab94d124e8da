/**
 * DisableKey (reference §3.1): Enabled, Archived → Disabled (Disabled stays Disabled); a disabled key neither encrypts nor decrypts.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport},
 * FailedOperation.CmkUsedByCloudProduct (a service default key), UnsupportedOperation (MemberAccount).
 * A CMK bound to cloud resources can be disabled: that is how its owner withholds its data keys from a product.
 */
import { z } from "zod";
import { checkKeyId, refuseMemberAccount } from "../keys/key-access.js";
import { stateAfterDisable, transitionKeys } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { requireNotServiceKey } from "../data-keys/service-keys.js";
import { defineAction } from "./define.js";

export const disableKey = defineAction({
  name: "DisableKey",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    await transitionKeys(ctx, [checkKeyId(p.KeyId)], (key) => {
      requireNotServiceKey(key, "disabled");
      return stateAfterDisable(key);
    });
    return {};
  },
});
