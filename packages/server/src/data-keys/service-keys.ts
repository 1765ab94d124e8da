/**
 * Service default keys (SPEC §2): a CMK OpenKMS creates for a product, once per (product, account), when the product
 * needs a key and its owner named none — as Tencent's cloud services create `kms-<product>` default keys.
 *
 * Marking, as Tencent marks them (reference §3.14): KeyMetadata.Owner is the product's name instead of `user`; the
 * alias is `kms-<product>` (the `kms-` prefix is reserved for cloud products, so no user key can take it);
 * ListKeys/ListKeyDetail list it with every key, and `Role` 1 lists only service keys. A service key refuses
 * DisableKey(s) and ScheduleKeyDeletion (`FailedOperation.CmkUsedByCloudProduct`) and ArchiveKey
 * (`UnsupportedOperation.NotUserCreatedCmk`): a product's data must never lose its key to a click.
 */
import { randomUUID } from "node:crypto";
import { randomBytes } from "@openkms/crypto/random";
import { wipe } from "@openkms/crypto/constant-time";
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError, isKmsError } from "../errors.js";
import { SYMMETRIC_KEY_USAGE } from "../keys/key-access.js";
import { keyAsOf } from "../keys/due-state.js";
import { DAY_SECONDS } from "../keys/rotation.js";
import { materialLabel } from "../keys/symmetric.js";
import { USER_OWNER, type KeyRecord } from "../store/types.js";
import type { DataKeyServices } from "./data-key-material.js";

/** A product name: 1–56 letters, digits, `_` or `-`, starting with a letter or digit (so `kms-<product>` is an alias). */
export const SERVICE_PRODUCT_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,55}$/;

/** The alias of a product's service default key. */
export const serviceKeyAlias = (product: string) => `kms-${product}`;

/** True for a service default key (its owner is a product, not `user`). */
export const isServiceKey = (key: KeyRecord) => key.owner !== USER_OWNER;

/**
 * DisableKey(s) and ScheduleKeyDeletion refuse service keys.
 * @throws KmsError `FailedOperation.CmkUsedByCloudProduct`
 */
export function requireNotServiceKey(key: KeyRecord, op: string): void {
  if (isServiceKey(key)) {
    throw new KmsError(ErrorCode.FailedOperationCmkUsedByCloudProduct, `The CMK ${key.keyId} is the service default key of ${key.owner} and cannot be ${op}`);
  }
}

/** @throws TypeError naming `product` when it does not follow {@link SERVICE_PRODUCT_RE} (or is `user`) */
export function checkServiceProduct(product: string): string {
  if (typeof product !== "string" || !SERVICE_PRODUCT_RE.test(product) || product === USER_OWNER) {
    throw new TypeError(`"product" must be 1-56 letters, digits, _ or - starting with a letter or digit (not "user"), got ${JSON.stringify(product)}`);
  }
  return product;
}

/**
 * The account's service default key for `product`, creating it (symmetric ENCRYPT_DECRYPT, the edition's algorithm,
 * Enabled) the first time. Concurrent first calls create one key: the loser of the alias race reads the winner's.
 * Not counted against `LimitExceeded.CmkLimitExceeded` (KMS, not the user, creates it).
 * @param svc services acting for the account (`svc.uin`)
 * @throws TypeError for a malformed product name
 */
export async function getOrCreateServiceKey(svc: DataKeyServices, product: string): Promise<KeyRecord> {
  checkServiceProduct(product);
  const now = unixSeconds(svc.clock);
  const existing = await svc.store.getServiceKey(svc.uin, product);
  const live = existing && keyAsOf(existing, now);
  if (live) return live;
  const keyId = randomUUID();
  const record: KeyRecord = {
    keyId, uin: svc.uin, alias: serviceKeyAlias(product), description: `Service default key of ${product}, created by OpenKMS`,
    keyState: "Enabled", keyUsage: SYMMETRIC_KEY_USAGE, origin: "TENCENT_KMS", keyType: svc.profile.keyMetadataType,
    createTime: now, deletionDate: 0, validTo: 0, rotationEnabled: false, rotateDays: 365, nextRotateTime: now + 365 * DAY_SECONDS,
    lastRotateTime: 0, currentVersion: 1, owner: product, tags: [],
  };
  const material = randomBytes(svc.profile.materialLength);
  try {
    const wrappedMaterial = svc.root.wrap(material, materialLabel(keyId, 1));
    await svc.store.createKey(record, {
      keyId, version: 1, algorithm: svc.profile.symmetricAlgorithm, wrappedMaterial, publicKey: new Uint8Array(0), createTime: now,
    });
    return record;
  } catch (e) {
    if (isKmsError(e) && e.kmsErrorCode === ErrorCode.InvalidParameterValueAliasAlreadyExists) {
      const winner = await svc.store.getServiceKey(svc.uin, product);
      if (winner) return winner;
    }
    throw e;
  } finally {
    wipe(material);
  }
}
