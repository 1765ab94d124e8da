/**
 * Finding a caller's hosted data key and checking its parameters and states (reference §3.12; decisions in
 * docs/data-keys.md). A data key of another account is indistinguishable from a missing one:
 * `ResourceUnavailable.DataKeyNotFound`. A data key whose DeletionDate has passed is gone, even before the scheduler
 * has destroyed it (as for CMKs, keys/due-state.ts).
 */
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError } from "../errors.js";
import type { ActionContext } from "../actions/define.js";
import { loadKey } from "../keys/key-access.js";
import type { DataKeyRecord, DataKeyState, KeyRecord } from "../store/types.js";

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * DataKeyName (inferred, as the CMK alias rule of reference §6.1): 1–60 letters, digits, `_` or `-`, starting with a
 * letter or digit; unique in the account.
 */
export const DATA_KEY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/;

/** A data key's length: 1–1024 bytes (GenerateDataKey `NumberOfBytes`, reference §6.1). */
export const MAX_DATA_KEY_BYTES = 1024;

/** Data key `Description`: at most this many UTF-8 bytes (reference §6.1). */
export const MAX_DATA_KEY_DESCRIPTION_BYTES = 100;

/** Batch actions (DescribeDataKeys, Enable/DisableDataKeys): at most this many DataKeyIds (reference §6.1). */
export const MAX_DATA_KEY_IDS = 100;

/** Normalise a DataKeyId parameter; throws `InvalidParameterValue.InvalidDataKeyId` unless it is a UUID. */
export function checkDataKeyId(value: string, field = "DataKeyId"): string {
  if (!UUID_RE.test(value)) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidDataKeyId, `${field} is not a valid DataKeyId: expected a 36-character UUID`);
  }
  return value.toLowerCase();
}

/**
 * Check a DataKeyIds list: 1..100 well-formed ids, no duplicates; returns them normalised.
 * @throws KmsError `InvalidParameterValue` (0 or > 100 ids), `InvalidParameterValue.InvalidDataKeyId`,
 *   `InvalidParameterValue.DuplicatedDataKeyId`
 */
export function checkDataKeyIdList(ids: string[], field = "DataKeyIds"): string[] {
  if (ids.length === 0) throw new KmsError(ErrorCode.InvalidParameterValue, `${field} must contain at least one DataKeyId`);
  if (ids.length > MAX_DATA_KEY_IDS) {
    throw new KmsError(ErrorCode.InvalidParameterValue, `${field} may contain at most ${MAX_DATA_KEY_IDS} DataKeyIds, got ${ids.length}`);
  }
  const norm = ids.map((id) => checkDataKeyId(id, field));
  const seen = new Set<string>();
  for (const id of norm) {
    if (seen.has(id)) throw new KmsError(ErrorCode.InvalidParameterValueDuplicatedDataKeyId, `${field} contains ${id} more than once`);
    seen.add(id);
  }
  return norm;
}

/** Throws `InvalidParameterValue.InvalidDataKeyName` unless `name` follows {@link DATA_KEY_NAME_RE}. */
export function checkDataKeyName(name: string): string {
  if (!DATA_KEY_NAME_RE.test(name)) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidDataKeyName, "DataKeyName must be 1-60 letters, digits, - or _, starting with a letter or digit");
  }
  return name;
}

/** Throws `InvalidParameterValue` when the description is longer than 100 UTF-8 bytes. */
export function checkDataKeyDescription(description: string): string {
  const n = Buffer.byteLength(description, "utf8");
  if (n > MAX_DATA_KEY_DESCRIPTION_BYTES) {
    throw new KmsError(ErrorCode.InvalidParameterValue, `Description may be at most ${MAX_DATA_KEY_DESCRIPTION_BYTES} bytes, got ${n}`);
  }
  return description;
}

/** A PendingDelete data key whose DeletionDate has come. */
export function isDataKeyDeletionDue(dataKey: DataKeyRecord, nowSeconds: number): boolean {
  return dataKey.keyState === "PendingDelete" && dataKey.deletionDate > 0 && dataKey.deletionDate <= nowSeconds;
}

/**
 * The caller's data key as it is now.
 * @throws KmsError `ResourceUnavailable.DataKeyNotFound` when it does not exist for this account (or its deletion
 *   date has passed)
 */
export async function loadDataKey(ctx: Pick<ActionContext, "store" | "uin" | "clock">, dataKeyId: string): Promise<DataKeyRecord> {
  const stored = await ctx.store.getDataKey(ctx.uin, dataKeyId);
  if (!stored || isDataKeyDeletionDue(stored, unixSeconds(ctx.clock))) {
    throw new KmsError(ErrorCode.ResourceUnavailableDataKeyNotFound, `The data key ${dataKeyId} does not exist`);
  }
  return stored;
}

/** {@link loadDataKey} by DataKeyName; undefined when there is none. */
export async function findDataKeyByName(ctx: Pick<ActionContext, "store" | "uin" | "clock">, name: string): Promise<DataKeyRecord | undefined> {
  const stored = await ctx.store.getDataKeyByName(ctx.uin, name);
  return stored && !isDataKeyDeletionDue(stored, unixSeconds(ctx.clock)) ? stored : undefined;
}

function refuse(dataKey: DataKeyRecord, op: string): never {
  throw new KmsError(ErrorCode.ResourceUnavailableDataKeyStateNotSupport, `The data key ${dataKey.dataKeyId} in state ${dataKey.keyState} cannot be ${op}`);
}

/** EnableDataKey(s): Enabled (no-op) and Disabled → Enabled; PendingDelete → DataKeyStateNotSupport. */
export function dataKeyStateAfterEnable(dataKey: DataKeyRecord): DataKeyState {
  if (dataKey.keyState === "PendingDelete") refuse(dataKey, "enabled (cancel its deletion first)");
  return "Enabled";
}

/** DisableDataKey(s): Enabled and Disabled (no-op) → Disabled; PendingDelete → DataKeyStateNotSupport. */
export function dataKeyStateAfterDisable(dataKey: DataKeyRecord): DataKeyState {
  if (dataKey.keyState === "PendingDelete") refuse(dataKey, "disabled");
  return "Disabled";
}

/**
 * ScheduleDataKeyDeletion, like a CMK's: Disabled → PendingDelete; Enabled → DataKeyStateNotSupport (disable it
 * first); PendingDelete → DataKeyStateNotSupport (already scheduled).
 */
export function dataKeyStateAfterScheduleDeletion(dataKey: DataKeyRecord): DataKeyState {
  if (dataKey.keyState === "Disabled") return "PendingDelete";
  if (dataKey.keyState === "Enabled") refuse(dataKey, "scheduled for deletion while Enabled (disable it first)");
  return refuse(dataKey, "scheduled for deletion again");
}

/** CancelDataKeyDeletion: PendingDelete → Disabled; any other state → DataKeyNotPendingDelete. */
export function dataKeyStateAfterCancelDeletion(dataKey: DataKeyRecord): DataKeyState {
  if (dataKey.keyState !== "PendingDelete") {
    throw new KmsError(ErrorCode.ResourceUnavailableDataKeyNotPendingDelete, `The data key ${dataKey.dataKeyId} is ${dataKey.keyState}, not PendingDelete`);
  }
  return "Disabled";
}

/** UpdateDataKeyName / UpdateDataKeyDescription: refused while PendingDelete (as for CMKs). */
export function requireDataKeyModifiable(dataKey: DataKeyRecord): void {
  if (dataKey.keyState === "PendingDelete") refuse(dataKey, "modified");
}

/**
 * Reading a data key's material (GetDataKeyPlaintext, the gateway): the data key must be Enabled.
 * @throws KmsError `ResourceUnavailable.DataKeyDisabled`, `ResourceUnavailable.DataKeyPendingDelete`
 */
export function requireDataKeyUsable(dataKey: DataKeyRecord): void {
  if (dataKey.keyState === "Disabled") throw new KmsError(ErrorCode.ResourceUnavailableDataKeyDisabled, `The data key ${dataKey.dataKeyId} is disabled`);
  if (dataKey.keyState === "PendingDelete") {
    throw new KmsError(ErrorCode.ResourceUnavailableDataKeyPendingDelete, `The data key ${dataKey.dataKeyId} is pending deletion`);
  }
}

/**
 * Opening a data key under its CMK: the CMK must be Enabled — a Disabled, Archived, PendingDelete, PendingImport (or
 * expired-material) CMK withholds every data key under it.
 * @throws KmsError `ResourceUnavailable.CmkDisabled`, `ResourceUnavailable.CmkStateNotSupport`
 */
export function requireCmkReleasesDataKeys(key: KeyRecord): void {
  if (key.keyState === "Enabled") return;
  if (key.keyState === "Disabled") throw new KmsError(ErrorCode.ResourceUnavailableCmkDisabled, `The CMK ${key.keyId} is disabled`);
  throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is ${key.keyState}: its data keys cannot be used`);
}

/**
 * EnableDataKey(s) and CancelDataKeyDeletion: the data key's CMK must still exist and not be PendingDelete.
 * @throws KmsError `ResourceUnavailable.CmkStateNotSupport` (PendingDelete)
 */
export function requireCmkKeepsDataKeys(key: KeyRecord): void {
  if (key.keyState === "PendingDelete") {
    throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is pending deletion: its data keys cannot come back`);
  }
}

/**
 * Move each of `dataKeyIds` (already validated) to `next(dataKey, cmk)`, all or nothing: every data key (and, when
 * `withCmk`, its CMK — `ResourceUnavailable.CmkNotFound` when gone) is loaded and its transition checked before any
 * is stored. Throws the first error and changes nothing.
 */
export async function transitionDataKeys(
  ctx: Pick<ActionContext, "store" | "uin" | "clock">,
  dataKeyIds: string[],
  next: (dataKey: DataKeyRecord, cmk: KeyRecord | undefined) => DataKeyState,
  withCmk = false,
): Promise<void> {
  const updated: DataKeyRecord[] = [];
  const read: DataKeyRecord[] = [];
  for (const id of dataKeyIds) {
    const dataKey = await loadDataKey(ctx, id);
    const cmk = withCmk ? await loadKey(ctx, dataKey.keyId) : undefined;
    updated.push({ ...dataKey, keyState: next(dataKey, cmk) });
    read.push(dataKey);
  }
  await ctx.store.updateDataKeys(updated, read);
}
