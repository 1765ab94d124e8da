/**
 * State transitions of EnableKey(s) / DisableKey(s) (reference §8; "inferred" cells decided here):
 * Enable: Enabled → Enabled (no-op), Disabled → Enabled; any other state → CmkStateNotSupport.
 * Disable: Enabled | Disabled | Archived → Disabled; PendingDelete, PendingImport → CmkStateNotSupport.
 */
import { ErrorCode, KmsError } from "../errors.js";
import type { ActionContext } from "../actions/define.js";
import type { KeyRecord, KeyState } from "../store/types.js";
import { loadKey } from "./key-access.js";

function refuse(key: KeyRecord, op: string): never {
  throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} in state ${key.keyState} cannot be ${op}`);
}

export function stateAfterEnable(key: KeyRecord): KeyState {
  if (key.keyState === "Enabled" || key.keyState === "Disabled") return "Enabled";
  return refuse(key, "enabled");
}

export function stateAfterDisable(key: KeyRecord): KeyState {
  if (key.keyState === "Enabled" || key.keyState === "Disabled" || key.keyState === "Archived") return "Disabled";
  return refuse(key, "disabled");
}

/** UpdateAlias / UpdateKeyDescription: refused while PendingDelete. */
export function requireModifiable(key: KeyRecord): void {
  if (key.keyState === "PendingDelete") refuse(key, "modified");
}

/**
 * Move each of `keyIds` (already validated) to `next(key)`, all or nothing: every key is loaded and its transition
 * checked before any is stored. Throws the first key's error (CmkNotFound, CmkStateNotSupport) and changes nothing.
 */
export async function transitionKeys(ctx: ActionContext, keyIds: string[], next: (key: KeyRecord) => KeyState): Promise<void> {
  const updated: KeyRecord[] = [];
  for (const id of keyIds) {
    const key = await loadKey(ctx, id);
    updated.push({ ...key, keyState: next(key) });
  }
  await ctx.store.updateKeys(updated);
}
