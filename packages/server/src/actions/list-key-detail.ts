/**
 * ListKeyDetail (reference §3.1): KeyMetadata of the account's CMKs with filters, paging and ordering.
 * KeyState 0 all, 1 Enabled, 2 Disabled, 3 PendingDelete, 4 PendingImport, 5 Archived; KeyUsage empty = only
 * ENCRYPT_DECRYPT, `ALL` = every usage; Origin TENCENT_KMS | EXTERNAL | ALL/empty; OrderType 0 CreateTime desc, 1 asc;
 * SearchKeyAlias = substring of KeyId or Alias; TagFilters = every filter must match one tag; Role 0 (default) every
 * key, Role 1 only service default keys (data-keys/service-keys.ts).
 * Errors: InvalidParameter, InvalidParameterValue.InvalidHsmClusterId, UnsupportedOperation (MemberAccounts).
 */
import { z } from "zod";
import { ErrorCode, KmsError } from "../errors.js";
import { SYMMETRIC_KEY_USAGE } from "../keys/key-access.js";
import { keyMetadata } from "../keys/key-metadata.js";
import { str } from "../protocol/params.js";
import type { KeyListFilter, KeyState } from "../store/types.js";
import { defineAction } from "./define.js";
import { DETAIL_LIST_PARAMS, detailListFilter, searchFilter } from "./list-detail-filter.js";

const STATE_FILTER: Record<number, KeyState[] | undefined> = {
  0: undefined, 1: ["Enabled"], 2: ["Disabled"], 3: ["PendingDelete"], 4: ["PendingImport"], 5: ["Archived"],
};

const USAGES = [
  "ENCRYPT_DECRYPT", "ASYMMETRIC_DECRYPT_RSA_2048", "ASYMMETRIC_DECRYPT_SM2", "ASYMMETRIC_SIGN_VERIFY_SM2",
  "ASYMMETRIC_SIGN_VERIFY_RSA_2048", "ASYMMETRIC_SIGN_VERIFY_ECC", "ASYMMETRIC_SIGN_VERIFY_ECDSA384",
  "ASYMMETRIC_SIGN_VERIFY_RSA_3072", "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES", "ASYMMETRIC_SIGN_VERIFY_DILITHIUM",
];

export const listKeyDetail = defineAction({
  name: "ListKeyDetail",
  schema: z.strictObject({ ...DETAIL_LIST_PARAMS, KeyUsage: str.optional() }),
  async handler(p, ctx) {
    const filter: KeyListFilter = detailListFilter(p, STATE_FILTER);
    const usage = p.KeyUsage ?? "";
    if (usage !== "" && usage !== "ALL" && !USAGES.includes(usage)) {
      throw new KmsError(ErrorCode.InvalidParameter, `KeyUsage ${usage} is not valid`);
    }
    Object.assign(filter, searchFilter(p));
    await ctx.settleDue();

    if (usage === "") filter.usages = [SYMMETRIC_KEY_USAGE];
    else if (usage !== "ALL") filter.usages = [usage];
    const { total, keys } = await ctx.store.listKeys(ctx.uin, filter);
    return { TotalCount: total, KeyMetadatas: keys.map(keyMetadata) };
  },
});
