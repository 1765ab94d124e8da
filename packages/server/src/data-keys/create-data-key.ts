/**
 * Creating a hosted data key (GenerateDataKey with IsHostedByKms=1, ImportDataKey, the product gateway): its first
 * version sealed under the CMK (data-key-material.ts), its record, in one store transaction that also enforces the
 * account's data-key quota and the name's uniqueness.
 */
import { randomUUID } from "node:crypto";
import { unixSeconds } from "../clock.js";
import type { DataKeyRecord, KeyOrigin, KeyRecord, Tag } from "../store/types.js";
import { USER_OWNER } from "../store/types.js";
import { ErrorCode, isKmsError } from "../errors.js";
import { isDataKeyDeletionDue } from "./data-key-access.js";
import { sealDataKeyMaterial, type DataKeyServices } from "./data-key-material.js";

export interface NewDataKey {
  /** The CMK, already checked by `loadSealingCmk` (symmetric, Enabled). */
  cmk: KeyRecord;
  /** Checked DataKeyName. */
  name: string;
  /** Checked description (≤ 100 bytes). */
  description: string;
  /** The data key, 1–1024 bytes; not wiped here (the caller owns it). */
  material: Uint8Array;
  origin: KeyOrigin;
  /** `user` (default) or the product creating it. */
  owner?: string;
  tags?: Tag[];
}

/**
 * Store a new hosted data key (version 1).
 * @returns the stored record
 * @throws KmsError `InvalidParameterValue.DataKeyNameAlreadyExists`, `LimitExceeded.DataKeyLimitExceeded`
 */
export async function createDataKey(svc: DataKeyServices, n: NewDataKey): Promise<DataKeyRecord> {
  const now = unixSeconds(svc.clock);
  const dataKeyId = randomUUID();
  const ciphertextBlob = await sealDataKeyMaterial(svc, n.cmk, n.material);
  const record: DataKeyRecord = {
    dataKeyId, uin: svc.uin, keyId: n.cmk.keyId, name: n.name, description: n.description, keyState: "Enabled",
    origin: n.origin, numberOfBytes: n.material.length, createTime: now, deletionDate: 0, owner: n.owner ?? USER_OWNER,
    currentVersion: 1, tags: n.tags ?? [],
  };
  const version = { dataKeyId, version: 1, ciphertextBlob, createTime: now };
  try {
    await svc.store.createDataKey(record, version, svc.limits.maxDataKeysPerAccount);
  } catch (e) {
    // A data key past its DeletionDate is gone but may still hold the name until the scheduler destroys it: do it now.
    const holder = isKmsError(e) && e.kmsErrorCode === ErrorCode.InvalidParameterValueDataKeyNameAlreadyExists
      ? await svc.store.getDataKeyByName(svc.uin, n.name) : undefined;
    if (!holder || !isDataKeyDeletionDue(holder, now) || !(await svc.store.destroyDataKeyIfDue(holder.dataKeyId, now))) throw e;
    await svc.store.createDataKey(record, version, svc.limits.maxDataKeysPerAccount);
  }
  return record;
}
