/**
 * ScheduleKeyDeletion / CancelKeyDeletion / ArchiveKey / CancelKeyArchive (reference §3.1) through the official SDK,
 * and the scheduler destroying keys when their DeletionDate comes — at the date on a moved clock, and at start for
 * dates that passed while the server was down. Destroyed means: CmkNotFound everywhere, no record and no wrapped
 * material left in the database files.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyEvent } from "../src/index.js";
import { DAY, testClock, type TestClock } from "./_clock.js";
import { b64, startServer, unb64, type Running } from "./_harness.js";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
let kms: Running;
let clock: TestClock;
const events: KeyEvent[] = [];
let seq = 0;
const newKey = async (extra: Record<string, unknown> = {}) => (await kms.call("CreateKey", { Alias: `del-${++seq}`, ...extra })).KeyId as string;
const meta = async (keyId: string) => (await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata;

beforeAll(async () => {
  clock = testClock();
  kms = await startServer({ edition: "sm", clock, schedulerIntervalSeconds: 0, onKeyEvent: (e) => void events.push(e) });
});
afterAll(async () => {
  await kms.stop();
  clock.restore();
});

describe("ScheduleKeyDeletion / CancelKeyDeletion", () => {
  it("an Enabled key must be disabled first; then PendingDelete with DeletionDate = now + days; cancel → Disabled", async () => {
    const keyId = await newKey();
    expect(await kms.fail("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 })).toBe("ResourceUnavailable.CmkShouldBeDisabled");
    await kms.call("DisableKey", { KeyId: keyId });
    const before = clock.now();
    const r = await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: "30" });
    expect(r.KeyId).toBe(keyId);
    expect(r.DeletionDate).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(r.DeletionDate).toBeLessThanOrEqual(clock.now() + 30 * DAY);
    expect(await meta(keyId)).toMatchObject({ KeyState: "PendingDelete", DeletionDate: r.DeletionDate });
    expect((await kms.call("ListKeys", { Limit: 200 })).Keys.map((k: { KeyId: string }) => k.KeyId)).not.toContain(keyId);
    expect((await kms.call("ListKeyDetail", { KeyState: 3, Limit: 200 })).KeyMetadatas.map((m: { KeyId: string }) => m.KeyId)).toContain(keyId);
    expect(await kms.fail("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.call("CancelKeyDeletion", { KeyId: keyId })).toMatchObject({ KeyId: keyId });
    expect(await meta(keyId)).toMatchObject({ KeyState: "Disabled", DeletionDate: 0 });
    expect(await kms.fail("CancelKeyDeletion", { KeyId: keyId })).toBe("ResourceUnavailable.CmkNotPendingDelete");
    await kms.call("EnableKey", { KeyId: keyId });
    await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("back") });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ PendingWindowInDays: 6 }, "InvalidParameter.InvalidPendingWindowInDays"],
    [{ PendingWindowInDays: 31 }, "InvalidParameter.InvalidPendingWindowInDays"],
    [{ PendingWindowInDays: 0 }, "InvalidParameter.InvalidPendingWindowInDays"],
    [{ PendingWindowInDays: "3" }, "InvalidParameter.InvalidPendingWindowInDays"],
    [{ PendingWindowInDays: -7 }, "InvalidParameter.InvalidPendingWindowInDays"],
    [{ PendingWindowInDays: "a week" }, "InvalidParameter"],
    [{ PendingWindowInDays: 7.5 }, "InvalidParameter"],
    [{ PendingWindowInDays: undefined }, "MissingParameter"],
    [{ KeyId: undefined }, "MissingParameter"],
    [{ KeyId: "nope" }, "InvalidParameterValue.InvalidKeyId"],
    [{ KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    [{ KeyId: 12 }, "InvalidParameter"],
    [{ Force: true }, "UnknownParameter"],
    [{ MemberAccount: { Uin: "1" } }, "UnsupportedOperation"],
  ])("ScheduleKeyDeletion %j → %s", async (params, code) => {
    const keyId = await newKey();
    await kms.call("DisableKey", { KeyId: keyId });
    expect(await kms.fail("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7, ...params })).toBe(code);
    expect((await meta(keyId)).KeyState).toBe("Disabled");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["CancelKeyDeletion", {}, "MissingParameter"],
    ["CancelKeyDeletion", { KeyId: "x" }, "InvalidParameterValue.InvalidKeyId"],
    ["CancelKeyDeletion", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["CancelKeyDeletion", { KeyId: UNKNOWN, Now: 1 }, "UnknownParameter"],
    ["ArchiveKey", {}, "MissingParameter"],
    ["ArchiveKey", { KeyId: "x" }, "InvalidParameterValue.InvalidKeyId"],
    ["ArchiveKey", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["ArchiveKey", { KeyId: [UNKNOWN] }, "InvalidParameter"],
    ["ArchiveKey", { KeyId: UNKNOWN, MemberAccount: { Uin: "1" } }, "UnsupportedOperation"],
    ["CancelKeyArchive", {}, "MissingParameter"],
    ["CancelKeyArchive", { KeyId: "x" }, "InvalidParameterValue.InvalidKeyId"],
    ["CancelKeyArchive", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["CancelKeyArchive", { KeyId: UNKNOWN, Archive: false }, "UnknownParameter"],
  ])("%s %j → %s", async (action, params, code) => {
    expect(await kms.fail(action, params)).toBe(code);
  });

  it("a PendingImport EXTERNAL key can be scheduled and comes back PendingImport when cancelled", async () => {
    const keyId = await newKey({ Type: 2 });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    expect((await meta(keyId)).KeyState).toBe("PendingDelete");
    await kms.call("CancelKeyDeletion", { KeyId: keyId });
    expect((await meta(keyId)).KeyState).toBe("PendingImport");
  });
});

describe("ArchiveKey / CancelKeyArchive", () => {
  it("an Archived key decrypts but does not encrypt; CancelKeyArchive enables it", async () => {
    const keyId = await newKey();
    const other = await newKey();
    const blob = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("archived data") })).CiphertextBlob;
    await kms.call("ArchiveKey", { KeyId: keyId });
    expect((await meta(keyId)).KeyState).toBe("Archived");
    expect(await kms.fail("Encrypt", { KeyId: keyId, Plaintext: b64("new") })).toBe("ResourceUnavailable.CmkArchived");
    expect(await kms.fail("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_128" })).toBe("ResourceUnavailable.CmkArchived");
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("archived data");
    expect(await kms.call("ReEncrypt", { CiphertextBlob: blob })).toMatchObject({ CiphertextBlob: blob, ReEncrypted: false });
    const moved = await kms.call("ReEncrypt", { CiphertextBlob: blob, DestinationKeyId: other });
    expect(moved).toMatchObject({ KeyId: other, SourceKeyId: keyId, ReEncrypted: true });
    expect(await kms.fail("ReEncrypt", { CiphertextBlob: moved.CiphertextBlob, DestinationKeyId: keyId })).toBe("ResourceUnavailable.CmkArchived");
    expect(await kms.fail("ArchiveKey", { KeyId: keyId })).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.call("CancelKeyArchive", { KeyId: keyId });
    expect((await meta(keyId)).KeyState).toBe("Enabled");
    await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("new") });
    expect(await kms.fail("CancelKeyArchive", { KeyId: keyId })).toBe("ResourceUnavailable.CmkStateNotSupport");
  });
});

describe("the scheduler destroys keys when their DeletionDate comes", () => {
  const dbFiles = () => ["openkms.db", "openkms.db-wal"].map((f) => join(kms.dataDir, f)).filter(existsSync);
  const inDb = (bytes: Uint8Array) => dbFiles().some((f) => readFileSync(f).includes(Buffer.from(bytes)));

  it("not a second early; at the date the key is gone at once, and the run destroys record and material", async () => {
    // a rotated key (two versions of material) and an EXTERNAL key with import parameters: everything must go
    const keyId = await newKey({ Type: 2 });
    const ordinary = await newKey();
    const ordinaryAlias = (await meta(ordinary)).Alias as string;
    await kms.call("EnableKeyRotation", { KeyId: ordinary });
    await kms.call("RotateKey", { KeyId: ordinary });
    const blob = (await kms.call("Encrypt", { KeyId: ordinary, Plaintext: b64("doomed") })).CiphertextBlob;
    const wrapped = [1, 2].map(async (v) => (await kms.server.store.getKeyVersion(ordinary, v))!.wrappedMaterial);
    const materials = await Promise.all(wrapped);
    expect(materials.every((m) => inDb(m))).toBe(true); // the search works
    await kms.call("GetParametersForImport", { KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
    await kms.call("DisableKey", { KeyId: ordinary });
    const { DeletionDate } = await kms.call("ScheduleKeyDeletion", { KeyId: ordinary, PendingWindowInDays: 7 });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });

    clock.advance(DeletionDate - clock.now() - 60);
    await kms.server.scheduler.runDue();
    expect((await meta(ordinary)).KeyState).toBe("PendingDelete");
    clock.advance(60);
    // before the scheduler runs, the key is already gone for callers
    expect(await kms.fail("DescribeKey", { KeyId: ordinary })).toBe("ResourceUnavailable.CmkNotFound");
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkNotFound");
    expect(await kms.fail("CancelKeyDeletion", { KeyId: ordinary })).toBe("ResourceUnavailable.CmkNotFound");
    events.length = 0;
    const report = await kms.server.scheduler.runDue();
    expect(report.deleted).toBe(2);
    expect(events.filter((e) => e.type === "KeyDeleted").map((e) => e.keyId).sort()).toEqual([keyId, ordinary].sort());
    expect(events.find((e) => e.keyId === ordinary)).toEqual({ type: "KeyDeleted", keyId: ordinary, uin: kms.server.uin, at: expect.any(Number), deletionDate: DeletionDate });
    expect(await kms.server.store.getKey(kms.server.uin, ordinary)).toBeUndefined();
    expect(await kms.server.store.getKeyVersion(ordinary, 1)).toBeUndefined();
    expect(await kms.server.store.getKeyVersion(ordinary, 2)).toBeUndefined();
    expect(await kms.server.store.getImportToken(keyId)).toBeUndefined();
    for (const m of materials) expect(inDb(m)).toBe(false);
    expect((await kms.server.scheduler.runDue()).deleted).toBe(0);
    // the alias is free again, for a different key
    const again = await kms.call("CreateKey", { Alias: ordinaryAlias });
    expect(again.KeyId).not.toBe(ordinary);
  });

  it("dates that passed while the server was down are handled at start, before the first request", async () => {
    const keyId = await newKey();
    await kms.call("DisableKey", { KeyId: keyId });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    const survivor = await newKey();
    await kms.call("DisableKey", { KeyId: survivor });
    await kms.call("ScheduleKeyDeletion", { KeyId: survivor, PendingWindowInDays: 30 });
    await kms.server.close();
    clock.advance(8 * DAY);
    events.length = 0;
    await kms.restart(); // close() again is a no-op; opens the same data dir
    // the start-up run already destroyed it: straight from the store, no request, no runDue() call
    expect(await kms.server.store.getKey(kms.server.uin, keyId)).toBeUndefined();
    expect(events).toContainEqual(expect.objectContaining({ type: "KeyDeleted", keyId }));
    expect((await meta(survivor)).KeyState).toBe("PendingDelete");
  });
});

describe("the scheduler's timer", () => {
  it("runs on its interval without being called", async () => {
    const seen: KeyEvent[] = [];
    let resolve!: () => void;
    const deleted = new Promise<void>((r) => (resolve = r));
    const node = await startServer({ clock, schedulerIntervalSeconds: 1, onKeyEvent: (e) => {
      seen.push(e);
      if (e.type === "KeyDeleted") resolve();
    } });
    try {
      const keyId = (await node.call("CreateKey", { Alias: "timer" })).KeyId;
      await node.call("DisableKey", { KeyId: keyId });
      await node.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
      clock.advance(7 * DAY);
      await deleted; // the test times out if the timer never runs
      expect(seen).toContainEqual(expect.objectContaining({ type: "KeyDeleted", keyId }));
    } finally {
      await node.stop();
    }
  });

  it("a listener that throws is logged and does not stop the run", async () => {
    const node = await startServer({ clock, schedulerIntervalSeconds: 0, onKeyEvent: () => {
      throw new Error("audit sink down");
    } });
    try {
      const ids: string[] = [];
      for (const a of ["l1", "l2"]) {
        const id = (await node.call("CreateKey", { Alias: a })).KeyId as string;
        await node.call("DisableKey", { KeyId: id });
        await node.call("ScheduleKeyDeletion", { KeyId: id, PendingWindowInDays: 7 });
        ids.push(id);
      }
      clock.advance(7 * DAY);
      const [r1, r2] = await Promise.all([node.server.scheduler.runDue(), node.server.scheduler.runDue()]);
      expect(r1).toBe(r2); // one run at a time: the second call joined the first
      expect(r1.deleted).toBe(2);
      for (const id of ids) expect(await node.server.store.getKey(node.server.uin, id)).toBeUndefined();
    } finally {
      await node.stop();
    }
  });
});

describe("lists, counts and aliases see passed dates at once (no waiting for the scheduler's timer)", () => {
  it("a key past its DeletionDate is neither listed nor holding its alias; expired material shows in lists", async () => {
    const alias = `gone-alias-${++seq}`;
    const keyId = (await kms.call("CreateKey", { Alias: alias })).KeyId as string;
    await kms.call("DisableKey", { KeyId: keyId });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    const countBefore = (await kms.call("GetServiceStatus")).CmkUserCount;
    clock.advance(7 * DAY + 1); // the timer is off (schedulerIntervalSeconds: 0): only the requests themselves settle it
    const listed = (await kms.call("ListKeyDetail", { KeyState: 0, Limit: 200 })).KeyMetadatas.map((m: { KeyId: string }) => m.KeyId);
    expect(listed).not.toContain(keyId);
    expect((await kms.call("GetServiceStatus")).CmkUserCount).toBe(countBefore - 1);
    const again = await kms.call("CreateKey", { Alias: alias });
    expect(again.KeyId).not.toBe(keyId);
  });
});

