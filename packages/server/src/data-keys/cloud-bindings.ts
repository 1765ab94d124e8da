/**
 * Cloud-resource bindings (reference §3.11): a product declares that one of its resources uses a CMK
 * (BindCloudResource) and withdraws it (UnbindCloudResource). While a CMK has any binding it cannot be scheduled for
 * deletion and its imported material cannot be deleted (`FailedOperation.CmkUsedByCloudProduct`); it can still be
 * disabled or archived — that is how an owner withholds keys from a product. Bindings show in DescribeKey's
 * KeyMetadata only as what Tencent shows (nothing: KeyMetadata has no binding field), and in `openkms admin list`.
 */
import { unixSeconds } from "../clock.js";
import type { ActionContext } from "../actions/define.js";
import { ErrorCode, KmsError } from "../errors.js";
import { storedAs } from "../keys/key-access.js";
import type { KeyRecord, KeyStore } from "../store/types.js";

/** ProductId: 1–64 letters, digits, `_`, `-` or `.` (inferred; Tencent's product ids are short names like `ssm`). */
export const PRODUCT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** ResourceId: 1–256 characters, no control characters (inferred; "defined by the caller"). */
export const MAX_RESOURCE_ID_LENGTH = 256;

/** @throws KmsError `InvalidParameter` naming the field */
export function checkBindingParams(productId: string, resourceId: string): void {
  if (!PRODUCT_ID_RE.test(productId)) {
    throw new KmsError(ErrorCode.InvalidParameter, "ProductId must be 1-64 letters, digits, _, - or ., starting with a letter or digit");
  }
  // eslint-disable-next-line no-control-regex
  if (resourceId.length === 0 || resourceId.length > MAX_RESOURCE_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(resourceId)) {
    throw new KmsError(ErrorCode.InvalidParameter, `ResourceId must be 1-${MAX_RESOURCE_ID_LENGTH} characters without control characters`);
  }
}

/**
 * Bind `key` (loaded for the caller's account) to (productId, resourceId); binding again changes nothing. The key
 * must be Enabled, Disabled or Archived (PendingDelete and PendingImport keys → `ResourceUnavailable.CmkStateNotSupport`).
 * As the reference says, a key "set to expire automatically" has that setting cancelled: an EXTERNAL key's material
 * ValidTo becomes 0 (never expires).
 * @returns true when the binding is new
 */
export async function bindKey(ctx: Pick<ActionContext, "store" | "clock">, key: KeyRecord, productId: string, resourceId: string): Promise<boolean> {
  if (key.keyState === "PendingDelete" || key.keyState === "PendingImport") {
    throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is ${key.keyState} and cannot be bound to a cloud resource`);
  }
  const created = await ctx.store.bindCloudResource({ keyId: key.keyId, uin: key.uin, productId, resourceId, createTime: unixSeconds(ctx.clock) });
  if (key.validTo !== 0) await ctx.store.updateKey({ ...key, validTo: 0 }, storedAs(key));
  return created;
}

/**
 * Deleting a CMK or its material is refused while it is bound to any cloud resource.
 * @throws KmsError `FailedOperation.CmkUsedByCloudProduct` naming the first binding
 */
export async function requireUnbound(ctx: Pick<ActionContext, "store">, key: KeyRecord): Promise<void> {
  const bindings = await ctx.store.listCloudBindings({ keyId: key.keyId, uin: key.uin });
  const b = bindings[0];
  if (b) {
    throw new KmsError(
      ErrorCode.FailedOperationCmkUsedByCloudProduct,
      `The CMK ${key.keyId} is used by ${bindings.length} cloud resource(s) (first: product ${b.productId}, resource ${b.resourceId}); unbind them first`,
    );
  }
}

/** One binding as `openkms admin list` prints it. */
export interface CloudBindingView {
  KeyId: string;
  ProductId: string;
  ResourceId: string;
  /** Unix seconds. */
  CreateTime: number;
}

/**
 * Add each root account's cloud-resource bindings (`CloudBindings`, oldest first) to `openkms admin list`'s entries;
 * sub-users own no keys and get none.
 */
export async function withCloudBindings<T extends { Uin: string; Kind: string }>(
  store: Pick<KeyStore, "listCloudBindings">, entries: T[],
): Promise<(T & { CloudBindings?: CloudBindingView[] })[]> {
  const out: (T & { CloudBindings?: CloudBindingView[] })[] = [];
  for (const e of entries) {
    if (e.Kind !== "root") {
      out.push(e);
      continue;
    }
    const bindings = await store.listCloudBindings({ uin: e.Uin });
    out.push({ ...e, CloudBindings: bindings.map((b) => ({ KeyId: b.keyId, ProductId: b.productId, ResourceId: b.resourceId, CreateTime: b.createTime })) });
  }
  return out;
}
