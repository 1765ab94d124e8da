/**
 * The KMS-hosted data-key actions (reference §3.12) and GenerateDataKey's hosted parameters through the official SDK's
 * CommonClient: success paths with real values, each documented error code, bad input, the CMK withholding its data
 * keys, policies on data-key resources and accounts kept apart. Time-driven deletion: data-key-deletion.test.ts.
 */
import { constants, createHash, generateKeyPairSync, privateDecrypt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountAdmin } from "../src/accounts/admin.js";
import { isReadOnlyRequest } from "../src/actions/read-only.js";
import { queryAuditLog, tc3Signature, utcDate } from "../src/index.js";
import { b64, callerFor, openAdmin, startServer, unb64, type Caller, type Running } from "./_harness.js";

let kms: Running;
let admin: AccountAdmin;
let closeAdmin: () => Promise<void>;
let uin: string;
let counter = 0;
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const name = (prefix = "dk") => `${prefix}-${++counter}`;

beforeAll(async () => {
  kms = await startServer({ edition: "sm" });
  uin = kms.server.uin;
  ({ admin, close: closeAdmin } = await openAdmin(kms));
});
afterAll(async () => {
  await closeAdmin();
  await kms.stop();
});

async function newCmk(extra: Record<string, unknown> = {}): Promise<string> {
  return (await kms.call("CreateKey", { Alias: name("cmk"), ...extra })).KeyId as string;
}

/** A hosted data key made by GenerateDataKey; returns its ids and plaintext. */
async function hosted(keyId: string, extra: Record<string, unknown> = {}): Promise<{ dataKeyId: string; plaintext: Buffer; blob: string; name: string }> {
  const n = name();
  const r = await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: n, ...extra });
  return { dataKeyId: r.DataKeyId, plaintext: unb64(r.Plaintext), blob: r.CiphertextBlob, name: n };
}

const plaintextOf = async (dataKeyId: string) => unb64((await kms.call("GetDataKeyPlaintext", { DataKeyId: dataKeyId })).Plaintext);
const metaOf = async (dataKeyId: string) => (await kms.call("DescribeDataKey", { DataKeyId: dataKeyId })).DataKeyMetadata;

describe("GenerateDataKey with IsHostedByKms=1", () => {
  it("keeps the data key: DataKeyId returned, GetDataKeyPlaintext gives the same bytes, DescribeDataKey its metadata", async () => {
    const keyId = await newCmk();
    const alias = (await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata.Alias;
    const before = Math.floor(Date.now() / 1000);
    const r = await kms.call("GenerateDataKey", {
      KeyId: keyId, NumberOfBytes: 24, IsHostedByKms: 1, DataKeyName: "orders-db", Description: "描述信息", Tags: [{ TagKey: "env", TagValue: "dev" }],
    });
    expect(r).toMatchObject({ KeyId: keyId, TagCode: 0, TagMsg: "ok" });
    expect(r.DataKeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const plaintext = unb64(r.Plaintext);
    expect(plaintext.length).toBe(24);
    expect(await plaintextOf(r.DataKeyId)).toEqual(plaintext);
    const m = await metaOf(r.DataKeyId);
    expect(m).toEqual({
      DataKeyId: r.DataKeyId, KeyId: keyId, KeyName: alias, DataKeyName: "orders-db", NumberOfBytes: 24, CreateTime: m.CreateTime,
      Description: "描述信息", KeyState: "Enabled", CreatorUin: Number(uin), Owner: "user", DeletionDate: 0, Origin: "TENCENT_KMS",
      ResourceId: `creatorUin/${uin}/${r.DataKeyId}`, CreatorUinString: uin,
    });
    expect(m.CreateTime).toBeGreaterThanOrEqual(before);
    // The returned CiphertextBlob is an ordinary one: Decrypt opens it.
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: r.CiphertextBlob })).Plaintext)).toEqual(plaintext);
  });

  it("a hosted key made with an EncryptionContext: the caller's blob needs it, the hosted copy does not", async () => {
    const keyId = await newCmk();
    const dk = await hosted(keyId, { EncryptionContext: '{"table":"orders"}' });
    expect(await kms.fail("Decrypt", { CiphertextBlob: dk.blob })).toBe("InvalidParameterValue.InvalidCiphertext");
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: dk.blob, EncryptionContext: '{"table":"orders"}' })).Plaintext)).toEqual(dk.plaintext);
    const stored = (await kms.call("GetDataKeyCiphertextBlob", { DataKeyId: dk.dataKeyId })).CiphertextBlob;
    expect(stored).not.toBe(dk.blob);
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: stored })).Plaintext)).toEqual(dk.plaintext);
    expect(await plaintextOf(dk.dataKeyId)).toEqual(dk.plaintext);
  });

  it("audit records name the data key and the CMK that sealed or opened it", async () => {
    const keyId = await newCmk();
    const dk = await hosted(keyId);
    await kms.call("GetDataKeyPlaintext", { DataKeyId: dk.dataKeyId });
    await kms.call("DisableDataKey", { DataKeyId: dk.dataKeyId });
    const { dir, close } = await openAdmin(kms);
    try {
      const of = (action: string, id = dk.dataKeyId) => queryAuditLog(dir.audit, { action, keyId: id }).map((r) => [r.code, r.keyIds]);
      // The write-ahead record is written before the data key exists: it names the CMK.
      expect(of("GenerateDataKey", keyId)).toEqual([["Started", [keyId]], ["Success", [keyId, dk.dataKeyId]]]);
      expect(of("GetDataKeyPlaintext")).toEqual([["Success", [dk.dataKeyId, keyId]]]);
      expect(of("DisableDataKey")).toEqual([["Started", [dk.dataKeyId]], ["Success", [dk.dataKeyId]]]);
    } finally {
      await close();
    }
  });

  it("is a state-changing request (write-ahead audit record) only when hosted", () => {
    expect(isReadOnlyRequest("GenerateDataKey", { KeyId: UNKNOWN, KeySpec: "AES_256" })).toBe(true);
    expect(isReadOnlyRequest("GenerateDataKey", { KeyId: UNKNOWN, KeySpec: "AES_256", IsHostedByKms: 0 })).toBe(true);
    expect(isReadOnlyRequest("GenerateDataKey", { KeyId: UNKNOWN, KeySpec: "AES_256", IsHostedByKms: 1 })).toBe(false);
    expect(isReadOnlyRequest("GetDataKeyPlaintext", { DataKeyId: UNKNOWN })).toBe(true);
    expect(isReadOnlyRequest("ImportDataKey", {})).toBe(false);
  });

  it("refuses a taken name, a long description, duplicate tags; keeps nothing when refused", async () => {
    const keyId = await newCmk();
    const dk = await hosted(keyId);
    const before = (await kms.call("ListDataKeys", { Limit: 200 })).TotalCount;
    expect(await kms.fail("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: dk.name })).toBe("InvalidParameterValue.DataKeyNameAlreadyExists");
    expect(await kms.fail("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: name(), Description: "x".repeat(101) })).toBe("InvalidParameterValue");
    expect(await kms.fail("GenerateDataKey", {
      KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: name(), Tags: [{ TagKey: "a", TagValue: "1" }, { TagKey: "a", TagValue: "2" }],
    })).toBe("InvalidParameterValue.TagKeysDuplicated");
    expect(await kms.fail("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "a".repeat(61) })).toBe("InvalidParameterValue.InvalidDataKeyName");
    expect((await kms.call("ListDataKeys", { Limit: 200 })).TotalCount).toBe(before);
    // A 100-byte description is fine; without IsHostedByKms nothing is kept.
    await hosted(keyId, { Description: "é".repeat(50) });
    await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", DataKeyName: name() });
    expect((await kms.call("ListDataKeys", { Limit: 200 })).TotalCount).toBe(before + 1);
  });

  it("CMK states: Disabled → CmkDisabled, Archived → CmkArchived, PendingDelete → KeyPendingDelete", async () => {
    const keyId = await newCmk();
    const params = () => ({ KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: name() });
    await kms.call("DisableKey", { KeyId: keyId });
    expect(await kms.fail("GenerateDataKey", params())).toBe("ResourceUnavailable.CmkDisabled");
    await kms.call("ArchiveKey", { KeyId: keyId });
    expect(await kms.fail("GenerateDataKey", params())).toBe("ResourceUnavailable.CmkArchived");
    await kms.call("CancelKeyArchive", { KeyId: keyId });
    await kms.call("DisableKey", { KeyId: keyId });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    expect(await kms.fail("GenerateDataKey", params())).toBe("ResourceUnavailable.KeyPendingDelete");
  });

  it("LimitExceeded.DataKeyLimitExceeded beyond the account's quota (PendingDelete data keys do not count)", async () => {
    const small = await startServer({ limits: { maxDataKeysPerAccount: 2 } });
    try {
      const keyId = (await small.call("CreateKey", { Alias: "q" })).KeyId;
      const gen = (n: string) => ({ KeyId: keyId, KeySpec: "AES_128", IsHostedByKms: 1, DataKeyName: n });
      const first = (await small.call("GenerateDataKey", gen("q1"))).DataKeyId;
      await small.call("GenerateDataKey", gen("q2"));
      expect(await small.call("GetServiceStatus")).toMatchObject({ IsAllowedDataKeyHosted: true, DataKeyLimit: 2, DataKeyUsedCount: 2 });
      expect(await small.fail("GenerateDataKey", gen("q3"))).toBe("LimitExceeded.DataKeyLimitExceeded");
      expect(await small.fail("ImportDataKey", { DataKeyName: "q3", ImportType: 2, KeyId: keyId, ImportKeyMaterial: b64("0123456789abcdef") })).toBe("LimitExceeded.DataKeyLimitExceeded");
      await small.call("DisableDataKey", { DataKeyId: first });
      await small.call("ScheduleDataKeyDeletion", { DataKeyId: first, PendingWindowInDays: 7 });
      await small.call("GenerateDataKey", gen("q3"));
      expect(await small.fail("CancelDataKeyDeletion", { DataKeyId: first })).toBe("LimitExceeded.DataKeyLimitExceeded");
    } finally {
      await small.stop();
    }
  });
});

describe("ImportDataKey", () => {
  it("ImportType 2: a plaintext data key, sealed under KeyId; Origin EXTERNAL", async () => {
    const keyId = await newCmk();
    const material = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    const r = await kms.call("ImportDataKey", { DataKeyName: "imported-plain", ImportKeyMaterial: b64(material), ImportType: 2, KeyId: keyId, Description: "byok" });
    expect(r).toMatchObject({ KeyId: keyId, TagCode: 0, TagMsg: "no tags to save" });
    expect(await plaintextOf(r.DataKeyId)).toEqual(material);
    expect(await metaOf(r.DataKeyId)).toMatchObject({ Origin: "EXTERNAL", NumberOfBytes: 16, Description: "byok", DataKeyName: "imported-plain", KeyState: "Enabled" });
  });

  it("ImportType 1: a CiphertextBlob from GenerateDataKey or GetDataKeyCiphertextBlob (KeyId optional, checked)", async () => {
    const keyId = await newCmk();
    const g = await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_128" });
    const a = await kms.call("ImportDataKey", { DataKeyName: name("imp"), ImportKeyMaterial: g.CiphertextBlob, ImportType: "1" });
    expect(a.KeyId).toBe(keyId);
    expect(await plaintextOf(a.DataKeyId)).toEqual(unb64(g.Plaintext));
    const b = await kms.call("ImportDataKey", { DataKeyName: name("imp"), ImportKeyMaterial: g.CiphertextBlob, ImportType: 1, KeyId: keyId.toUpperCase() });
    expect(await plaintextOf(b.DataKeyId)).toEqual(unb64(g.Plaintext));
    const exported = (await kms.call("GetDataKeyCiphertextBlob", { DataKeyId: a.DataKeyId })).CiphertextBlob;
    const c = await kms.call("ImportDataKey", { DataKeyName: name("imp"), ImportKeyMaterial: exported, ImportType: 1 });
    expect(await plaintextOf(c.DataKeyId)).toEqual(unb64(g.Plaintext));
  });

  it.each<[string, (k: { keyId: string; other: string; blob: string; ctxBlob: string; big: string; rsa: string }) => Record<string, unknown>, string]>([
    ["blob under another CMK than KeyId", (k) => ({ ImportType: 1, ImportKeyMaterial: k.blob, KeyId: k.other }), "InvalidParameterValue.InvalidImportKeyMaterial"],
    ["blob made with an EncryptionContext", (k) => ({ ImportType: 1, ImportKeyMaterial: k.ctxBlob }), "InvalidParameterValue.InvalidImportKeyMaterial"],
    ["blob not base64", () => ({ ImportType: 1, ImportKeyMaterial: "not base64!" }), "InvalidParameterValue.InvalidImportKeyMaterial"],
    ["blob truncated", (k) => ({ ImportType: 1, ImportKeyMaterial: b64(unb64(k.blob).subarray(0, 30)) }), "InvalidParameterValue.InvalidImportKeyMaterial"],
    ["blob altered", (k) => {
      const x = unb64(k.blob);
      x[x.length - 1]! ^= 1;
      return { ImportType: 1, ImportKeyMaterial: b64(x) };
    }, "InvalidParameterValue.InvalidImportKeyMaterial"],
    ["blob holding more than 1024 bytes", (k) => ({ ImportType: 1, ImportKeyMaterial: k.big }), "InvalidParameterValue.InvalidImportKeyMaterial"],
    ["plaintext without KeyId", () => ({ ImportType: 2, ImportKeyMaterial: b64("0123456789abcdef") }), "MissingParameter"],
    ["plaintext not base64", (k) => ({ ImportType: 2, ImportKeyMaterial: "@@@@", KeyId: k.keyId }), "InvalidParameterValue.InvalidPlaintext"],
    ["empty plaintext", (k) => ({ ImportType: 2, ImportKeyMaterial: "", KeyId: k.keyId }), "InvalidParameterValue.InvalidPlaintext"],
    ["plaintext of 1025 bytes", (k) => ({ ImportType: 2, ImportKeyMaterial: b64(Buffer.alloc(1025, 1)), KeyId: k.keyId }), "InvalidParameterValue.InvalidPlaintext"],
    ["ImportType 3", (k) => ({ ImportType: 3, ImportKeyMaterial: b64("x"), KeyId: k.keyId }), "InvalidParameterValue.InvalidType"],
    ["malformed KeyId", () => ({ ImportType: 2, ImportKeyMaterial: b64("0123456789abcdef"), KeyId: "nope" }), "InvalidParameterValue.InvalidKeyId"],
    ["unknown KeyId", () => ({ ImportType: 2, ImportKeyMaterial: b64("0123456789abcdef"), KeyId: UNKNOWN }), "ResourceUnavailable.CmkNotFound"],
    ["asymmetric CMK", (k) => ({ ImportType: 2, ImportKeyMaterial: b64("0123456789abcdef"), KeyId: k.rsa }), "InvalidParameterValue.InvalidKeyUsage"],
    ["long Description", (k) => ({ ImportType: 2, ImportKeyMaterial: b64("0123456789abcdef"), KeyId: k.keyId, Description: "x".repeat(101) }), "InvalidParameterValue"],
    ["HsmClusterId", (k) => ({ ImportType: 2, ImportKeyMaterial: b64("0123456789abcdef"), KeyId: k.keyId, HsmClusterId: "cls-hsm-1" }), "InvalidParameterValue.InvalidHsmClusterId"],
    ["missing ImportType", (k) => ({ ImportKeyMaterial: b64("0123456789abcdef"), KeyId: k.keyId }), "MissingParameter"],
    ["unknown parameter", (k) => ({ ImportType: 2, ImportKeyMaterial: b64("0123456789abcdef"), KeyId: k.keyId, Colour: "blue" }), "UnknownParameter"],
    ["ImportKeyMaterial not a string", (k) => ({ ImportType: 2, ImportKeyMaterial: 42, KeyId: k.keyId }), "InvalidParameter"],
    ["duplicate tag keys", (k) => ({
      ImportType: 2, ImportKeyMaterial: b64("0123456789abcdef"), KeyId: k.keyId, Tags: [{ TagKey: "a", TagValue: "1" }, { TagKey: "a", TagValue: "2" }],
    }), "InvalidParameterValue.TagKeysDuplicated"],
  ])("%s → %s", async (_n, params, code) => {
    const keyId = await newCmk();
    const other = await newCmk();
    const blob = (await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_128" })).CiphertextBlob;
    const ctxBlob = (await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_128", EncryptionContext: '{"a":"b"}' })).CiphertextBlob;
    const big = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64(Buffer.alloc(2000, 7)) })).CiphertextBlob;
    const rsa = rsaKey ??= await newCmk({ KeyUsage: "ASYMMETRIC_DECRYPT_SM2" });
    expect(await kms.fail("ImportDataKey", { DataKeyName: name("bad"), ...params({ keyId, other, blob, ctxBlob, big, rsa }) })).toBe(code);
  });

  it("refuses a bad or taken DataKeyName and unusable CMKs", async () => {
    const keyId = await newCmk();
    const p = (n: string, extra: Record<string, unknown> = {}) => ({ DataKeyName: n, ImportType: 2, KeyId: keyId, ImportKeyMaterial: b64("0123456789abcdef"), ...extra });
    const taken = name();
    await kms.call("ImportDataKey", p(taken));
    expect(await kms.fail("ImportDataKey", p(taken))).toBe("InvalidParameterValue.DataKeyNameAlreadyExists");
    expect(await kms.fail("ImportDataKey", p("-dash"))).toBe("InvalidParameterValue.InvalidDataKeyName");
    expect(await kms.fail("ImportDataKey", { ImportType: 2, KeyId: keyId, ImportKeyMaterial: b64("0123456789abcdef") })).toBe("MissingParameter");
    await kms.call("DisableKey", { KeyId: keyId });
    expect(await kms.fail("ImportDataKey", p(name()))).toBe("ResourceUnavailable.CmkDisabled");
    await kms.call("ArchiveKey", { KeyId: keyId });
    expect(await kms.fail("ImportDataKey", p(name()))).toBe("ResourceUnavailable.CmkArchived");
    await kms.call("CancelKeyArchive", { KeyId: keyId });
    await kms.call("DisableKey", { KeyId: keyId });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    expect(await kms.fail("ImportDataKey", p(name()))).toBe("ResourceUnavailable.KeyPendingDelete");
    const ext = (await kms.call("CreateKey", { Alias: name("ext"), Type: 2 })).KeyId;
    expect(await kms.fail("ImportDataKey", { ...p(name()), KeyId: ext })).toBe("ResourceUnavailable.CmkStateNotSupport");
  });
});
let rsaKey: string | undefined;

describe("DescribeDataKey(s)", () => {
  it.each([
    [{ DataKeyId: "nope" }, "InvalidParameterValue.InvalidDataKeyId"],
    [{ DataKeyId: UNKNOWN }, "ResourceUnavailable.DataKeyNotFound"],
    [{}, "MissingParameter"],
    [{ DataKeyId: 5 }, "InvalidParameter"],
    [{ DataKeyId: UNKNOWN, MemberAccount: { MemberUin: 1 } }, "UnsupportedOperation"],
  ])("DescribeDataKey %j → %s", async (params, code) => {
    expect(await kms.fail("DescribeDataKey", params)).toBe(code);
  });
  it("DescribeDataKeys answers in the order asked; every id must exist, once", async () => {
    const keyId = await newCmk();
    const a = await hosted(keyId);
    const b = await hosted(keyId);
    const r = await kms.call("DescribeDataKeys", { DataKeyIds: [b.dataKeyId, a.dataKeyId.toUpperCase()] });
    expect(r.DataKeyMetadatas.map((m: { DataKeyId: string }) => m.DataKeyId)).toEqual([b.dataKeyId, a.dataKeyId]);
    expect(await kms.fail("DescribeDataKeys", { DataKeyIds: [a.dataKeyId, a.dataKeyId] })).toBe("InvalidParameterValue.DuplicatedDataKeyId");
    expect(await kms.fail("DescribeDataKeys", { DataKeyIds: [] })).toBe("InvalidParameterValue");
    expect(await kms.fail("DescribeDataKeys", { DataKeyIds: Array.from({ length: 101 }, () => UNKNOWN) })).toBe("InvalidParameterValue");
    expect(await kms.fail("DescribeDataKeys", { DataKeyIds: [a.dataKeyId, UNKNOWN] })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect(await kms.fail("DescribeDataKeys", { DataKeyIds: [a.dataKeyId, "x"] })).toBe("InvalidParameterValue.InvalidDataKeyId");
    expect(await kms.fail("DescribeDataKeys", {})).toBe("MissingParameter");
  });
});

describe("ListDataKeys / ListDataKeyDetail", () => {
  let cmkA: string;
  let cmkB: string;
  const made: string[] = [];
  let lister: Running;
  beforeAll(async () => {
    lister = await startServer({ edition: "sm" });
    cmkA = (await lister.call("CreateKey", { Alias: "list-a" })).KeyId;
    cmkB = (await lister.call("CreateKey", { Alias: "list-b" })).KeyId;
    made.push((await lister.call("GenerateDataKey", { KeyId: cmkA, KeySpec: "AES_128", IsHostedByKms: 1, DataKeyName: "alpha-one", Tags: [{ TagKey: "team", TagValue: "red" }] })).DataKeyId);
    made.push((await lister.call("GenerateDataKey", { KeyId: cmkA, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "alpha-two" })).DataKeyId);
    made.push((await lister.call("ImportDataKey", { DataKeyName: "beta-one", ImportType: 2, KeyId: cmkB, ImportKeyMaterial: b64(Buffer.alloc(32, 3)) })).DataKeyId);
    await lister.call("DisableDataKey", { DataKeyId: made[1] });
    await lister.call("DisableDataKey", { DataKeyId: made[2] });
    await lister.call("ScheduleDataKeyDeletion", { DataKeyId: made[2], PendingWindowInDays: 7 });
    made.push((await lister.server.dataKeys.create({ uin: lister.server.uin, keyId: cmkB, name: "gw-mnt-1", product: "mariadb" })).dataKey.dataKeyId);
  });
  afterAll(async () => {
    await lister.stop();
  });
  const ids = (r: Record<string, any>) => (r.DataKeys ?? r.DataKeyMetadatas).map((d: { DataKeyId: string }) => d.DataKeyId);

  it("ListDataKeys: every data key, newest first, paged; Role 1 = made by products", async () => {
    expect(await lister.call("ListDataKeys", {})).toMatchObject({ TotalCount: 4 });
    expect(ids(await lister.call("ListDataKeys", {}))).toEqual([...made].reverse());
    expect(ids(await lister.call("ListDataKeys", { Offset: 1, Limit: 2 }))).toEqual([made[2], made[1]]);
    const r1 = await lister.call("ListDataKeys", { Role: 1 });
    expect([r1.TotalCount, ids(r1)]).toEqual([1, [made[3]]]);
    expect(await lister.fail("ListDataKeys", { Limit: 201 })).toBe("InvalidParameter");
    expect(await lister.fail("ListDataKeys", { Role: 2 })).toBe("InvalidParameter");
    expect(await lister.fail("ListDataKeys", { HsmClusterId: "cls-hsm-1" })).toBe("InvalidParameterValue.InvalidHsmClusterId");
    expect(await lister.fail("ListDataKeys", { Colour: 1 })).toBe("UnknownParameter");
  });

  it("ListDataKeyDetail: filters, order and metadata", async () => {
    const all = await lister.call("ListDataKeyDetail", { OrderType: 1 });
    expect(all.TotalCount).toBe(4);
    expect(ids(all)).toEqual(made);
    expect(all.DataKeyMetadatas[3]).toMatchObject({ DataKeyName: "gw-mnt-1", Owner: "mariadb", KeyId: cmkB, KeyName: "list-b", NumberOfBytes: 32 });
    expect(ids(await lister.call("ListDataKeyDetail", { KeyState: 1, OrderType: 1 }))).toEqual([made[0], made[3]]);
    expect(ids(await lister.call("ListDataKeyDetail", { KeyState: 2 }))).toEqual([made[1]]);
    expect(ids(await lister.call("ListDataKeyDetail", { KeyState: 3 }))).toEqual([made[2]]);
    expect(ids(await lister.call("ListDataKeyDetail", { KeyId: cmkA, OrderType: 1 }))).toEqual([made[0], made[1]]);
    expect(ids(await lister.call("ListDataKeyDetail", { SearchKeyAlias: "ALPHA", OrderType: 1 }))).toEqual([made[0], made[1]]);
    expect(ids(await lister.call("ListDataKeyDetail", { SearchKeyAlias: made[3]!.slice(0, 8) }))).toEqual([made[3]]);
    expect(ids(await lister.call("ListDataKeyDetail", { DataKeyLen: 16 }))).toEqual([made[0]]);
    expect(ids(await lister.call("ListDataKeyDetail", { Origin: "EXTERNAL" }))).toEqual([made[2]]);
    expect(ids(await lister.call("ListDataKeyDetail", { Origin: "ALL" }))).toHaveLength(4);
    expect(ids(await lister.call("ListDataKeyDetail", { TagFilters: [{ TagKey: "team", TagValue: ["red"] }] }))).toEqual([made[0]]);
    expect(ids(await lister.call("ListDataKeyDetail", { Role: 1 }))).toEqual([made[3]]);
    expect((await lister.call("ListDataKeyDetail", { Limit: 1, Offset: 1, OrderType: 1 })).TotalCount).toBe(4);
  });

  it.each([
    [{ KeyId: "nope" }, "InvalidParameterValue.InvalidKeyId"],
    [{ KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    [{ KeyState: 4 }, "InvalidParameter"],
    [{ OrderType: 2 }, "InvalidParameter"],
    [{ Origin: "tencent_kms" }, "InvalidParameter"],
    [{ DataKeyLen: 0 }, "InvalidParameter"],
    [{ Limit: 201 }, "InvalidParameter"],
    [{ HsmClusterId: "cls-hsm-1" }, "InvalidParameterValue.InvalidHsmClusterId"],
    [{ MemberAccounts: [{ MemberUin: 1 }] }, "UnsupportedOperation"],
    [{ Offset: -1 }, "InvalidParameter"],
  ])("ListDataKeyDetail %j → %s", async (params, code) => {
    expect(await lister.fail("ListDataKeyDetail", params)).toBe(code);
  });
});

describe("states: Enable/Disable, Schedule/CancelDeletion, names and descriptions", () => {
  it("a data key's life: disable → refused → schedule → pending → cancel → disabled → enable → readable", async () => {
    const keyId = await newCmk();
    const dk = await hosted(keyId);
    expect(await kms.fail("ScheduleDataKeyDeletion", { DataKeyId: dk.dataKeyId, PendingWindowInDays: 7 })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    await kms.call("DisableDataKey", { DataKeyId: dk.dataKeyId });
    await kms.call("DisableDataKey", { DataKeyId: dk.dataKeyId }); // already Disabled: no-op
    expect((await metaOf(dk.dataKeyId)).KeyState).toBe("Disabled");
    expect(await kms.fail("GetDataKeyPlaintext", { DataKeyId: dk.dataKeyId })).toBe("ResourceUnavailable.DataKeyDisabled");
    expect(await kms.fail("CancelDataKeyDeletion", { DataKeyId: dk.dataKeyId })).toBe("ResourceUnavailable.DataKeyNotPendingDelete");
    // The exported blob stays available while Disabled (it is sealed under the CMK).
    expect((await kms.call("GetDataKeyCiphertextBlob", { DataKeyId: dk.dataKeyId })).CiphertextBlob).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    for (const days of [6, 31, -1]) {
      expect(await kms.fail("ScheduleDataKeyDeletion", { DataKeyId: dk.dataKeyId, PendingWindowInDays: days })).toBe("InvalidParameter.InvalidPendingWindowInDays");
    }
    const now = Math.floor(Date.now() / 1000);
    const s = await kms.call("ScheduleDataKeyDeletion", { DataKeyId: dk.dataKeyId, PendingWindowInDays: "7" });
    expect(s.DataKeyId).toBe(dk.dataKeyId);
    expect(s.DeletionDate).toBeGreaterThanOrEqual(now + 7 * 86400);
    expect(s.DeletionDate).toBeLessThanOrEqual(now + 7 * 86400 + 5);
    expect(await metaOf(dk.dataKeyId)).toMatchObject({ KeyState: "PendingDelete", DeletionDate: s.DeletionDate });
    expect(await kms.fail("GetDataKeyPlaintext", { DataKeyId: dk.dataKeyId })).toBe("ResourceUnavailable.DataKeyPendingDelete");
    expect(await kms.fail("GetDataKeyCiphertextBlob", { DataKeyId: dk.dataKeyId })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    expect(await kms.fail("ScheduleDataKeyDeletion", { DataKeyId: dk.dataKeyId, PendingWindowInDays: 7 })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    expect(await kms.fail("DisableDataKey", { DataKeyId: dk.dataKeyId })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    expect(await kms.fail("EnableDataKey", { DataKeyId: dk.dataKeyId })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    expect(await kms.fail("UpdateDataKeyName", { DataKeyId: dk.dataKeyId, DataKeyName: name() })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    expect(await kms.fail("UpdateDataKeyDescription", { DataKeyId: dk.dataKeyId, Description: "x" })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    expect((await kms.call("CancelDataKeyDeletion", { DataKeyId: dk.dataKeyId })).DataKeyId).toBe(dk.dataKeyId);
    expect(await metaOf(dk.dataKeyId)).toMatchObject({ KeyState: "Disabled", DeletionDate: 0 });
    await kms.call("EnableDataKey", { DataKeyId: dk.dataKeyId });
    await kms.call("EnableDataKey", { DataKeyId: dk.dataKeyId }); // already Enabled: no-op
    expect(await plaintextOf(dk.dataKeyId)).toEqual(dk.plaintext);
  });

  it("Enable/DisableDataKeys: all or nothing, every id once", async () => {
    const keyId = await newCmk();
    const a = await hosted(keyId);
    const b = await hosted(keyId);
    await kms.call("DisableDataKeys", { DataKeyIds: [a.dataKeyId, b.dataKeyId] });
    expect((await metaOf(a.dataKeyId)).KeyState).toBe("Disabled");
    expect((await metaOf(b.dataKeyId)).KeyState).toBe("Disabled");
    await kms.call("ScheduleDataKeyDeletion", { DataKeyId: b.dataKeyId, PendingWindowInDays: 7 });
    expect(await kms.fail("EnableDataKeys", { DataKeyIds: [a.dataKeyId, b.dataKeyId] })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    expect((await metaOf(a.dataKeyId)).KeyState).toBe("Disabled"); // nothing changed
    expect(await kms.fail("EnableDataKeys", { DataKeyIds: [a.dataKeyId, UNKNOWN] })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect(await kms.fail("EnableDataKeys", { DataKeyIds: [a.dataKeyId, a.dataKeyId] })).toBe("InvalidParameterValue.DuplicatedDataKeyId");
    expect(await kms.fail("DisableDataKeys", { DataKeyIds: [] })).toBe("InvalidParameterValue");
    expect(await kms.fail("DisableDataKeys", { DataKeyIds: ["x"] })).toBe("InvalidParameterValue.InvalidDataKeyId");
    expect(await kms.fail("DisableDataKeys", { DataKeyIds: [a.dataKeyId, b.dataKeyId] })).toBe("ResourceUnavailable.DataKeyStateNotSupport");
    await kms.call("EnableDataKeys", { DataKeyIds: [a.dataKeyId] });
    expect(await plaintextOf(a.dataKeyId)).toEqual(a.plaintext);
  });

  it("a data key under a CMK pending deletion cannot be enabled or brought back", async () => {
    const keyId = await newCmk();
    const a = await hosted(keyId);
    const b = await hosted(keyId);
    await kms.call("DisableDataKeys", { DataKeyIds: [a.dataKeyId, b.dataKeyId] });
    await kms.call("ScheduleDataKeyDeletion", { DataKeyId: b.dataKeyId, PendingWindowInDays: 7 });
    await kms.call("DisableKey", { KeyId: keyId });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    expect(await kms.fail("EnableDataKey", { DataKeyId: a.dataKeyId })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.fail("EnableDataKeys", { DataKeyIds: [a.dataKeyId] })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.fail("CancelDataKeyDeletion", { DataKeyId: b.dataKeyId })).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.call("CancelKeyDeletion", { KeyId: keyId });
    await kms.call("EnableDataKey", { DataKeyId: a.dataKeyId }); // a Disabled CMK keeps its data keys: enabling is allowed
    expect(await kms.fail("GetDataKeyPlaintext", { DataKeyId: a.dataKeyId })).toBe("ResourceUnavailable.CmkDisabled");
  });

  it("UpdateDataKeyName / UpdateDataKeyDescription", async () => {
    const keyId = await newCmk();
    const a = await hosted(keyId);
    const b = await hosted(keyId);
    await kms.call("UpdateDataKeyName", { DataKeyId: a.dataKeyId, DataKeyName: "renamed-a" });
    expect((await metaOf(a.dataKeyId)).DataKeyName).toBe("renamed-a");
    expect(await kms.fail("UpdateDataKeyName", { DataKeyId: b.dataKeyId, DataKeyName: "renamed-a" })).toBe("InvalidParameterValue.DataKeyNameAlreadyExists");
    expect(await kms.fail("UpdateDataKeyName", { DataKeyId: b.dataKeyId, DataKeyName: "bad name" })).toBe("InvalidParameterValue.InvalidDataKeyName");
    expect(await kms.fail("UpdateDataKeyName", { DataKeyId: b.dataKeyId })).toBe("MissingParameter");
    expect(await kms.fail("UpdateDataKeyName", { DataKeyId: UNKNOWN, DataKeyName: "zz" })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect(await kms.fail("UpdateDataKeyName", { DataKeyId: "x", DataKeyName: "zz" })).toBe("InvalidParameterValue.InvalidDataKeyId");
    // the old name is free again
    await kms.call("UpdateDataKeyName", { DataKeyId: b.dataKeyId, DataKeyName: a.name });
    await kms.call("UpdateDataKeyDescription", { DataKeyId: a.dataKeyId, Description: "é".repeat(50) });
    expect((await metaOf(a.dataKeyId)).Description).toBe("é".repeat(50));
    await kms.call("UpdateDataKeyDescription", { DataKeyId: a.dataKeyId, Description: "" });
    expect((await metaOf(a.dataKeyId)).Description).toBe("");
    expect(await kms.fail("UpdateDataKeyDescription", { DataKeyId: a.dataKeyId, Description: "é".repeat(51) })).toBe("InvalidParameterValue");
    expect(await kms.fail("UpdateDataKeyDescription", { DataKeyId: UNKNOWN, Description: "x" })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect(await kms.fail("UpdateDataKeyDescription", { DataKeyId: a.dataKeyId })).toBe("MissingParameter");
  });

  it.each(["EnableDataKey", "DisableDataKey", "CancelDataKeyDeletion", "GetDataKeyPlaintext", "GetDataKeyCiphertextBlob"])(
    "%s: malformed / unknown / missing DataKeyId", async (action) => {
      expect(await kms.fail(action, { DataKeyId: "x" })).toBe("InvalidParameterValue.InvalidDataKeyId");
      expect(await kms.fail(action, { DataKeyId: UNKNOWN })).toBe("ResourceUnavailable.DataKeyNotFound");
      expect(await kms.fail(action, {})).toBe("MissingParameter");
      expect(await kms.fail(action, { DataKeyId: UNKNOWN, Extra: 1 })).toBe("UnknownParameter");
    },
  );
});

describe("GetDataKeyPlaintext and the CMK", () => {
  it("the CMK withholds its data keys: Disabled → CmkDisabled, Archived → CmkStateNotSupport, deleted → CmkNotFound", async () => {
    const keyId = await newCmk();
    const dk = await hosted(keyId);
    await kms.call("DisableKey", { KeyId: keyId });
    expect(await kms.fail("GetDataKeyPlaintext", { DataKeyId: dk.dataKeyId })).toBe("ResourceUnavailable.CmkDisabled");
    const exported = (await kms.call("GetDataKeyCiphertextBlob", { DataKeyId: dk.dataKeyId })).CiphertextBlob;
    expect(await kms.fail("Decrypt", { CiphertextBlob: exported })).toBe("ResourceUnavailable.CmkDisabled");
    await kms.call("EnableKey", { KeyId: keyId });
    expect(await plaintextOf(dk.dataKeyId)).toEqual(dk.plaintext);
    await kms.call("ArchiveKey", { KeyId: keyId });
    expect(await kms.fail("GetDataKeyPlaintext", { DataKeyId: dk.dataKeyId })).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.call("CancelKeyArchive", { KeyId: keyId });
    expect(await plaintextOf(dk.dataKeyId)).toEqual(dk.plaintext);
  });

  it("EncryptionPublicKey: the plaintext comes back encrypted to the caller's RSA key", async () => {
    const keyId = await newCmk();
    const dk = await hosted(keyId);
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const r = await kms.call("GetDataKeyPlaintext", { DataKeyId: dk.dataKeyId, EncryptionPublicKey: pem, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" });
    const opened = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, unb64(r.Plaintext));
    expect(opened).toEqual(dk.plaintext);
    expect(await kms.fail("GetDataKeyPlaintext", { DataKeyId: dk.dataKeyId, EncryptionPublicKey: pem, EncryptionAlgorithm: "RSA_WEIRD" })).toBe("InvalidParameter");
    expect(await kms.fail("GetDataKeyPlaintext", { DataKeyId: dk.dataKeyId, EncryptionPublicKey: "not a pem" })).toBe("FailedOperation.EncryptionError");
  });
});

describe("accounts and policies", () => {
  let sub: Caller;
  let other: Caller;
  let keyId: string;
  let granted: Awaited<ReturnType<typeof hosted>>;
  let notGranted: Awaited<ReturnType<typeof hosted>>;
  beforeAll(async () => {
    keyId = await newCmk();
    granted = await hosted(keyId);
    notGranted = await hosted(keyId);
    await admin.createUser("dk-user");
    const ak = await admin.createAccessKey("dk-user");
    sub = callerFor(kms, ak.SecretId, ak.SecretKey);
    await admin.createAccount("dk-tenant");
    const ak2 = await admin.createAccessKey("dk-tenant");
    other = callerFor(kms, ak2.SecretId, ak2.SecretKey);
  });

  it("another account's data keys do not exist for it", async () => {
    expect(await other.fail("DescribeDataKey", { DataKeyId: granted.dataKeyId })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect(await other.fail("GetDataKeyPlaintext", { DataKeyId: granted.dataKeyId })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect(await other.fail("DisableDataKey", { DataKeyId: granted.dataKeyId })).toBe("ResourceUnavailable.DataKeyNotFound");
    expect((await other.call("ListDataKeys", {})).TotalCount).toBe(0);
    expect(await other.fail("ImportDataKey", { DataKeyName: "steal", ImportType: 1, ImportKeyMaterial: granted.blob })).toBe("ResourceUnavailable.CmkNotFound");
  });

  it("a sub-user needs kms:<Action> on qcs::kms:<region>:uin/<uin>:datakey/<DataKeyId>", async () => {
    const region = kms.server.region;
    expect(await sub.fail("GetDataKeyPlaintext", { DataKeyId: granted.dataKeyId })).toBe("AuthFailure.UnauthorizedOperation");
    expect(await sub.fail("DescribeDataKey", { DataKeyId: granted.dataKeyId })).toBe("UnauthorizedOperation");
    const doc = JSON.stringify({ version: "2.0", statement: [{
      effect: "allow", action: ["kms:GetDataKeyPlaintext", "kms:DescribeDataKey"], resource: [`qcs::kms:${region}:uin/${uin}:datakey/${granted.dataKeyId}`],
    }] });
    await admin.attachPolicy("dk-user", "one-data-key", doc);
    expect(unb64((await sub.call("GetDataKeyPlaintext", { DataKeyId: granted.dataKeyId })).Plaintext)).toEqual(granted.plaintext);
    expect((await sub.call("DescribeDataKey", { DataKeyId: granted.dataKeyId.toUpperCase() })).DataKeyMetadata.DataKeyId).toBe(granted.dataKeyId);
    expect(await sub.fail("GetDataKeyPlaintext", { DataKeyId: notGranted.dataKeyId })).toBe("AuthFailure.UnauthorizedOperation");
    expect(await sub.fail("DisableDataKey", { DataKeyId: granted.dataKeyId })).toBe("UnauthorizedOperation");
    // A grant on the CMK is not a grant on its data keys; ImportDataKey of a blob is judged by the CMK inside it.
    await admin.attachPolicy("dk-user", "cmk", JSON.stringify({ version: "2.0", statement: [{
      effect: "allow", action: ["kms:ImportDataKey", "kms:ListDataKeyDetail"], resource: [`qcs::kms:${region}:uin/${uin}:key/${keyId}`],
    }] }));
    const imported = await sub.call("ImportDataKey", { DataKeyName: name("sub"), ImportType: 1, ImportKeyMaterial: granted.blob });
    expect(imported.KeyId).toBe(keyId);
    const otherCmk = await newCmk();
    const otherBlob = (await kms.call("GenerateDataKey", { KeyId: otherCmk, KeySpec: "AES_128" })).CiphertextBlob;
    expect(await sub.fail("ImportDataKey", { DataKeyName: name("sub"), ImportType: 1, ImportKeyMaterial: otherBlob })).toBe("AuthFailure.UnauthorizedOperation");
    expect((await sub.call("ListDataKeyDetail", { KeyId: keyId })).TotalCount).toBe(3);
    expect(await sub.fail("ListDataKeyDetail", {})).toBe("AuthFailure.UnauthorizedOperation");
  });
});

describe("--require-signed-action", () => {
  it("GenerateDataKey with IsHostedByKms 1 is state-changing: an UNSIGNED-PAYLOAD request is refused, a plain one is not", async () => {
    const strict = await startServer({ requireSignedAction: true });
    try {
      /** One request signing the action header, with the payload signed or UNSIGNED-PAYLOAD. */
      const send = async (action: string, body: Record<string, unknown>, unsigned = false) => {
        const timestamp = Math.floor(Date.now() / 1000);
        const host = `127.0.0.1:${strict.port}`;
        const text = JSON.stringify(body);
        const payloadHash = createHash("sha256").update(unsigned ? "UNSIGNED-PAYLOAD" : text).digest("hex");
        const headers: [string, string][] = [["content-type", "application/json"], ["host", host], ["x-tc-action", action.toLowerCase()]];
        const signature = tc3Signature({
          method: "POST", canonicalQuery: "", headers, payloadHash, timestamp, date: utcDate(timestamp), service: "kms", secretKey: strict.server.credential.secretKey,
        });
        const res = await fetch(`${strict.url}/`, {
          method: "POST", body: text,
          headers: {
            "Content-Type": "application/json", "X-TC-Action": action, "X-TC-Version": "2019-01-18", "X-TC-Timestamp": String(timestamp),
            ...(unsigned ? { "X-TC-Content-SHA256": "UNSIGNED-PAYLOAD" } : {}),
            Authorization: `TC3-HMAC-SHA256 Credential=${strict.server.credential.secretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=${signature}`,
          },
        });
        return (await res.json()).Response;
      };
      const keyId = (await send("CreateKey", { Alias: "strict" })).KeyId;
      expect((await send("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256" }, true)).KeyId).toBe(keyId);
      const refused = await send("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "unsigned" }, true);
      expect(refused.Error?.Code).toMatch(/^AuthFailure/);
      expect((await send("ListDataKeys", {})).TotalCount).toBe(0);
      expect((await send("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "signed" })).DataKeyId).toBeTruthy();
      expect((await send("ListDataKeys", {})).TotalCount).toBe(1);
    } finally {
      await strict.stop();
    }
  });
});
