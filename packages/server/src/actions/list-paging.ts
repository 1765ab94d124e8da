/** Offset/Limit/Role paging shared by the list actions (reference §6.1: Limit default 10, max 200). */
import { ErrorCode, KmsError } from "../errors.js";
import { checkHsmClusterId } from "../keys/key-access.js";

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 200;

export function paging(offset: number | undefined, limit: number | undefined): { offset: number; limit: number } {
  const l = limit ?? DEFAULT_LIMIT;
  if (l > MAX_LIMIT) throw new KmsError(ErrorCode.InvalidParameter, `Limit may be at most ${MAX_LIMIT}, got ${l}`);
  return { offset: offset ?? 0, limit: l };
}

/**
 * Role 0 (default) = every key here (user keys and service default keys: SPEC §2 lists service keys like other keys);
 * 1 = only keys created for cloud services (owner ≠ `user`).
 */
export function checkRole(role: number | undefined): 0 | 1 {
  const r = role ?? 0;
  if (r !== 0 && r !== 1) throw new KmsError(ErrorCode.InvalidParameter, `Role must be 0 or 1, got ${r}`);
  return r;
}

/** The paging parameters every list action takes. */
export interface ListPageParams {
  Offset?: number | undefined;
  Limit?: number | undefined;
  Role?: number | undefined;
  HsmClusterId?: string | undefined;
}

/**
 * Check a list action's Offset/Limit, Role and HsmClusterId, in that order: the page (offset, limit) and whether only
 * service-made keys are listed (Role 1).
 * @throws KmsError InvalidParameter (Limit > 200, Role ∉ {0,1}), InvalidParameterValue.InvalidHsmClusterId
 */
export function listPage(p: ListPageParams): { offset: number; limit: number; serviceOnly: boolean } {
  const page = paging(p.Offset, p.Limit);
  const role = checkRole(p.Role);
  checkHsmClusterId(p.HsmClusterId);
  return { ...page, serviceOnly: role === 1 };
}
