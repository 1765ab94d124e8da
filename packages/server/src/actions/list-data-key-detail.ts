/**
 * ListDataKeyDetail (reference §3.12): DataKeyMetadata of the account's hosted data keys with filters, paging and
 * ordering. KeyState 0 all, 1 Enabled, 2 Disabled, 3 PendingDelete; Origin TENCENT_KMS | EXTERNAL | ALL/empty;
 * OrderType 0 CreateTime desc, 1 asc; SearchKeyAlias = substring of DataKeyId or DataKeyName; KeyId = only data keys
 * under that CMK (which must exist); DataKeyLen = only data keys of that many bytes; TagFilters = every filter must
 * match one tag; Role 0 every data key, 1 only those products created.
 * Errors: InvalidParameter, InvalidParameterValue.{InvalidHsmClusterId, InvalidKeyId}, ResourceUnavailable.CmkNotFound,
 * UnsupportedOperation (MemberAccounts).
 */
import { z } from "zod";
import { dataKeyMetadataOf } from "../data-keys/data-key-metadata.js";
import { ErrorCode, KmsError } from "../errors.js";
import { checkHsmClusterId, checkKeyId, loadKey, refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str, tagFilter, uint } from "../protocol/params.js";
import type { DataKeyListFilter, DataKeyState } from "../store/types.js";
import { MAX_DATA_KEY_BYTES } from "../data-keys/data-key-access.js";
import { defineAction } from "./define.js";
import { checkRole, paging } from "./list-paging.js";

const STATE_FILTER: Record<number, DataKeyState[] | undefined> = { 0: undefined, 1: ["Enabled"], 2: ["Disabled"], 3: ["PendingDelete"] };

export const listDataKeyDetail = defineAction({
  name: "ListDataKeyDetail",
  schema: z.strictObject({
    Offset: uint.optional(), Limit: uint.optional(), Role: uint.optional(), OrderType: uint.optional(), KeyState: uint.optional(),
    SearchKeyAlias: str.optional(), Origin: str.optional(), HsmClusterId: str.optional(), KeyId: str.optional(),
    DataKeyLen: uint.optional(), TagFilters: z.array(tagFilter).optional(), MemberAccounts: z.array(memberAccount).optional(),
  }),
  async handler(p, ctx) {
    const page = paging(p.Offset, p.Limit);
    const role = checkRole(p.Role);
    checkHsmClusterId(p.HsmClusterId);
    if (p.MemberAccounts && p.MemberAccounts.length) refuseMemberAccount(p.MemberAccounts);
    const orderType = p.OrderType ?? 0;
    if (orderType !== 0 && orderType !== 1) throw new KmsError(ErrorCode.InvalidParameter, `OrderType must be 0 or 1, got ${orderType}`);
    const stateCode = p.KeyState ?? 0;
    if (!(stateCode in STATE_FILTER)) throw new KmsError(ErrorCode.InvalidParameter, `KeyState must be 0-3, got ${stateCode}`);
    const origin = p.Origin ?? "";
    if (!["", "ALL", "TENCENT_KMS", "EXTERNAL"].includes(origin)) {
      throw new KmsError(ErrorCode.InvalidParameter, `Origin must be TENCENT_KMS, EXTERNAL or ALL, got ${origin}`);
    }
    if (p.DataKeyLen !== undefined && (p.DataKeyLen < 1 || p.DataKeyLen > MAX_DATA_KEY_BYTES)) {
      throw new KmsError(ErrorCode.InvalidParameter, `DataKeyLen must be 1-${MAX_DATA_KEY_BYTES}, got ${p.DataKeyLen}`);
    }
    if ((p.SearchKeyAlias ?? "").length > 128) throw new KmsError(ErrorCode.InvalidParameter, "SearchKeyAlias may be at most 128 characters");
    const keyId = p.KeyId === undefined || p.KeyId === "" ? undefined : checkKeyId(p.KeyId);
    await ctx.settleDue();
    if (keyId) await loadKey(ctx, keyId);

    const filter: DataKeyListFilter = { order: orderType === 1 ? "asc" : "desc", serviceOnly: role === 1, ...page };
    const states = STATE_FILTER[stateCode];
    if (states) filter.states = states;
    if (origin === "TENCENT_KMS" || origin === "EXTERNAL") filter.origin = origin;
    if (p.SearchKeyAlias) filter.search = p.SearchKeyAlias;
    if (keyId) filter.keyId = keyId;
    if (p.DataKeyLen !== undefined) filter.numberOfBytes = p.DataKeyLen;
    if (p.TagFilters) filter.tagFilters = p.TagFilters.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue ?? [] }));
    const { total, dataKeys } = await ctx.store.listDataKeys(ctx.uin, filter);
    const metadatas = [];
    for (const d of dataKeys) metadatas.push(await dataKeyMetadataOf(ctx, d));
    return { DataKeyMetadatas: metadatas, TotalCount: total };
  },
});
