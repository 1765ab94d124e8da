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
import { MAX_DATA_KEY_BYTES } from "../data-keys/data-key-access.js";
import { ErrorCode, KmsError } from "../errors.js";
import { checkKeyId, loadKey } from "../keys/key-access.js";
import { str, uint } from "../protocol/params.js";
import type { DataKeyListFilter, DataKeyState } from "../store/types.js";
import { defineAction } from "./define.js";
import { DETAIL_LIST_PARAMS, detailListFilter, searchFilter } from "./list-detail-filter.js";

const STATE_FILTER: Record<number, DataKeyState[] | undefined> = { 0: undefined, 1: ["Enabled"], 2: ["Disabled"], 3: ["PendingDelete"] };

export const listDataKeyDetail = defineAction({
  name: "ListDataKeyDetail",
  schema: z.strictObject({ ...DETAIL_LIST_PARAMS, KeyId: str.optional(), DataKeyLen: uint.optional() }),
  async handler(p, ctx) {
    const filter: DataKeyListFilter = detailListFilter(p, STATE_FILTER);
    if (p.DataKeyLen !== undefined && (p.DataKeyLen < 1 || p.DataKeyLen > MAX_DATA_KEY_BYTES)) {
      throw new KmsError(ErrorCode.InvalidParameter, `DataKeyLen must be 1-${MAX_DATA_KEY_BYTES}, got ${p.DataKeyLen}`);
    }
    Object.assign(filter, searchFilter(p));
    const keyId = p.KeyId === undefined || p.KeyId === "" ? undefined : checkKeyId(p.KeyId);
    await ctx.settleDue();
    if (keyId) await loadKey(ctx, keyId);

    if (keyId) filter.keyId = keyId;
    if (p.DataKeyLen !== undefined) filter.numberOfBytes = p.DataKeyLen;
    const { total, dataKeys } = await ctx.store.listDataKeys(ctx.uin, filter);
    const metadatas = [];
    for (const d of dataKeys) metadatas.push(await dataKeyMetadataOf(ctx, d));
    return { DataKeyMetadatas: metadatas, TotalCount: total };
  },
});
