/**
 * The internal hosted-data-key API (data-keys/hosted-data-keys.ts, `KmsServer.dataKeys`) the product gateway uses:
 * creation under a CMK, versions, reads withheld by the CMK's and the data key's states, service default keys and
 * cloud-resource bindings — checked against the API through the official SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isKmsError } from "../src/index.js";
import { startServer, unb64, type Running } from "./_harness.js";

let kms: Running;
let uin: string;

beforeAll(async () => {
  kms = await startServer();
  uin = kms.server.uin;
});
afterAll(async () => {
  await kms.stop();
});

async function newCmk(alias: string): Promise<string> {
  return (await kms.call("CreateKey", { Alias: alias })).KeyId as string;
}

/** The API error code a promise rejects with. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isKmsError(e)) return e.kmsErrorCode;
    throw e;
  }
  throw new Error("expected a KmsError");
}

describe("create, read, rotate", () => {
  it("a data key is 32 random bytes sealed under its CMK: its stored blob decrypts through the API to the same bytes", async () => {
    const keyId = await newCmk("hdk-1");
    const v = await kms.server.dataKeys.create({ uin, keyId, name: "mnt-1", product: "mariadb" });
    expect(v.dataKey).toMatchObject({ keyId, name: "mnt-1", keyState: "Enabled", numberOfBytes: 32, owner: "mariadb", currentVersion: 1, origin: "TENCENT_KMS" });
    expect(v.versions.map((x) => x.version)).toEqual([1]);
    const read = await kms.server.dataKeys.readVersion(uin, v.dataKey.dataKeyId);
    expect(read.version).toBe(1);
    expect(read.plaintext.length).toBe(32);
    const stored = await kms.server.store.getDataKeyVersion(v.dataKey.dataKeyId, 1);
    expect(Buffer.from(stored!.ciphertextBlob).includes(Buffer.from(read.plaintext))).toBe(false);
    const viaApi = await kms.call("Decrypt", { CiphertextBlob: Buffer.from(stored!.ciphertextBlob).toString("base64") });
    expect(viaApi.KeyId).toBe(keyId);
    expect(unb64(viaApi.Plaintext)).toEqual(Buffer.from(read.plaintext));
  });

  it("rotation adds a version with new material; every old version stays readable, also after the CMK rotates", async () => {
    const keyId = await newCmk("hdk-rot");
    const { dataKey } = await kms.server.dataKeys.create({ uin, keyId, name: "rot-1" });
    const v1 = (await kms.server.dataKeys.readVersion(uin, dataKey.dataKeyId)).plaintext;
    await kms.call("EnableKeyRotation", { KeyId: keyId });
    await kms.call("RotateKey", { KeyId: keyId });
    const after = await kms.server.dataKeys.rotate(uin, dataKey.dataKeyId);
    expect(after.dataKey.currentVersion).toBe(2);
    expect(after.versions.map((x) => x.version)).toEqual([1, 2]);
    const current = await kms.server.dataKeys.readVersion(uin, dataKey.dataKeyId);
    expect(current.version).toBe(2);
    expect(Buffer.from(current.plaintext).equals(Buffer.from(v1))).toBe(false);
    expect((await kms.server.dataKeys.readVersion(uin, dataKey.dataKeyId, 1)).plaintext).toEqual(v1);
    expect(await codeOf(kms.server.dataKeys.readVersion(uin, dataKey.dataKeyId, 3))).toBe("ResourceUnavailable.DataKeyNotFound");
  });

  it("getOrCreate makes one data key for concurrent first reads and finds it afterwards", async () => {
    const keyId = await newCmk("hdk-goc");
    const input = { uin, keyId, name: "goc-1", product: "mariadb", binding: { productId: "mariadb", resourceId: "goc" } };
    const [a, b] = await Promise.all([kms.server.dataKeys.getOrCreate(input), kms.server.dataKeys.getOrCreate(input)]);
    expect(a.dataKey.dataKeyId).toBe(b.dataKey.dataKeyId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const again = await kms.server.dataKeys.getOrCreate(input);
    expect(again).toMatchObject({ created: false, dataKey: { dataKeyId: a.dataKey.dataKeyId } });
    expect((await kms.server.dataKeys.get(uin, "goc-1"))?.dataKey.dataKeyId).toBe(a.dataKey.dataKeyId);
    expect(await kms.server.dataKeys.get(uin, "no-such-name")).toBeUndefined();
    const other = await newCmk("hdk-goc-2");
    expect(await codeOf(kms.server.dataKeys.getOrCreate({ ...input, keyId: other }))).toBe("InvalidParameterValue.DataKeyNameAlreadyExists");
    expect(await kms.server.store.listCloudBindings({ keyId })).toMatchObject([{ productId: "mariadb", resourceId: "goc" }]);
    const disabled = await newCmk("hdk-goc-3");
    await kms.call("DisableKey", { KeyId: disabled });
    expect(await codeOf(kms.server.dataKeys.getOrCreate({ ...input, name: "goc-3", keyId: disabled }))).toBe("ResourceUnavailable.CmkDisabled");
    expect(await kms.server.store.listCloudBindings({ keyId: disabled })).toEqual([]);
  });

  it("refuses bad names, lengths and accounts", async () => {
    const keyId = await newCmk("hdk-bad");
    expect(await codeOf(kms.server.dataKeys.create({ uin, keyId, name: "" }))).toBe("InvalidParameterValue.InvalidDataKeyName");
    expect(await codeOf(kms.server.dataKeys.create({ uin, keyId, name: "has space" }))).toBe("InvalidParameterValue.InvalidDataKeyName");
    expect(await codeOf(kms.server.dataKeys.create({ uin, keyId: "nope", name: "x" }))).toBe("InvalidParameterValue.InvalidKeyId");
    expect(await codeOf(kms.server.dataKeys.create({ uin, keyId: "00000000-0000-4000-8000-000000000000", name: "x" }))).toBe("ResourceUnavailable.CmkNotFound");
    await expect(kms.server.dataKeys.create({ uin, keyId, name: "x", numberOfBytes: 0 })).rejects.toThrow(RangeError);
    await expect(kms.server.dataKeys.create({ uin: "abc", keyId, name: "x" })).rejects.toThrow(TypeError);
    expect(await codeOf(kms.server.dataKeys.create({ uin: "1", keyId, name: "x" }))).toBe("ResourceUnavailable.CmkNotFound");
  });
});

describe("the CMK and the data key withhold reads", () => {
  it("Disabled, Archived, PendingDelete CMK → refused; enabled again → readable", async () => {
    const keyId = await newCmk("hdk-withhold");
    const { dataKey } = await kms.server.dataKeys.create({ uin, keyId, name: "wh-1" });
    const read = () => kms.server.dataKeys.readVersion(uin, dataKey.dataKeyId);
    await kms.call("DisableKey", { KeyId: keyId });
    expect(await codeOf(read())).toBe("ResourceUnavailable.CmkDisabled");
    expect(await codeOf(kms.server.dataKeys.rotate(uin, dataKey.dataKeyId))).toBe("ResourceUnavailable.CmkDisabled");
    await kms.call("EnableKey", { KeyId: keyId });
    expect((await read()).plaintext.length).toBe(32);
    await kms.call("ArchiveKey", { KeyId: keyId });
    expect(await codeOf(read())).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.call("CancelKeyArchive", { KeyId: keyId });
    await kms.call("DisableKey", { KeyId: keyId });
    await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    expect(await codeOf(read())).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.call("CancelKeyDeletion", { KeyId: keyId });
    await kms.call("EnableKey", { KeyId: keyId });
    expect((await read()).plaintext.length).toBe(32);
  });
});

describe("service default keys", () => {
  it("one per product and account, marked Owner=<product>, alias kms-<product>; refuses disable, deletion, archive", async () => {
    const [a, b] = await Promise.all([kms.server.dataKeys.serviceKey(uin, "mariadb"), kms.server.dataKeys.serviceKey(uin, "mariadb")]);
    expect(a.keyId).toBe(b.keyId);
    const other = await kms.server.dataKeys.serviceKey(uin, "postgres");
    expect(other.keyId).not.toBe(a.keyId);
    const meta = (await kms.call("DescribeKey", { KeyId: a.keyId })).KeyMetadata;
    expect(meta).toMatchObject({ Owner: "mariadb", Alias: "kms-mariadb", KeyState: "Enabled", KeyUsage: "ENCRYPT_DECRYPT" });
    expect(await kms.fail("DisableKey", { KeyId: a.keyId })).toBe("FailedOperation.CmkUsedByCloudProduct");
    expect(await kms.fail("DisableKeys", { KeyIds: [a.keyId] })).toBe("FailedOperation.CmkUsedByCloudProduct");
    expect(await kms.fail("ScheduleKeyDeletion", { KeyId: a.keyId, PendingWindowInDays: 7 })).toBe("FailedOperation.CmkUsedByCloudProduct");
    expect(await kms.fail("ArchiveKey", { KeyId: a.keyId })).toBe("UnsupportedOperation.NotUserCreatedCmk");
    const listed = (await kms.call("ListKeys", { Limit: 200 })).Keys.map((k: { KeyId: string }) => k.KeyId);
    expect(listed).toEqual(expect.arrayContaining([a.keyId, other.keyId]));
    const services = (await kms.call("ListKeyDetail", { Role: 1, Limit: 200 })).KeyMetadatas;
    expect(services.map((k: { Owner: string }) => k.Owner).sort()).toEqual(["mariadb", "postgres"]);
    expect((await kms.call("ListKeys", { Role: 1 })).TotalCount).toBe(2);
    await expect(kms.server.dataKeys.serviceKey(uin, "user")).rejects.toThrow(TypeError);
    await expect(kms.server.dataKeys.serviceKey(uin, "bad name")).rejects.toThrow(TypeError);
  });
});
