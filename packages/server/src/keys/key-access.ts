/**
 * Finding a caller's CMK and checking that its state allows an operation (reference §8 state machine, decisions in
 * docs/key-states.md). A key of another account is indistinguishable from a missing one: `ResourceUnavailable.CmkNotFound`.
 */
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError } from "../errors.js";
import type { ActionContext } from "../actions/define.js";
import type { KeyRecord } from "../store/types.js";
import { keyAsOf } from "./due-state.js";

const KEY_ID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Normalise a KeyId parameter; throws `InvalidParameterValue.InvalidKeyId` unless it is a UUID. */
export function checkKeyId(value: string, field = "KeyId"): string {
  if (!KEY_ID_RE.test(value)) throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyId, `${field} is not a valid KeyId: expected a 36-character UUID`);
  return value.toLowerCase();
}

/**
 * The caller's key as it is now (see due-state.ts: a key past its DeletionDate is gone, expired imported material
 * makes it PendingImport, even before the scheduler has run).
 * @throws KmsError `ResourceUnavailable.CmkNotFound` when it does not exist for this account
 */
export async function loadKey(ctx: Pick<ActionContext, "store" | "uin" | "clock">, keyId: string): Promise<KeyRecord> {
  const stored = await ctx.store.getKey(ctx.uin, keyId);
  const key = stored && keyAsOf(stored, unixSeconds(ctx.clock));
  if (!key) throw new KmsError(ErrorCode.ResourceUnavailableCmkNotFound, `The CMK ${keyId} does not exist`);
  if (key !== stored) readAs.set(key, stored!);
  return key;
}

/** A key {@link loadKey} returned changed by time (keyAsOf) → the stored record it was read as. */
const readAs = new WeakMap<KeyRecord, KeyRecord>();

/**
 * The stored record a key returned by {@link loadKey} was read as — what a write derived from it expects the store
 * still to hold (store/stale-record.ts). Other records are returned as they are.
 */
export function storedAs(key: KeyRecord): KeyRecord {
  return readAs.get(key) ?? key;
}

/** Throws `UnsupportedOperation.NotExternalCmk` unless the key's material is imported (Origin EXTERNAL). */
export function requireExternal(key: KeyRecord): void {
  if (key.origin !== "EXTERNAL") {
    throw new KmsError(ErrorCode.UnsupportedOperationNotExternalCmk, `The CMK ${key.keyId} is not an EXTERNAL key (created with Type=2)`);
  }
}

/** Check a KeyId list for a batch action: 1..100 well-formed ids, no duplicates; returns them normalised. */
export function checkKeyIdList(ids: string[], field = "KeyIds", max = 100): string[] {
  if (ids.length === 0) throw new KmsError(ErrorCode.InvalidParameter, `${field} must contain at least one KeyId`);
  if (ids.length > max) throw new KmsError(ErrorCode.InvalidParameter, `${field} may contain at most ${max} KeyIds, got ${ids.length}`);
  const norm = ids.map((id) => checkKeyId(id, field));
  const seen = new Set<string>();
  for (const id of norm) {
    if (seen.has(id)) throw new KmsError(ErrorCode.InvalidParameterValueDuplicatedKeyId, `${field} contains ${id} more than once`);
    seen.add(id);
  }
  return norm;
}

export const SYMMETRIC_KEY_USAGE = "ENCRYPT_DECRYPT";

/** Throws `InvalidParameterValue.InvalidKeyUsage` unless the key is a symmetric ENCRYPT_DECRYPT key. */
export function requireSymmetric(key: KeyRecord): void {
  if (key.keyUsage !== SYMMETRIC_KEY_USAGE) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyUsage, `The CMK ${key.keyId} has KeyUsage ${key.keyUsage}; this operation needs ENCRYPT_DECRYPT`);
  }
}

/** Encrypt / GenerateDataKey / ReEncrypt destination: only Enabled keys. */
export function requireEncryptable(key: KeyRecord, pendingDeleteCode: "CmkStateNotSupport" | "KeyPendingDelete" = "CmkStateNotSupport"): void {
  switch (key.keyState) {
    case "Enabled":
      return;
    case "Disabled":
      throw new KmsError(ErrorCode.ResourceUnavailableCmkDisabled, `The CMK ${key.keyId} is disabled`);
    case "Archived":
      throw new KmsError(ErrorCode.ResourceUnavailableCmkArchived, `The CMK ${key.keyId} is archived and can only decrypt`);
    case "PendingDelete":
      if (pendingDeleteCode === "KeyPendingDelete") {
        throw new KmsError(ErrorCode.ResourceUnavailableKeyPendingDelete, `The CMK ${key.keyId} is pending deletion`);
      }
      throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is pending deletion`);
    default:
      throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is in state ${key.keyState}`);
  }
}

/** Decrypt / ReEncrypt source: Enabled or Archived keys. */
export function requireDecryptable(key: KeyRecord): void {
  if (key.keyState === "Enabled" || key.keyState === "Archived") return;
  if (key.keyState === "Disabled") throw new KmsError(ErrorCode.ResourceUnavailableCmkDisabled, `The CMK ${key.keyId} is disabled`);
  throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is in state ${key.keyState}`);
}

/** Alias rule (reference §6.1): 1–60 of [A-Za-z0-9_-], first a letter or digit; `kms-` is reserved. */
export function checkAlias(alias: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/.test(alias)) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidAlias, "Alias must be 1-60 letters, digits, - or _, starting with a letter or digit");
  }
  if (alias.toLowerCase().startsWith("kms-")) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidAlias, "Alias prefix kms- is reserved for cloud products");
  }
  return alias;
}

/** Description rule: at most 1024 UTF-8 bytes. */
export function checkDescription(description: string): string {
  const n = Buffer.byteLength(description, "utf8");
  if (n > 1024) throw new KmsError(ErrorCode.InvalidParameter, `Description may be at most 1024 bytes, got ${n}`);
  return description;
}

/** HsmClusterId: this server has no exclusive HSM clusters; only empty is accepted. */
export function checkHsmClusterId(id: string | undefined): void {
  if (id) throw new KmsError(ErrorCode.InvalidParameterValueInvalidHsmClusterId, `HsmClusterId ${id} does not exist`);
}

/** MemberAccount: multi-account delegation is not offered; refuse rather than silently act on the caller's keys. */
export function refuseMemberAccount(value: unknown): void {
  if (value !== undefined) throw new KmsError(ErrorCode.UnsupportedOperation, "MemberAccount (trusted-service member accounts) is not supported");
}
