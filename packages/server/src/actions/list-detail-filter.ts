/**
 * The parameters and filters ListKeyDetail (reference §3.1) and ListDataKeyDetail (§3.12) share: paging, Role,
 * HsmClusterId, MemberAccounts (refused), OrderType (0 CreateTime desc, 1 asc), KeyState (a code of the action's own
 * table), Origin (TENCENT_KMS | EXTERNAL | ALL/empty), SearchKeyAlias (≤ 128 characters) and TagFilters (every filter
 * must match one tag). Each action checks its own parameters between {@link detailListFilter} and
 * {@link searchFilter}, so the order in which a request's mistakes are reported is the API's.
 */
import { z } from "zod";
import { ErrorCode, KmsError } from "../errors.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str, tagFilter, uint } from "../protocol/params.js";
import type { KeyOrigin, TagFilter } from "../store/types.js";
import { listPage } from "./list-paging.js";

/** The schema fields both actions take (spread into each action's `z.strictObject`). */
export const DETAIL_LIST_PARAMS = {
  Offset: uint.optional(), Limit: uint.optional(), Role: uint.optional(), OrderType: uint.optional(), KeyState: uint.optional(),
  SearchKeyAlias: str.optional(), Origin: str.optional(), HsmClusterId: str.optional(), TagFilters: z.array(tagFilter).optional(),
  MemberAccounts: z.array(memberAccount).optional(),
};

type DetailListParams = { [K in keyof typeof DETAIL_LIST_PARAMS]?: z.infer<(typeof DETAIL_LIST_PARAMS)[K]> };

/** What the shared parameters filter by. */
export interface DetailListFilter<S> {
  order: "asc" | "desc";
  serviceOnly: boolean;
  offset: number;
  limit: number;
  states?: S[];
  origin?: KeyOrigin;
}

/**
 * Check paging, Role, HsmClusterId, MemberAccounts, OrderType, KeyState and Origin, in that order.
 * @param stateFilter KeyState code → the states it lists (undefined = all); codes 0 … n−1
 * @throws KmsError InvalidParameter, InvalidParameterValue.InvalidHsmClusterId, UnsupportedOperation (MemberAccounts)
 */
export function detailListFilter<S>(p: DetailListParams, stateFilter: Record<number, S[] | undefined>): DetailListFilter<S> {
  const page = listPage(p);
  if (p.MemberAccounts && p.MemberAccounts.length) refuseMemberAccount(p.MemberAccounts);
  const orderType = p.OrderType ?? 0;
  if (orderType !== 0 && orderType !== 1) throw new KmsError(ErrorCode.InvalidParameter, `OrderType must be 0 or 1, got ${orderType}`);
  const stateCode = p.KeyState ?? 0;
  if (!(stateCode in stateFilter)) {
    throw new KmsError(ErrorCode.InvalidParameter, `KeyState must be 0-${Object.keys(stateFilter).length - 1}, got ${stateCode}`);
  }
  const origin = p.Origin ?? "";
  if (!["", "ALL", "TENCENT_KMS", "EXTERNAL"].includes(origin)) {
    throw new KmsError(ErrorCode.InvalidParameter, `Origin must be TENCENT_KMS, EXTERNAL or ALL, got ${origin}`);
  }
  const filter: DetailListFilter<S> = { order: orderType === 1 ? "asc" : "desc", ...page };
  const states = stateFilter[stateCode];
  if (states) filter.states = states;
  if (origin === "TENCENT_KMS" || origin === "EXTERNAL") filter.origin = origin;
  return filter;
}

/**
 * Check SearchKeyAlias (at most 128 characters) and make the search and tag filters.
 * @throws KmsError InvalidParameter
 */
export function searchFilter(p: Pick<DetailListParams, "SearchKeyAlias" | "TagFilters">): { search?: string; tagFilters?: TagFilter[] } {
  if ((p.SearchKeyAlias ?? "").length > 128) throw new KmsError(ErrorCode.InvalidParameter, "SearchKeyAlias may be at most 128 characters");
  return {
    ...(p.SearchKeyAlias ? { search: p.SearchKeyAlias } : {}),
    ...(p.TagFilters ? { tagFilters: p.TagFilters.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue ?? [] })) } : {}),
  };
}
