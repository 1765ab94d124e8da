/** The API's `DataKeyMetadata` structure (reference §3.14) from a stored data key record. */
import type { DataKeyRecord, KeyRecord } from "../store/types.js";

/**
 * @param cmk the data key's CMK when it still exists (gives `KeyName`, the CMK's alias)
 */
export function dataKeyMetadata(d: DataKeyRecord, cmk?: KeyRecord): Record<string, unknown> {
  const m: Record<string, unknown> = {
    DataKeyId: d.dataKeyId,
    KeyId: d.keyId,
    DataKeyName: d.name,
    NumberOfBytes: d.numberOfBytes,
    CreateTime: d.createTime,
    Description: d.description,
    KeyState: d.keyState,
    CreatorUin: Number(d.uin),
    Owner: d.owner,
    DeletionDate: d.deletionDate,
    Origin: d.origin,
    ResourceId: `creatorUin/${d.uin}/${d.dataKeyId}`,
    CreatorUinString: d.uin,
  };
  if (cmk) m.KeyName = cmk.alias;
  return m;
}
