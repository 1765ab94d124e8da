/**
 * Rotation with key versions (reference §3.9) through the official SDK: EnableKeyRotation / DisableKeyRotation /
 * GetKeyRotationStatus / RotateKey, what DescribeKey shows, blobs naming their version, ReEncrypt moving blobs to the
 * newest version, the 24 h limit of RotateKey on a moved clock, and the scheduler rotating keys when due.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyEvent } from "../src/index.js";
import { editionProfiles } from "../src/edition.js";
import { rotateKeyNow } from "../src/keys/rotation.js";
import { rootKeyFromBytes } from "../src/root-key.js";
import { DAY, testClock, type TestClock } from "./_clock.js";
import { b64, startServer, unb64, type Running } from "./_harness.js";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
/** The key version a CiphertextBlob v1 names (bytes 18–21, big-endian). */
const versionOf = (blob: string) => unb64(blob).readUInt32BE(18);

let kms: Running;
let clock: TestClock;
const events: KeyEvent[] = [];
let seq = 0;
const newKey = async (extra: Record<string, unknown> = {}) => (await kms.call("CreateKey", { Alias: `rot-${++seq}`, ...extra })).KeyId as string;
const meta = async (keyId: string) => (await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata;

beforeAll(async () => {
  clock = testClock();
  kms = await startServer({ edition: "fips", clock, schedulerIntervalSeconds: 0, onKeyEvent: (e) => void events.push(e) });
});
afterAll(async () => {
  await kms.stop();
  clock.restore();
});

describe("EnableKeyRotation / DisableKeyRotation / GetKeyRotationStatus", () => {
  it("a new key does not rotate; NextRotateTime is CreateTime + 365 days (as Tencent's examples show)", async () => {
    const keyId = await newKey();
    const m = await meta(keyId);
    expect(m).toMatchObject({ KeyRotationEnabled: false, NextRotateTime: m.CreateTime + 365 * DAY });
    expect(m.RotateDays).toBeUndefined();
    expect(m.LastRotateTime).toBeUndefined();
    expect((await kms.call("GetKeyRotationStatus", { KeyId: keyId })).KeyRotationEnabled).toBe(false);
  });
  it("enables with the default 365 days and starts the schedule now", async () => {
    const keyId = await newKey();
    const before = clock.now();
    await kms.call("EnableKeyRotation", { KeyId: keyId });
    const after = clock.now();
    const m = await meta(keyId);
    expect(m).toMatchObject({ KeyRotationEnabled: true, RotateDays: 365 });
    expect(m.NextRotateTime).toBeGreaterThanOrEqual(before + 365 * DAY);
    expect(m.NextRotateTime).toBeLessThanOrEqual(after + 365 * DAY);
    expect((await kms.call("GetKeyRotationStatus", { KeyId: keyId })).KeyRotationEnabled).toBe(true);
    await kms.call("DisableKeyRotation", { KeyId: keyId });
    expect((await kms.call("GetKeyRotationStatus", { KeyId: keyId })).KeyRotationEnabled).toBe(false);
    expect((await meta(keyId)).KeyRotationEnabled).toBe(false);
    await kms.call("DisableKeyRotation", { KeyId: keyId }); // idempotent
  });
  it.each([[7], [365], ["30"]])("RotateDays %j is accepted", async (days) => {
    const keyId = await newKey();
    await kms.call("EnableKeyRotation", { KeyId: keyId, RotateDays: days });
    expect((await meta(keyId)).RotateDays).toBe(Number(days));
  });
  it.each<[string, Record<string, unknown>, string]>([
    ["EnableKeyRotation", { RotateDays: 6 }, "InvalidParameterValue"],
    ["EnableKeyRotation", { RotateDays: 366 }, "InvalidParameterValue"],
    ["EnableKeyRotation", { RotateDays: 0 }, "InvalidParameterValue"],
    ["EnableKeyRotation", { RotateDays: -7 }, "InvalidParameter"],
    ["EnableKeyRotation", { RotateDays: "weekly" }, "InvalidParameter"],
    ["EnableKeyRotation", { RotateDays: 7.5 }, "InvalidParameter"],
    ["EnableKeyRotation", { KeyId: undefined }, "MissingParameter"],
    ["EnableKeyRotation", { KeyId: "nope" }, "InvalidParameterValue.InvalidKeyId"],
    ["EnableKeyRotation", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["EnableKeyRotation", { Period: 7 }, "UnknownParameter"],
    ["EnableKeyRotation", { MemberAccount: { Uin: "1" } }, "UnsupportedOperation"],
    ["DisableKeyRotation", { KeyId: undefined }, "MissingParameter"],
    ["DisableKeyRotation", { KeyId: 7 }, "InvalidParameter"],
    ["DisableKeyRotation", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["DisableKeyRotation", { RotateDays: 7 }, "UnknownParameter"],
    ["GetKeyRotationStatus", { KeyId: undefined }, "MissingParameter"],
    ["GetKeyRotationStatus", { KeyId: "x" }, "InvalidParameterValue.InvalidKeyId"],
    ["GetKeyRotationStatus", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["RotateKey", { KeyId: undefined }, "MissingParameter"],
    ["RotateKey", { KeyId: "x" }, "InvalidParameterValue.InvalidKeyId"],
    ["RotateKey", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["RotateKey", { Now: true }, "UnknownParameter"],
    ["RotateKey", {}, "UnsupportedOperation.RotateNotSupported"], // rotation not enabled
  ])("%s %j → %s", async (action, params, code) => {
    const keyId = await newKey();
    expect(await kms.fail(action, { KeyId: keyId, ...params })).toBe(code);
    expect(await meta(keyId)).toMatchObject({ KeyRotationEnabled: false, KeyState: "Enabled" });
  });
  it("EXTERNAL keys cannot rotate; asymmetric keys neither", async () => {
    const ext = await newKey({ Type: 2 });
    expect(await kms.fail("EnableKeyRotation", { KeyId: ext })).toBe("UnsupportedOperation.ExternalCmkCanNotRotate");
    expect(await kms.fail("RotateKey", { KeyId: ext })).toBe("UnsupportedOperation.RotateNotSupported");
    // no asymmetric CreateKey in this build: put one in the store the way that issue will
    const now = clock.now();
    const asym = "11111111-2222-4333-8444-555555555555";
    await kms.server.store.createKey({
      keyId: asym, uin: kms.server.uin, alias: "asym", description: "", keyState: "Enabled", keyUsage: "ASYMMETRIC_DECRYPT_RSA_2048",
      origin: "TENCENT_KMS", keyType: 2, createTime: now, deletionDate: 0, validTo: 0, rotationEnabled: false, rotateDays: 365,
      nextRotateTime: now + 365 * DAY, lastRotateTime: 0, currentVersion: 1, owner: "user", tags: [],
    });
    expect(await kms.fail("EnableKeyRotation", { KeyId: asym })).toBe("InvalidParameterValue.InvalidKeyUsage");
    expect(await kms.fail("RotateKey", { KeyId: asym })).toBe("InvalidParameterValue.InvalidKeyUsage");
  });
});

describe("RotateKey and key versions", () => {
  it("new ciphertexts use the newest version, every old one still decrypts, RotateKey at most once per 24 h", async () => {
    const keyId = await newKey();
    await kms.call("EnableKeyRotation", { KeyId: keyId, RotateDays: 90 });
    const pts = [randomBytes(40), randomBytes(40), randomBytes(40)];
    const v1 = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: pts[0]!.toString("base64") })).CiphertextBlob;
    const dk1 = await kms.call("GenerateDataKey", { KeyId: keyId, NumberOfBytes: 32 });
    expect(versionOf(v1)).toBe(1);

    const rotatedAt = clock.now();
    const r = await kms.call("RotateKey", { KeyId: keyId });
    expect(r.TaskId).toMatch(/^[0-9a-f-]{36}$/);
    const m = await meta(keyId);
    expect(m.LastRotateTime).toBeGreaterThanOrEqual(rotatedAt);
    expect(m.LastRotateTime).toBeLessThanOrEqual(clock.now());
    expect(m.NextRotateTime).toBe(m.LastRotateTime + 90 * DAY);
    const v2 = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: pts[1]!.toString("base64") })).CiphertextBlob;
    expect(versionOf(v2)).toBe(2);
    expect(versionOf((await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_128" })).CiphertextBlob)).toBe(2);

    expect(await kms.fail("RotateKey", { KeyId: keyId })).toBe("RequestLimitExceeded.RotateRateLimited");
    clock.advance(DAY - 5);
    expect(await kms.fail("RotateKey", { KeyId: keyId })).toBe("RequestLimitExceeded.RotateRateLimited");
    clock.advance(10);
    await kms.call("RotateKey", { KeyId: keyId });
    const v3 = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: pts[2]!.toString("base64") })).CiphertextBlob;
    expect(versionOf(v3)).toBe(3);

    for (const [blob, pt] of [[v1, pts[0]], [v2, pts[1]], [v3, pts[2]]] as const) {
      const d = await kms.call("Decrypt", { CiphertextBlob: blob });
      expect(d.KeyId).toBe(keyId);
      expect(unb64(d.Plaintext).equals(pt!)).toBe(true);
    }
    expect((await kms.call("Decrypt", { CiphertextBlob: dk1.CiphertextBlob })).Plaintext).toBe(dk1.Plaintext);

    // ReEncrypt moves an old blob to the newest version; a blob already there comes back unchanged
    const moved = await kms.call("ReEncrypt", { CiphertextBlob: v1 });
    expect(moved).toMatchObject({ KeyId: keyId, SourceKeyId: keyId, ReEncrypted: true });
    expect(versionOf(moved.CiphertextBlob)).toBe(3);
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: moved.CiphertextBlob })).Plaintext).equals(pts[0]!)).toBe(true);
    const same = await kms.call("ReEncrypt", { CiphertextBlob: v3 });
    expect(same).toMatchObject({ CiphertextBlob: v3, ReEncrypted: false });
    // with a context: the old blob moves and the context stays bound
    const withCtx = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("ctx"), EncryptionContext: '{"a":"b"}' })).CiphertextBlob;
    const again = await kms.call("ReEncrypt", { CiphertextBlob: withCtx, SourceEncryptionContext: '{"a":"b"}', DestinationEncryptionContext: '{"a":"b"}' });
    expect(again.ReEncrypted).toBe(false);
  });

  it("versions survive a restart and stay decryptable; a disabled key refuses RotateKey", async () => {
    const keyId = await newKey();
    await kms.call("EnableKeyRotation", { KeyId: keyId });
    const v1 = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("one") })).CiphertextBlob;
    await kms.call("RotateKey", { KeyId: keyId });
    await kms.restart();
    const v2 = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("two") })).CiphertextBlob;
    expect(versionOf(v2)).toBe(2);
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: v1 })).Plaintext).toString()).toBe("one");
    await kms.call("DisableKey", { KeyId: keyId });
    clock.advance(DAY + 1);
    expect(await kms.fail("RotateKey", { KeyId: keyId })).toBe("ResourceUnavailable.CmkStateNotSupport");
  });
});

describe("the scheduler rotates keys when due", () => {
  it("rotates at NextRotateTime, not before; the new version encrypts, old ones decrypt; the event is emitted once", async () => {
    const keyId = await newKey();
    await kms.call("EnableKeyRotation", { KeyId: keyId, RotateDays: 7 });
    const next = (await meta(keyId)).NextRotateTime as number;
    const old = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("before") })).CiphertextBlob;
    clock.advance(next - clock.now() - 10);
    await kms.server.scheduler.runDue();
    expect((await meta(keyId)).LastRotateTime).toBeUndefined();
    clock.advance(10);
    events.length = 0;
    const report = await kms.server.scheduler.runDue();
    expect(report.rotated).toBeGreaterThanOrEqual(1);
    const mine = events.filter((e) => e.keyId === keyId);
    expect(mine).toEqual([{ type: "KeyRotated", keyId, uin: kms.server.uin, at: expect.any(Number), version: 2, nextRotateTime: expect.any(Number) }]);
    const m = await meta(keyId);
    expect(m.NextRotateTime).toBe(m.LastRotateTime + 7 * DAY);
    expect(versionOf((await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("after") })).CiphertextBlob)).toBe(2);
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: old })).Plaintext).toString()).toBe("before");
    await kms.server.scheduler.runDue();
    expect(events.filter((e) => e.keyId === keyId)).toHaveLength(1);
  });

  it("a Disabled key due for rotation waits; once Enabled again it is rotated at the next run", async () => {
    const keyId = await newKey();
    await kms.call("EnableKeyRotation", { KeyId: keyId, RotateDays: 7 });
    await kms.call("DisableKey", { KeyId: keyId });
    clock.advance(8 * DAY);
    await kms.server.scheduler.runDue();
    expect((await meta(keyId)).LastRotateTime).toBeUndefined();
    await kms.call("EnableKey", { KeyId: keyId });
    await kms.server.scheduler.runDue();
    expect((await meta(keyId)).LastRotateTime).toBeGreaterThan(0);
    expect(versionOf((await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).CiphertextBlob)).toBe(2);
  });

  it("keys with rotation disabled are never rotated", async () => {
    const keyId = await newKey();
    await kms.call("EnableKeyRotation", { KeyId: keyId, RotateDays: 7 });
    await kms.call("DisableKeyRotation", { KeyId: keyId });
    clock.advance(30 * DAY);
    await kms.server.scheduler.runDue();
    expect(versionOf((await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).CiphertextBlob)).toBe(1);
  });

  it("two nodes on one store running the scheduler at once rotate a due key once", async () => {
    const keyId = await newKey();
    await kms.call("EnableKeyRotation", { KeyId: keyId, RotateDays: 7 });
    const other = await startServer({ dataDir: kms.dataDir, clock, schedulerIntervalSeconds: 0 });
    try {
      clock.advance(7 * DAY);
      await Promise.all([kms.server.scheduler.runDue(), other.server.scheduler.runDue()]);
      const key = await kms.server.store.getKey(kms.server.uin, keyId);
      expect(key!.currentVersion).toBe(2);
      expect(await kms.server.store.getKeyVersion(keyId, 3)).toBeUndefined();
    } finally {
      await other.server.close();
    }
  });
});

describe("conditional writes: a rotation computed from a stale read loses to the change that happened meanwhile", () => {
  it("a key disabled (or with rotation turned off) after the read is neither rotated nor re-enabled", async () => {
    const keyId = await newKey();
    await kms.call("EnableKeyRotation", { KeyId: keyId, RotateDays: 7 });
    const stale = (await kms.server.store.getKey(kms.server.uin, keyId))!;
    await kms.call("DisableKey", { KeyId: keyId });
    // what the scheduler does with a due list read before the DisableKey (its root key does not matter: nothing lands)
    const svc = { store: kms.server.store, root: rootKeyFromBytes(new Uint8Array(32)), profile: editionProfiles.fips };
    expect(await rotateKeyNow(svc, stale, clock.now())).toBeUndefined();
    expect(await meta(keyId)).toMatchObject({ KeyState: "Disabled" });
    expect((await kms.server.store.getKey(kms.server.uin, keyId))!.currentVersion).toBe(1);
    expect(await kms.server.store.getKeyVersion(keyId, 2)).toBeUndefined();
    await kms.call("EnableKey", { KeyId: keyId });
    await kms.call("DisableKeyRotation", { KeyId: keyId });
    expect(await rotateKeyNow(svc, stale, clock.now())).toBeUndefined();
    expect(await kms.server.store.getKeyVersion(keyId, 2)).toBeUndefined();
  });
});
