/** The API's `KeyMetadata` structure (reference §3.14) from a stored key record. */
import type { KeyRecord } from "../store/types.js";

export function keyMetadata(k: KeyRecord): Record<string, unknown> {
  const m: Record<string, unknown> = {
    KeyId: k.keyId,
    Alias: k.alias,
    CreateTime: k.createTime,
    Description: k.description,
    KeyState: k.keyState,
    KeyUsage: k.keyUsage,
    Type: k.keyType,
    CreatorUin: Number(k.uin),
    KeyRotationEnabled: k.rotationEnabled,
    Owner: k.owner,
    NextRotateTime: k.nextRotateTime,
    DeletionDate: k.deletionDate,
    Origin: k.origin,
    ValidTo: k.validTo,
    ResourceId: `creatorUin/${k.uin}/${k.keyId}`,
    CreatorUinString: k.uin,
  };
  if (k.rotationEnabled) m.RotateDays = k.rotateDays;
  if (k.lastRotateTime) m.LastRotateTime = k.lastRotateTime;
  return m;
}
