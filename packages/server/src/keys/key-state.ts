/**
 * The key state machine (reference §8), one function per state-changing operation: each returns the state the key
 * moves to or throws the operation's error code and changes nothing. The cells the reference marks "inferred" are
 * decided here and written down, with every other cell, in docs/key-states.md; test/key-states.test.ts checks every
 * cell through the SDK.
 */
import { ErrorCode, KmsError } from "../errors.js";
import type { ActionContext } from "../actions/define.js";
import type { KeyRecord, KeyState } from "../store/types.js";
import { loadKey, storedAs } from "./key-access.js";

function refuse(key: KeyRecord, op: string): never {
  throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} in state ${key.keyState} cannot be ${op}`);
}

/** EnableKey(s): Enabled (no-op) and Disabled → Enabled; any other state → CmkStateNotSupport. */
export function stateAfterEnable(key: KeyRecord): KeyState {
  if (key.keyState === "Enabled" || key.keyState === "Disabled") return "Enabled";
  return refuse(key, "enabled");
}

/** DisableKey(s): Enabled, Disabled (no-op) and Archived → Disabled; PendingDelete, PendingImport → CmkStateNotSupport. */
export function stateAfterDisable(key: KeyRecord): KeyState {
  if (key.keyState === "Enabled" || key.keyState === "Disabled" || key.keyState === "Archived") return "Disabled";
  return refuse(key, "disabled");
}

/** UpdateAlias / UpdateKeyDescription / GetParametersForImport: refused while PendingDelete. */
export function requireModifiable(key: KeyRecord): void {
  if (key.keyState === "PendingDelete") refuse(key, "modified");
}

/**
 * ScheduleKeyDeletion: Disabled and PendingImport → PendingDelete; Enabled and Archived → CmkShouldBeDisabled
 * (the key must be disabled first, reference §3.1); PendingDelete → CmkStateNotSupport (already scheduled).
 */
export function stateAfterScheduleDeletion(key: KeyRecord): KeyState {
  if (key.keyState === "Disabled" || key.keyState === "PendingImport") return "PendingDelete";
  if (key.keyState === "Enabled" || key.keyState === "Archived") {
    throw new KmsError(ErrorCode.ResourceUnavailableCmkShouldBeDisabled, `The CMK ${key.keyId} is ${key.keyState}; disable it before scheduling its deletion`);
  }
  return refuse(key, "scheduled for deletion again");
}

/**
 * CancelKeyDeletion: PendingDelete → Disabled, or PendingImport for an EXTERNAL key without material (it was
 * PendingImport when scheduled, or its material expired meanwhile); any other state → CmkNotPendingDelete.
 * @param hasMaterial whether the key has usable material (always true for TENCENT_KMS keys)
 */
export function stateAfterCancelDeletion(key: KeyRecord, hasMaterial: boolean): KeyState {
  if (key.keyState !== "PendingDelete") {
    throw new KmsError(ErrorCode.ResourceUnavailableCmkNotPendingDelete, `The CMK ${key.keyId} is ${key.keyState}, not PendingDelete`);
  }
  return hasMaterial ? "Disabled" : "PendingImport";
}

/** ArchiveKey: Enabled and Disabled → Archived; any other state (Archived included) → CmkStateNotSupport. */
export function stateAfterArchive(key: KeyRecord): KeyState {
  if (key.keyState === "Enabled" || key.keyState === "Disabled") return "Archived";
  return refuse(key, "archived");
}

/** CancelKeyArchive: Archived → Enabled (reference §3.1); any other state → CmkStateNotSupport. */
export function stateAfterCancelArchive(key: KeyRecord): KeyState {
  if (key.keyState === "Archived") return "Enabled";
  return refuse(key, "unarchived");
}

/** ImportKeyMaterial: PendingImport and Enabled (re-import of the same material) → Enabled (reference §3.8). */
export function stateAfterImport(key: KeyRecord): KeyState {
  if (key.keyState === "PendingImport" || key.keyState === "Enabled") return "Enabled";
  return refuse(key, "given key material (only Enabled and PendingImport keys can)");
}

/** DeleteImportedKeyMaterial: Enabled, Disabled and Archived → PendingImport; PendingImport, PendingDelete → CmkStateNotSupport. */
export function stateAfterDeleteMaterial(key: KeyRecord): KeyState {
  if (key.keyState === "Enabled" || key.keyState === "Disabled" || key.keyState === "Archived") return "PendingImport";
  return refuse(key, "stripped of its key material");
}

/** EnableKeyRotation and RotateKey: only Enabled keys (after the origin and usage checks of rotation.ts). */
export function requireRotatable(key: KeyRecord): void {
  if (key.keyState !== "Enabled") refuse(key, "rotated");
}

/**
 * Move each of `keyIds` (already validated) to `next(key)`, all or nothing: every key is loaded and its transition
 * checked before any is stored. Throws the first key's error (CmkNotFound, CmkStateNotSupport) and changes nothing.
 */
export async function transitionKeys(ctx: ActionContext, keyIds: string[], next: (key: KeyRecord) => KeyState): Promise<void> {
  const updated: KeyRecord[] = [];
  const read: KeyRecord[] = [];
  for (const id of keyIds) {
    const key = await loadKey(ctx, id);
    updated.push({ ...key, keyState: next(key) });
    read.push(storedAs(key));
  }
  await ctx.store.updateKeys(updated, read);
}
