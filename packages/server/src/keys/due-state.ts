/**
 * What a stored key is at a given moment, before the scheduler has caught up with it (docs/key-states.md). The
 * scheduler makes these changes durable (destroys the key, destroys expired material), but a request never has to
 * wait for it: the moment a date passes, the key behaves as changed.
 *
 * - PendingDelete and DeletionDate ≤ now → gone (`ResourceUnavailable.CmkNotFound`).
 * - EXTERNAL, ValidTo ≠ 0 and ValidTo ≤ now, in a state that uses material (Enabled, Disabled, Archived) →
 *   PendingImport: the material has expired and nothing decrypts until the same material is imported again.
 */
import type { KeyRecord } from "../store/types.js";

/**
 * @param key the stored record
 * @param nowSeconds Unix seconds
 * @returns the key as it is at `nowSeconds`, or undefined when its deletion date has passed
 */
export function keyAsOf(key: KeyRecord, nowSeconds: number): KeyRecord | undefined {
  if (isDeletionDue(key, nowSeconds)) return undefined;
  if (isMaterialExpired(key, nowSeconds) && key.keyState !== "PendingDelete" && key.keyState !== "PendingImport") {
    return { ...key, keyState: "PendingImport" };
  }
  return key;
}

/** A PendingDelete key whose DeletionDate has come. */
export function isDeletionDue(key: KeyRecord, nowSeconds: number): boolean {
  return key.keyState === "PendingDelete" && key.deletionDate > 0 && key.deletionDate <= nowSeconds;
}

/** An EXTERNAL key whose imported material has a ValidTo that has come (0 = never expires). */
export function isMaterialExpired(key: KeyRecord, nowSeconds: number): boolean {
  return key.origin === "EXTERNAL" && key.validTo > 0 && key.validTo <= nowSeconds;
}

/** An Enabled key with automatic rotation on whose NextRotateTime has come. */
export function isRotationDue(key: KeyRecord, nowSeconds: number): boolean {
  return key.rotationEnabled && key.keyState === "Enabled" && key.nextRotateTime <= nowSeconds;
}
