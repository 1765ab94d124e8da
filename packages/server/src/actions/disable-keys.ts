/**
 * DisableKeys (reference §3.1): DisableKey for up to 100 keys, all or nothing (every id is checked before any changes).
 * Errors: MissingParameter, InvalidParameter (0 or > 100 ids), InvalidParameterValue.{InvalidKeyId, DuplicatedKeyId},
 * ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}, FailedOperation.CmkUsedByCloudProduct (a service default key among them), UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkKeyIdList, refuseMemberAccount } from "../keys/key-access.js";
import { stateAfterDisable, transitionKeys } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { requireNotServiceKey } from "../data-keys/service-keys.js";
import { defineAction } from "./define.js";

export const disableKeys = defineAction({
  name: "DisableKeys",
  schema: z.strictObject({ KeyIds: z.array(str), MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    await transitionKeys(ctx, checkKeyIdList(p.KeyIds), (key) => {
      requireNotServiceKey(key, "disabled");
      return stateAfterDisable(key);
    });
    return {};
  },
});
