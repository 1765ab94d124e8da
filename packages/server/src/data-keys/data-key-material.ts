/**
 * A hosted data key's material is stored only sealed under its CMK: each version is a CiphertextBlob
 * (keys/ciphertext-blob.ts) made by the same path Encrypt uses (keys/symmetric.ts `sealUnderKey`: the CMK's newest
 * version, its material unwrapped from the root key for the one operation), with no EncryptionContext — so
 * GetDataKeyCiphertextBlob can hand it out and Decrypt opens it, CMK rotation keeps it readable, and disabling,
 * archiving or deleting the CMK withholds it.
 */
import type { ActionContext } from "../actions/define.js";
import { loadKey, requireEncryptable, requireSymmetric } from "../keys/key-access.js";
import { openBlob, sealUnderKey } from "../keys/symmetric.js";
import type { DataKeyRecord, DataKeyVersionRecord, KeyRecord } from "../store/types.js";
import { requireCmkReleasesDataKeys, requireDataKeyUsable } from "./data-key-access.js";
import { ErrorCode, KmsError } from "../errors.js";

/** What sealing and opening data keys needs. */
export type DataKeyServices = Pick<ActionContext, "store" | "root" | "profile" | "clock" | "limits" | "uin" | "noteKeyId">;

const NO_CONTEXT = new Uint8Array(0);

/**
 * The CMK a new data key (or a new version) is sealed under: the caller's symmetric, Enabled CMK.
 * @throws KmsError `ResourceUnavailable.CmkNotFound`, `InvalidParameterValue.InvalidKeyUsage`,
 *   `ResourceUnavailable.{CmkDisabled, CmkArchived, KeyPendingDelete, CmkStateNotSupport}`
 */
export async function loadSealingCmk(svc: DataKeyServices, keyId: string): Promise<KeyRecord> {
  svc.noteKeyId?.(keyId);
  const key = await loadKey(svc, keyId);
  requireSymmetric(key);
  requireEncryptable(key, "KeyPendingDelete");
  return key;
}

/**
 * Seal data-key material under `key` (checked by {@link loadSealingCmk}).
 * @param material the data key, 1–1024 bytes (not wiped here: the caller owns it)
 * @returns CiphertextBlob bytes: 50 + material length
 */
export async function sealDataKeyMaterial(svc: DataKeyServices, key: KeyRecord, material: Uint8Array): Promise<Uint8Array> {
  return sealUnderKey(svc, key, material, NO_CONTEXT);
}

/**
 * The plaintext of one version of a data key, checking that both the data key and its CMK release it.
 * @param version default: the data key's current version
 * @returns the material (numberOfBytes long); the caller must wipe it when done
 * @throws KmsError `ResourceUnavailable.{DataKeyDisabled, DataKeyPendingDelete, CmkNotFound, CmkDisabled,
 *   CmkStateNotSupport}`; `ResourceUnavailable.DataKeyNotFound` for a version that does not exist
 */
export async function openDataKeyVersion(svc: DataKeyServices, dataKey: DataKeyRecord, version = dataKey.currentVersion): Promise<Uint8Array> {
  requireDataKeyUsable(dataKey);
  svc.noteKeyId?.(dataKey.keyId);
  const key = await loadKey(svc, dataKey.keyId);
  requireCmkReleasesDataKeys(key);
  const v = await dataKeyVersion(svc, dataKey, version);
  const opened = await openBlob(svc, v.ciphertextBlob, NO_CONTEXT);
  if (opened.key.keyId !== dataKey.keyId) {
    opened.plaintext.fill(0);
    throw new Error(`data key ${dataKey.dataKeyId} version ${version} is sealed under another CMK than its record names`);
  }
  return opened.plaintext;
}

/**
 * A stored version of a data key.
 * @throws KmsError `ResourceUnavailable.DataKeyNotFound` when the data key has no such version
 */
export async function dataKeyVersion(svc: Pick<DataKeyServices, "store">, dataKey: DataKeyRecord, version: number): Promise<DataKeyVersionRecord> {
  const v = Number.isSafeInteger(version) && version >= 1 ? await svc.store.getDataKeyVersion(dataKey.dataKeyId, version) : undefined;
  if (!v) throw new KmsError(ErrorCode.ResourceUnavailableDataKeyNotFound, `The data key ${dataKey.dataKeyId} has no version ${version}`);
  return v;
}
