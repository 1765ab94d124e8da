/**
 * State transitions of EnableKey(s) / DisableKey(s) (reference §8; "inferred" cells decided here):
 * Enable: Enabled → Enabled (no-op), Disabled → Enabled; any other state → CmkStateNotSupport.
 * Disable: Enabled | Disabled | Archived → Disabled; PendingDelete, PendingImport → CmkStateNotSupport.
 */
import { ErrorCode, KmsError } from "../errors.js";
import type { KeyRecord, KeyState } from "../store/types.js";

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
