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
import { checkHsmClusterId, refuseMemberAccount, SYMMETRIC_KEY_USAGE } from "../keys/key-access.js";
import { keyMetadata } from "../keys/key-metadata.js";
import { memberAccount, str, tagFilter, uint } from "../protocol/params.js";
import type { KeyListFilter, KeyState } from "../store/types.js";
import { defineAction } from "./define.js";
import { checkRole, paging } from "./list-paging.js";

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
  schema: z.strictObject({
    Offset: uint.optional(), Limit: uint.optional(), Role: uint.optional(), OrderType: uint.optional(),
    KeyState: uint.optional(), SearchKeyAlias: str.optional(), Origin: str.optional(), KeyUsage: str.optional(),
    TagFilters: z.array(tagFilter).optional(), HsmClusterId: str.optional(), MemberAccounts: z.array(memberAccount).optional(),
  }),
  async handler(p, ctx) {
    const page = paging(p.Offset, p.Limit);
    const role = checkRole(p.Role);
    checkHsmClusterId(p.HsmClusterId);
    if (p.MemberAccounts && p.MemberAccounts.length) refuseMemberAccount(p.MemberAccounts);
    const orderType = p.OrderType ?? 0;
    if (orderType !== 0 && orderType !== 1) throw new KmsError(ErrorCode.InvalidParameter, `OrderType must be 0 or 1, got ${orderType}`);
    const stateCode = p.KeyState ?? 0;
    if (!(stateCode in STATE_FILTER)) throw new KmsError(ErrorCode.InvalidParameter, `KeyState must be 0-5, got ${stateCode}`);
    const origin = p.Origin ?? "";
    if (!["", "ALL", "TENCENT_KMS", "EXTERNAL"].includes(origin)) {
      throw new KmsError(ErrorCode.InvalidParameter, `Origin must be TENCENT_KMS, EXTERNAL or ALL, got ${origin}`);
    }
    const usage = p.KeyUsage ?? "";
    if (usage !== "" && usage !== "ALL" && !USAGES.includes(usage)) {
      throw new KmsError(ErrorCode.InvalidParameter, `KeyUsage ${usage} is not valid`);
    }
    if ((p.SearchKeyAlias ?? "").length > 128) throw new KmsError(ErrorCode.InvalidParameter, "SearchKeyAlias may be at most 128 characters");
    await ctx.settleDue();

    const filter: KeyListFilter = { order: orderType === 1 ? "asc" : "desc", serviceOnly: role === 1, ...page };
    const states = STATE_FILTER[stateCode];
    if (states) filter.states = states;
    if (usage === "") filter.usages = [SYMMETRIC_KEY_USAGE];
    else if (usage !== "ALL") filter.usages = [usage];
    if (origin === "TENCENT_KMS" || origin === "EXTERNAL") filter.origin = origin;
    if (p.SearchKeyAlias) filter.search = p.SearchKeyAlias;
    if (p.TagFilters) filter.tagFilters = p.TagFilters.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue ?? [] }));
    const { total, keys } = await ctx.store.listKeys(ctx.uin, filter);
    return { TotalCount: total, KeyMetadatas: keys.map(keyMetadata) };
  },
});
