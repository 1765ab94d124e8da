/**
 * Key rotation (reference §3.9): a rotation adds a key version with fresh material; new ciphertexts use the newest
 * version (the CiphertextBlob names its version), every older version stays and still decrypts. Used by RotateKey
 * (on demand) and by the scheduler (when NextRotateTime comes, for keys with rotation enabled).
 *
 * Times: RotateDays in days (7–365, default 365); NextRotateTime, LastRotateTime in Unix seconds. Any rotation sets
 * LastRotateTime = now and NextRotateTime = now + RotateDays·86400.
 */
import { randomBytes } from "@openkms/crypto/random";
import { wipe } from "@openkms/crypto/constant-time";
import type { ActionContext } from "../actions/define.js";
import { aeadFor } from "../edition.js";
import { ErrorCode, KmsError, type ErrorCodeValue } from "../errors.js";
import type { KeyRecord } from "../store/types.js";
import { SYMMETRIC_KEY_USAGE } from "./key-access.js";
import { materialLabel } from "./symmetric.js";

export const DAY_SECONDS = 86400;

/** EnableKeyRotation `RotateDays`: days between automatic rotations. */
export const ROTATE_DAYS = Object.freeze({ min: 7, max: 365, default: 365 });

/** RotateKey may run once per this many seconds per key (`RequestLimitExceeded.RotateRateLimited`). */
export const ON_DEMAND_ROTATION_INTERVAL_SECONDS = 24 * 3600;

/** What rotating needs: the store, the root of trust and the edition. */
export type RotationServices = Pick<ActionContext, "store" | "root" | "profile">;

/**
 * Throws unless the key's kind can rotate: TENCENT_KMS symmetric keys only.
 * @param externalCode the action's code for EXTERNAL keys (`UnsupportedOperation.ExternalCmkCanNotRotate` for
 *   EnableKeyRotation, `UnsupportedOperation.RotateNotSupported` for RotateKey)
 * @throws KmsError `externalCode` for EXTERNAL keys, `InvalidParameterValue.InvalidKeyUsage` for asymmetric keys
 */
export function requireRotatableKind(key: KeyRecord, externalCode: ErrorCodeValue): void {
  if (key.origin === "EXTERNAL") throw new KmsError(externalCode, `The CMK ${key.keyId} has imported (EXTERNAL) material, which KMS cannot rotate`);
  if (key.keyUsage !== SYMMETRIC_KEY_USAGE) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyUsage, `The CMK ${key.keyId} has KeyUsage ${key.keyUsage}; only ENCRYPT_DECRYPT keys rotate`);
  }
}

/**
 * Rotate now: add version `currentVersion + 1` with fresh material (the length of the key's algorithm: 16 B SM4,
 * 32 B AES-256), wrapped under the root key; the material is zeroed once wrapped.
 * @param nowSeconds Unix seconds, becomes LastRotateTime
 * @returns the updated key, or undefined when another node rotated the same version first (nothing changed here)
 */
export async function rotateKeyNow(svc: RotationServices, key: KeyRecord, nowSeconds: number): Promise<KeyRecord | undefined> {
  const current = await svc.store.getKeyVersion(key.keyId, key.currentVersion);
  const algorithm = current?.algorithm ?? svc.profile.symmetricAlgorithm;
  const aead = aeadFor(algorithm);
  if (!aead) throw new Error(`key ${key.keyId} version ${key.currentVersion} has an unknown algorithm ${algorithm}`);
  const version = key.currentVersion + 1;
  const material = randomBytes(aead.lengths.key);
  try {
    const updated: KeyRecord = {
      ...key, currentVersion: version, lastRotateTime: nowSeconds, nextRotateTime: nowSeconds + key.rotateDays * DAY_SECONDS,
    };
    const rotated = await svc.store.rotateKey(updated, {
      keyId: key.keyId, version, algorithm, wrappedMaterial: svc.root.wrap(material, materialLabel(key.keyId, version)),
      publicKey: new Uint8Array(0), createTime: nowSeconds,
    });
    return rotated ? updated : undefined;
  } finally {
    wipe(material);
  }
}
