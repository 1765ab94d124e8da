/** The API's `DataKeyMetadata` structure (reference §3.14) from a stored data key record. */
import type { ActionContext } from "../actions/define.js";
import { unixSeconds } from "../clock.js";
import { keyAsOf } from "../keys/due-state.js";
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

/** {@link dataKeyMetadata} with `KeyName` read from the data key's CMK (left out once the CMK is gone). */
export async function dataKeyMetadataOf(ctx: Pick<ActionContext, "store" | "clock">, d: DataKeyRecord): Promise<Record<string, unknown>> {
  const stored = await ctx.store.getKey(d.uin, d.keyId);
  return dataKeyMetadata(d, stored && keyAsOf(stored, unixSeconds(ctx.clock)));
}
