/**
 * Time and hosted data keys: a data key past its DeletionDate is gone at once (DataKeyNotFound), the scheduler
 * destroys it (record and every version) and audits it, a date that passed while the server was down is handled at
 * start, and a CMK destroyed by its own deletion withholds its data keys for good (CmkNotFound).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryAuditLog } from "../src/index.js";
import { DAY, testClock, type TestClock } from "./_clock.js";
import { openAdmin, startServer, type Running } from "./_harness.js";

let clock: TestClock;
let kms: Running;

beforeAll(async () => {
  clock = testClock();
  kms = await startServer({ clock, schedulerIntervalSeconds: 0 });
});
afterAll(async () => {
  await kms.stop();
  clock.restore();
});

async function disabledDataKey(keyId: string, name: string): Promise<string> {
  const id = (await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: name })).DataKeyId as string;
  await kms.call("DisableDataKey", { DataKeyId: id });
  return id;
}

describe("scheduled deletion of data keys", () => {
  it("gone the moment its date passes; the scheduler destroys it and audits DataKeyDeleted; its name is free", async () => {
    const keyId = (await kms.call("CreateKey", { Alias: "del-1" })).KeyId;
    const id = await disabledDataKey(keyId, "doomed");
    const { DeletionDate } = await kms.call("ScheduleDataKeyDeletion", { DataKeyId: id, PendingWindowInDays: 7 });
    clock.advance(7 * DAY - 60);
    expect((await kms.call("DescribeDataKey", { DataKeyId: id })).DataKeyMetadata.KeyState).toBe("PendingDelete");
    clock.advance(120);
    expect(await kms.fail("DescribeDataKey", { DataKeyId: id })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect(await kms.fail("CancelDataKeyDeletion", { DataKeyId: id })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect(await kms.server.store.getDataKey(kms.server.uin, id)).toBeDefined(); // not yet destroyed
    const report = await kms.server.scheduler.runDue();
    expect(report.dataKeysDeleted).toBe(1);
    expect(await kms.server.store.getDataKey(kms.server.uin, id)).toBeUndefined();
    expect(await kms.server.store.listDataKeyVersions(id)).toEqual([]);
    // the name can be used again
    await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "doomed" });
    const { dir, close } = await openAdmin(kms);
    try {
      const records = queryAuditLog(dir.audit, { action: "scheduler.DataKeyDeleted" });
      expect(records.map((r) => r.keyIds)).toContainEqual([id]);
      expect(DeletionDate).toBeLessThanOrEqual(clock.now());
    } finally {
      await close();
    }
  });

  it("a name held by a data key past its date is free before the scheduler runs", async () => {
    const keyId = (await kms.call("CreateKey", { Alias: "del-2" })).KeyId;
    const id = await disabledDataKey(keyId, "held");
    await kms.call("ScheduleDataKeyDeletion", { DataKeyId: id, PendingWindowInDays: 7 });
    clock.advance(8 * DAY);
    const fresh = await kms.call("ImportDataKey", { DataKeyName: "held", ImportType: 2, KeyId: keyId, ImportKeyMaterial: Buffer.alloc(16, 1).toString("base64") });
    expect(fresh.DataKeyId).not.toBe(id);
    const gw = await kms.server.dataKeys.create({ uin: kms.server.uin, keyId, name: "held-2" });
    await kms.call("DisableDataKey", { DataKeyId: gw.dataKey.dataKeyId });
    await kms.call("ScheduleDataKeyDeletion", { DataKeyId: gw.dataKey.dataKeyId, PendingWindowInDays: 7 });
    clock.advance(8 * DAY);
    expect((await kms.server.dataKeys.create({ uin: kms.server.uin, keyId, name: "held-2" })).dataKey.dataKeyId).not.toBe(gw.dataKey.dataKeyId);
  });

  it("a date that passed while the server was down is handled at start", async () => {
    const keyId = (await kms.call("CreateKey", { Alias: "del-3" })).KeyId;
    const id = await disabledDataKey(keyId, "while-down");
    await kms.call("ScheduleDataKeyDeletion", { DataKeyId: id, PendingWindowInDays: 30 });
    await kms.server.close();
    clock.advance(31 * DAY);
    await kms.restart();
    expect(await kms.server.store.getDataKey(kms.server.uin, id)).toBeUndefined();
  });

  it("a CMK destroyed by its deletion withholds its data keys for good; their records stay describable", async () => {
    const keyId = (await kms.call("CreateKey", { Alias: "del-4" })).KeyId;
    const id = (await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "orphan" })).DataKeyId;
    await kms.call("DisableKey", { KeyId: keyId });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    clock.advance(8 * DAY);
    await kms.server.scheduler.runDue();
    expect(await kms.fail("GetDataKeyPlaintext", { DataKeyId: id })).toBe("ResourceUnavailable.CmkNotFound");
    const meta = (await kms.call("DescribeDataKey", { DataKeyId: id })).DataKeyMetadata;
    expect(meta).toMatchObject({ DataKeyId: id, KeyId: keyId, KeyState: "Enabled" });
    expect(meta.KeyName).toBeUndefined();
    expect(await kms.fail("EnableDataKey", { DataKeyId: id })).toBe("ResourceUnavailable.CmkNotFound");
    await kms.call("DisableDataKey", { DataKeyId: id });
    await kms.call("ScheduleDataKeyDeletion", { DataKeyId: id, PendingWindowInDays: 7 });
    expect(await kms.fail("CancelDataKeyDeletion", { DataKeyId: id })).toBe("ResourceUnavailable.CmkNotFound");
  });
});
