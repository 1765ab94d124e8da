/**
 * DisableDataKeys (reference §3.12): DisableDataKey for up to 100 data keys, all or nothing.
 * Errors: MissingParameter, InvalidParameterValue (0 or > 100 ids), InvalidParameterValue.{InvalidDataKeyId,
 * DuplicatedDataKeyId}, ResourceUnavailable.{DataKeyNotFound, DataKeyStateNotSupport}, UnsupportedOperation
 * (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyIdList, dataKeyStateAfterDisable, transitionDataKeys } from "../data-keys/data-key-access.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const disableDataKeys = defineAction({
  name: "DisableDataKeys",
  schema: z.strictObject({ DataKeyIds: z.array(str), MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    await transitionDataKeys(ctx, checkDataKeyIdList(p.DataKeyIds), dataKeyStateAfterDisable);
    return {};
  },
});
