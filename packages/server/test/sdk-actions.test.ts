/**
 * Every action of the walking skeleton through the official SDK's CommonClient against a running server:
 * success paths with real values, and the error codes each action can return.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b64, startServer, unb64, type Running } from "./_harness.js";

let kms: Running;
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

beforeAll(async () => {
  kms = await startServer({ edition: "sm" });
});
afterAll(async () => {
  await kms.stop();
});

async function newKey(alias: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await kms.call("CreateKey", { Alias: alias, ...extra })).KeyId as string;
}

describe("CreateKey", () => {
  it("creates an Enabled ENCRYPT_DECRYPT key and returns its fields", async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await kms.call("CreateKey", { Alias: "create-1", Description: "描述信息", Tags: [{ TagKey: "env", TagValue: "dev" }] });
    expect(r.KeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r).toMatchObject({ Alias: "create-1", Description: "描述信息", KeyState: "Enabled", KeyUsage: "ENCRYPT_DECRYPT", TagCode: 0, TagMsg: "ok" });
    expect(r.CreateTime).toBeGreaterThanOrEqual(before);
    expect(r.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    const d = (await kms.call("DescribeKey", { KeyId: r.KeyId })).KeyMetadata;
    expect(d).toMatchObject({
      KeyId: r.KeyId, Alias: "create-1", KeyState: "Enabled", KeyUsage: "ENCRYPT_DECRYPT", Type: 4, Origin: "TENCENT_KMS",
      Owner: "user", KeyRotationEnabled: false, DeletionDate: 0, ValidTo: 0, CreatorUin: Number(kms.server.uin),
      ResourceId: `creatorUin/${kms.server.uin}/${r.KeyId}`, NextRotateTime: r.CreateTime + 365 * 86400,
    });
  });
  it("accepts Type as a numeric string and an explicit KeyUsage", async () => {
    const r = await kms.call("CreateKey", { Alias: "create-2", Type: "1", KeyUsage: "ENCRYPT_DECRYPT" });
    expect(r.KeyState).toBe("Enabled");
    expect(r.Description).toBe("");
    expect(r.TagMsg).toBe("no tags to save");
  });
  it.each([
    [{ Alias: "create-1" }, "InvalidParameterValue.AliasAlreadyExists"],
    [{ Alias: "" }, "InvalidParameterValue.InvalidAlias"],
    [{ Alias: "-starts-with-dash" }, "InvalidParameterValue.InvalidAlias"],
    [{ Alias: "has space" }, "InvalidParameterValue.InvalidAlias"],
    [{ Alias: "a".repeat(61) }, "InvalidParameterValue.InvalidAlias"],
    [{ Alias: "kms-reserved" }, "InvalidParameterValue.InvalidAlias"],
    [{ Alias: "x1", KeyUsage: "SOMETHING" }, "InvalidParameterValue.InvalidKeyUsage"],
    [{ Alias: "x2", Type: 3 }, "InvalidParameterValue.InvalidType"],
    [{ Alias: "x3", HsmClusterId: "cls-hsm-1" }, "InvalidParameterValue.InvalidHsmClusterId"],
    [{ Alias: "x4", Tags: [{ TagKey: "a", TagValue: "1" }, { TagKey: "a", TagValue: "2" }] }, "InvalidParameterValue.TagKeysDuplicated"],
    [{ Alias: "x5", Description: "é".repeat(513) }, "InvalidParameter"],
    [{ Description: "no alias" }, "MissingParameter"],
    [{ Alias: "x6", Colour: "blue" }, "UnknownParameter"],
    [{ Alias: 42 }, "InvalidParameter"],
    [{ Alias: "x7", Type: "one" }, "InvalidParameter"],
  ])("%j → %s", async (params, code) => {
    expect(await kms.fail("CreateKey", params)).toBe(code);
  });
  it("an alias exactly 60 characters long is fine", async () => {
    expect((await kms.call("CreateKey", { Alias: "a".repeat(60) })).Alias).toBe("a".repeat(60));
  });
  it("creates every documented signing key usage, ECDSA384 and RSA_3072 included", async () => {
    for (const KeyUsage of ["ASYMMETRIC_SIGN_VERIFY_ECDSA384", "ASYMMETRIC_SIGN_VERIFY_RSA_3072"]) {
      const r = await kms.call("CreateKey", { Alias: `asym-${KeyUsage.slice(-8).toLowerCase()}`, KeyUsage });
      expect(r).toMatchObject({ KeyUsage, KeyState: "Enabled" });
      expect((await kms.call("DescribeKey", { KeyId: r.KeyId })).KeyMetadata.KeyUsage).toBe(KeyUsage);
    }
    expect(await kms.fail("CreateKey", { Alias: "asym-unknown", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ED25519" })).toBe("InvalidParameterValue.InvalidKeyUsage");
  });
  it("Type 2 creates an EXTERNAL key awaiting its material (byok.test.ts imports it)", async () => {
    const r = await kms.call("CreateKey", { Alias: "ext", Type: 2 });
    expect(r).toMatchObject({ KeyState: "PendingImport", KeyUsage: "ENCRYPT_DECRYPT" });
    expect((await kms.call("DescribeKey", { KeyId: r.KeyId })).KeyMetadata).toMatchObject({ Origin: "EXTERNAL", KeyState: "PendingImport", ValidTo: 0 });
  });
});

describe("LimitExceeded.CmkLimitExceeded", () => {
  it("refuses the key beyond the account quota", async () => {
    const small = await startServer({ limits: { maxKeysPerAccount: 2 } });
    try {
      await small.call("CreateKey", { Alias: "q1" });
      await small.call("CreateKey", { Alias: "q2" });
      expect(await small.fail("CreateKey", { Alias: "q3" })).toBe("LimitExceeded.CmkLimitExceeded");
      expect((await small.call("GetServiceStatus")).CmkUserCount).toBe(2);
    } finally {
      await small.stop();
    }
  });
});

describe("DescribeKey / DescribeKeys", () => {
  it("DescribeKeys returns metadata in the order asked", async () => {
    const a = await newKey("desc-a"), b = await newKey("desc-b");
    const r = await kms.call("DescribeKeys", { KeyIds: [b, a] });
    expect(r.KeyMetadatas.map((m: { KeyId: string }) => m.KeyId)).toEqual([b, a]);
  });
  it.each([
    ["DescribeKey", { KeyId: "not-a-key" }, "InvalidParameterValue.InvalidKeyId"],
    ["DescribeKey", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["DescribeKey", {}, "MissingParameter"],
    ["DescribeKey", { KeyId: ["x"] }, "InvalidParameter"],
    ["DescribeKeys", { KeyIds: [] }, "InvalidParameter"],
    ["DescribeKeys", { KeyIds: [UNKNOWN, UNKNOWN] }, "InvalidParameterValue.DuplicatedKeyId"],
    ["DescribeKeys", { KeyIds: [UNKNOWN] }, "ResourceUnavailable.CmkNotFound"],
    ["DescribeKeys", { KeyIds: ["bad"] }, "InvalidParameterValue.InvalidKeyId"],
    ["DescribeKeys", { KeyIds: Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`) }, "InvalidParameter"],
    ["DescribeKeys", { KeyIds: "x" }, "InvalidParameter"],
  ])("%s %j → %s", async (action, params, code) => {
    expect(await kms.fail(action, params)).toBe(code);
  });
  it("MemberAccount is refused rather than ignored", async () => {
    const id = await newKey("member");
    expect(await kms.fail("DescribeKey", { KeyId: id, MemberAccount: { Uin: "1" } })).toBe("UnsupportedOperation");
  });
});

describe("UpdateAlias / UpdateKeyDescription", () => {
  it("renames and re-describes", async () => {
    const id = await newKey("rename-me");
    await kms.call("UpdateAlias", { KeyId: id, Alias: "renamed" });
    await kms.call("UpdateKeyDescription", { KeyId: id, Description: "new text" });
    expect((await kms.call("DescribeKey", { KeyId: id })).KeyMetadata).toMatchObject({ Alias: "renamed", Description: "new text" });
    // the old alias is free again
    await newKey("rename-me");
  });
  it.each([
    ["UpdateAlias", { Alias: "create-1" }, "InvalidParameterValue.AliasAlreadyExists"],
    ["UpdateAlias", { Alias: "bad alias" }, "InvalidParameterValue.InvalidAlias"],
    ["UpdateAlias", { Alias: "ok", KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["UpdateAlias", { Alias: "ok", KeyId: "zzz" }, "InvalidParameterValue.InvalidKeyId"],
    ["UpdateAlias", { KeyId: UNKNOWN }, "MissingParameter"],
    ["UpdateKeyDescription", { Description: "x".repeat(1025) }, "InvalidParameter"],
    ["UpdateKeyDescription", { Description: "x", KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["UpdateKeyDescription", { KeyId: UNKNOWN }, "MissingParameter"],
  ])("%s %j → %s", async (action, params, code) => {
    const id = await newKey(`upd-${Math.random().toString(36).slice(2, 10)}`);
    expect(await kms.fail(action, { KeyId: id, ...params })).toBe(code);
  });
});

describe("EnableKey / DisableKey / EnableKeys / DisableKeys", () => {
  it("disables and enables, singly and in batches, and a disabled key refuses crypto", async () => {
    const a = await newKey("toggle-a"), b = await newKey("toggle-b");
    const blob = (await kms.call("Encrypt", { KeyId: a, Plaintext: b64("hi") })).CiphertextBlob;
    await kms.call("DisableKey", { KeyId: a });
    expect((await kms.call("DescribeKey", { KeyId: a })).KeyMetadata.KeyState).toBe("Disabled");
    expect(await kms.fail("Encrypt", { KeyId: a, Plaintext: b64("hi") })).toBe("ResourceUnavailable.CmkDisabled");
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkDisabled");
    expect(await kms.fail("GenerateDataKey", { KeyId: a, KeySpec: "AES_256" })).toBe("ResourceUnavailable.CmkDisabled");
    expect(await kms.fail("ReEncrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkDisabled");
    await kms.call("DisableKey", { KeyId: a }); // idempotent
    await kms.call("EnableKey", { KeyId: a });
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("hi");
    await kms.call("EnableKey", { KeyId: a }); // idempotent
    await kms.call("DisableKeys", { KeyIds: [a, b] });
    const states = (await kms.call("DescribeKeys", { KeyIds: [a, b] })).KeyMetadatas.map((m: { KeyState: string }) => m.KeyState);
    expect(states).toEqual(["Disabled", "Disabled"]);
    await kms.call("EnableKeys", { KeyIds: [a, b] });
    const after = (await kms.call("DescribeKeys", { KeyIds: [a, b] })).KeyMetadatas.map((m: { KeyState: string }) => m.KeyState);
    expect(after).toEqual(["Enabled", "Enabled"]);
  });
  it("a batch with one bad id changes nothing", async () => {
    const a = await newKey("batch-a");
    expect(await kms.fail("DisableKeys", { KeyIds: [a, UNKNOWN] })).toBe("ResourceUnavailable.CmkNotFound");
    expect((await kms.call("DescribeKey", { KeyId: a })).KeyMetadata.KeyState).toBe("Enabled");
  });
  it.each([
    ["EnableKey", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["EnableKey", { KeyId: "x" }, "InvalidParameterValue.InvalidKeyId"],
    ["DisableKey", { KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    ["DisableKey", {}, "MissingParameter"],
    ["EnableKeys", { KeyIds: [UNKNOWN, UNKNOWN] }, "InvalidParameterValue.DuplicatedKeyId"],
    ["DisableKeys", { KeyIds: ["nope"] }, "InvalidParameterValue.InvalidKeyId"],
    ["DisableKeys", { KeyIds: [] }, "InvalidParameter"],
  ])("%s %j → %s", async (action, params, code) => {
    expect(await kms.fail(action, params)).toBe(code);
  });
});

describe("ListKeys / ListKeyDetail", () => {
  let ids: string[];
  let lister: Running;
  beforeAll(async () => {
    lister = await startServer({ edition: "fips" });
    ids = [];
    for (let i = 0; i < 5; i++) ids.push((await lister.call("CreateKey", { Alias: `list-${i}`, Tags: [{ TagKey: "team", TagValue: i % 2 ? "odd" : "even" }] })).KeyId);
    await lister.call("DisableKey", { KeyId: ids[1] });
  });
  afterAll(async () => lister.stop());

  it("ListKeys pages newest first", async () => {
    const all = await lister.call("ListKeys", {});
    expect(all.TotalCount).toBe(5);
    expect(all.Keys.map((k: { KeyId: string }) => k.KeyId)).toEqual([...ids].reverse());
    const page = await lister.call("ListKeys", { Offset: 1, Limit: 2 });
    expect(page.Keys.map((k: { KeyId: string }) => k.KeyId)).toEqual([ids[3], ids[2]]);
    expect(page.TotalCount).toBe(5);
    expect((await lister.call("ListKeys", { Role: 1 })).TotalCount).toBe(0);
  });
  it("ListKeyDetail filters by state, alias search, tags, origin and usage, and orders", async () => {
    const asc = await lister.call("ListKeyDetail", { OrderType: 1, Limit: 200 });
    expect(asc.KeyMetadatas.map((m: { KeyId: string }) => m.KeyId)).toEqual(ids);
    expect(asc.KeyMetadatas[0].Type).toBe(2); // fips edition
    const disabled = await lister.call("ListKeyDetail", { KeyState: 2 });
    expect(disabled.TotalCount).toBe(1);
    expect(disabled.KeyMetadatas[0].KeyId).toBe(ids[1]);
    expect((await lister.call("ListKeyDetail", { KeyState: 1 })).TotalCount).toBe(4);
    expect((await lister.call("ListKeyDetail", { KeyState: 3 })).TotalCount).toBe(0);
    expect((await lister.call("ListKeyDetail", { SearchKeyAlias: "LIST-3" })).KeyMetadatas[0].KeyId).toBe(ids[3]);
    expect((await lister.call("ListKeyDetail", { SearchKeyAlias: ids[4]!.slice(0, 13) })).KeyMetadatas[0].KeyId).toBe(ids[4]);
    const odd = await lister.call("ListKeyDetail", { TagFilters: [{ TagKey: "team", TagValue: ["odd"] }], OrderType: 1 });
    expect(odd.KeyMetadatas.map((m: { KeyId: string }) => m.KeyId)).toEqual([ids[1], ids[3]]);
    expect((await lister.call("ListKeyDetail", { TagFilters: [{ TagKey: "team" }] })).TotalCount).toBe(5);
    expect((await lister.call("ListKeyDetail", { TagFilters: [{ TagKey: "other" }] })).TotalCount).toBe(0);
    expect((await lister.call("ListKeyDetail", { Origin: "EXTERNAL" })).TotalCount).toBe(0);
    expect((await lister.call("ListKeyDetail", { Origin: "TENCENT_KMS" })).TotalCount).toBe(5);
    expect((await lister.call("ListKeyDetail", { KeyUsage: "ASYMMETRIC_DECRYPT_SM2" })).TotalCount).toBe(0);
    expect((await lister.call("ListKeyDetail", { KeyUsage: "ALL" })).TotalCount).toBe(5);
    expect((await lister.call("ListKeyDetail", { Offset: "4", Limit: "10" })).KeyMetadatas.length).toBe(1);
  });
  it.each([
    ["ListKeys", { Limit: 201 }, "InvalidParameter"],
    ["ListKeys", { Offset: -1 }, "InvalidParameter"],
    ["ListKeys", { Role: 2 }, "InvalidParameter"],
    ["ListKeys", { HsmClusterId: "cls-hsm-x" }, "InvalidParameterValue.InvalidHsmClusterId"],
    ["ListKeys", { Extra: 1 }, "UnknownParameter"],
    ["ListKeyDetail", { KeyState: 6 }, "InvalidParameter"],
    ["ListKeyDetail", { OrderType: 2 }, "InvalidParameter"],
    ["ListKeyDetail", { Origin: "external" }, "InvalidParameter"],
    ["ListKeyDetail", { KeyUsage: "NOPE" }, "InvalidParameter"],
    ["ListKeyDetail", { Limit: "abc" }, "InvalidParameter"],
    ["ListKeyDetail", { HsmClusterId: "cls-hsm-x" }, "InvalidParameterValue.InvalidHsmClusterId"],
  ])("%s %j → %s", async (action, params, code) => {
    expect(await lister.fail(action, params)).toBe(code);
  });
});

describe("Encrypt / Decrypt", () => {
  it("round-trips 1 and 4096 bytes; Decrypt needs no KeyId", async () => {
    const id = await newKey("enc-1");
    for (const n of [1, 4096]) {
      const pt = Buffer.alloc(n, 0xab);
      const r = await kms.call("Encrypt", { KeyId: id, Plaintext: pt.toString("base64") });
      expect(r.KeyId).toBe(id);
      expect(unb64(r.CiphertextBlob).length).toBe(22 + 12 + n + 16);
      const d = await kms.call("Decrypt", { CiphertextBlob: r.CiphertextBlob });
      expect(d.KeyId).toBe(id);
      expect(unb64(d.Plaintext).equals(pt)).toBe(true);
    }
  });
  it("two encryptions of the same plaintext differ (fresh nonce)", async () => {
    const id = await newKey("enc-2");
    const a = await kms.call("Encrypt", { KeyId: id, Plaintext: b64("same") });
    const b = await kms.call("Encrypt", { KeyId: id, Plaintext: b64("same") });
    expect(a.CiphertextBlob).not.toBe(b.CiphertextBlob);
  });
  it.each([
    [{ Plaintext: "" }, "InvalidParameterValue.InvalidPlaintext"],
    [{ Plaintext: Buffer.alloc(4097).toString("base64") }, "InvalidParameterValue.InvalidPlaintext"],
    [{ Plaintext: "not base64!" }, "InvalidParameterValue.InvalidPlaintext"],
    [{ Plaintext: "dGVzdAo" }, "InvalidParameterValue.InvalidPlaintext"],
    [{ Plaintext: "dGVzdAp=" }, "InvalidParameterValue.InvalidPlaintext"],
    [{ Plaintext: "dGVz dAo=" }, "InvalidParameterValue.InvalidPlaintext"],
    [{ Plaintext: "dGVzdA_-" }, "InvalidParameterValue.InvalidPlaintext"],
    [{ Plaintext: 12 }, "InvalidParameter"],
    [{ Plaintext: b64("x"), KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    [{ Plaintext: b64("x"), KeyId: "abc" }, "InvalidParameterValue.InvalidKeyId"],
    [{ Plaintext: b64("x"), EncryptionContext: "not json" }, "InvalidParameter"],
    [{ Plaintext: b64("x"), EncryptionContext: '["a"]' }, "InvalidParameter"],
    [{ Plaintext: b64("x"), EncryptionContext: '{"a":1}' }, "InvalidParameter"],
    [{ Plaintext: b64("x"), EncryptionContext: JSON.stringify({ k: "v".repeat(1020) }) }, "InvalidParameter"],
    [{ Plaintext: b64("x"), Foo: "bar" }, "UnknownParameter"],
    [{}, "MissingParameter"],
  ])("Encrypt %j → %s", async (params, code) => {
    const id = await newKey(`encbad-${Math.random().toString(36).slice(2, 10)}`);
    expect(await kms.fail("Encrypt", { KeyId: id, ...params })).toBe(code);
  });
  it("4096 bytes is the limit: 4096 encrypts, 4097 does not", async () => {
    const id = await newKey("enc-limit");
    await kms.call("Encrypt", { KeyId: id, Plaintext: Buffer.alloc(4096).toString("base64") });
    expect(await kms.fail("Encrypt", { KeyId: id, Plaintext: Buffer.alloc(4097).toString("base64") })).toBe("InvalidParameterValue.InvalidPlaintext");
  });
});

describe("ReEncrypt", () => {
  it("same key, not rotated, same context → original blob, ReEncrypted false", async () => {
    const id = await newKey("re-1");
    const blob = (await kms.call("Encrypt", { KeyId: id, Plaintext: b64("secret") })).CiphertextBlob;
    const r = await kms.call("ReEncrypt", { CiphertextBlob: blob });
    expect(r).toMatchObject({ CiphertextBlob: blob, KeyId: id, SourceKeyId: id, ReEncrypted: false });
  });
  it("to another key and another context", async () => {
    const a = await newKey("re-a"), b = await newKey("re-b");
    const blob = (await kms.call("Encrypt", { KeyId: a, Plaintext: b64("secret"), EncryptionContext: '{"app":"x"}' })).CiphertextBlob;
    const r = await kms.call("ReEncrypt", {
      CiphertextBlob: blob, DestinationKeyId: b, SourceEncryptionContext: '{"app":"x"}', DestinationEncryptionContext: '{"app":"y"}',
    });
    expect(r).toMatchObject({ KeyId: b, SourceKeyId: a, ReEncrypted: true });
    expect(await kms.fail("Decrypt", { CiphertextBlob: r.CiphertextBlob, EncryptionContext: '{"app":"x"}' })).toBe("InvalidParameterValue.InvalidCiphertext");
    const d = await kms.call("Decrypt", { CiphertextBlob: r.CiphertextBlob, EncryptionContext: '{"app":"y"}' });
    expect(d.KeyId).toBe(b);
    expect(unb64(d.Plaintext).toString()).toBe("secret");
    // same key, new context → re-encrypted
    const same = await kms.call("ReEncrypt", { CiphertextBlob: blob, SourceEncryptionContext: '{"app":"x"}' });
    expect(same.ReEncrypted).toBe(true);
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: same.CiphertextBlob })).Plaintext).toString()).toBe("secret");
  });
  it.each([
    [{ SourceEncryptionContext: '{"app":"wrong"}' }, "InvalidParameterValue.InvalidCiphertext"],
    [{ DestinationKeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    [{ DestinationKeyId: "bad" }, "InvalidParameterValue.InvalidKeyId"],
    [{ CiphertextBlob: "####" }, "InvalidParameterValue.InvalidCiphertext"],
    [{ CiphertextBlob: undefined }, "MissingParameter"],
    [{ DestinationEncryptionContext: "{" }, "InvalidParameter"],
  ])("%j → %s", async (params, code) => {
    const id = await newKey(`rebad-${Math.random().toString(36).slice(2, 10)}`);
    const blob = (await kms.call("Encrypt", { KeyId: id, Plaintext: b64("s") })).CiphertextBlob;
    expect(await kms.fail("ReEncrypt", { CiphertextBlob: blob, ...params })).toBe(code);
  });
});

describe("GenerateDataKey", () => {
  it.each([
    [{ KeySpec: "AES_128" }, 16],
    [{ KeySpec: "AES_256" }, 32],
    [{ NumberOfBytes: 1 }, 1],
    [{ NumberOfBytes: "1024" }, 1024],
    [{ KeySpec: "AES_128", NumberOfBytes: 48 }, 48],
  ])("%j → %i-byte DEK whose blob decrypts to it", async (params, n) => {
    const id = await newKey(`gdk-${n}-${Math.random().toString(36).slice(2, 8)}`);
    const r = await kms.call("GenerateDataKey", { KeyId: id, ...params });
    expect(unb64(r.Plaintext).length).toBe(n);
    expect(r.KeyId).toBe(id);
    const d = await kms.call("Decrypt", { CiphertextBlob: r.CiphertextBlob });
    expect(d.Plaintext).toBe(r.Plaintext);
  });
  it.each([
    [{}, "InvalidParameter"],
    [{ KeySpec: "AES_512" }, "InvalidParameter"],
    [{ NumberOfBytes: 0 }, "InvalidParameter"],
    [{ NumberOfBytes: 1025 }, "InvalidParameter"],
    [{ NumberOfBytes: 1.5 }, "InvalidParameter"],
    [{ KeySpec: "AES_256", EncryptionContext: "[]" }, "InvalidParameter"],
    [{ KeySpec: "AES_256", EncryptionAlgorithm: "SM2" }, "InvalidParameter"],
    [{ KeySpec: "AES_256", EncryptionAlgorithm: "RSA_WEIRD", EncryptionPublicKey: "x" }, "InvalidParameter"],
    [{ KeySpec: "AES_256", IsHostedByKms: 1 }, "InvalidParameterValue.InvalidDataKeyName"], // hosted: data-keys.test.ts
    [{ KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "bad name" }, "InvalidParameterValue.InvalidDataKeyName"],
    [{ KeySpec: "AES_256", IsHostedByKms: 2, DataKeyName: "n" }, "InvalidParameter"],
    [{ KeySpec: "AES_256", HsmClusterId: "c" }, "InvalidParameterValue.InvalidHsmClusterId"],
    [{ KeySpec: "AES_256", KeyId: UNKNOWN }, "ResourceUnavailable.CmkNotFound"],
    [{ KeySpec: "AES_256", KeyId: "x" }, "InvalidParameterValue.InvalidKeyId"],
  ])("%j → %s", async (params, code) => {
    const id = await newKey(`gdkbad-${Math.random().toString(36).slice(2, 10)}`);
    expect(await kms.fail("GenerateDataKey", { KeyId: id, ...params })).toBe(code);
  });
});

describe("GenerateRandom", () => {
  it("returns exactly NumberOfBytes random bytes", async () => {
    for (const n of [1, 16, "32", 1024]) {
      const r = await kms.call("GenerateRandom", { NumberOfBytes: n });
      expect(unb64(r.Plaintext).length).toBe(Number(n));
    }
    const a = await kms.call("GenerateRandom", { NumberOfBytes: 32 });
    const b = await kms.call("GenerateRandom", { NumberOfBytes: 32 });
    expect(a.Plaintext).not.toBe(b.Plaintext);
  });
  it.each([[{ NumberOfBytes: 0 }], [{ NumberOfBytes: 1025 }], [{ NumberOfBytes: "x" }], [{ NumberOfBytes: -1 }], [{ NumberOfBytes: true }]])(
    "%j → InvalidParameter",
    async (params) => {
      expect(await kms.fail("GenerateRandom", params)).toBe("InvalidParameter");
    },
  );
  it("missing NumberOfBytes → MissingParameter", async () => {
    expect(await kms.fail("GenerateRandom", {})).toBe("MissingParameter");
  });
});

describe("ListAlgorithms / GetServiceStatus / GetRegions", () => {
  it("ListAlgorithms lists SM4 in the sm edition", async () => {
    const r = await kms.call("ListAlgorithms");
    expect(r.SymmetricAlgorithms).toEqual([{ Algorithm: "SM4", KeyUsage: "ENCRYPT_DECRYPT" }]);
    expect(Array.isArray(r.AsymmetricAlgorithms)).toBe(true);
    expect(Array.isArray(r.AsymmetricSignVerifyAlgorithms)).toBe(true);
  });
  it("GetServiceStatus says the service is on", async () => {
    const r = await kms.call("GetServiceStatus");
    expect(r).toMatchObject({ ServiceEnabled: true, InvalidType: 1, UserLevel: 0, ExclusiveHSMEnabled: false, ExclusiveVSMEnabled: false, CmkLimit: 10000 });
    expect(r.CmkUserCount).toBeGreaterThan(0);
  });
  it("GetRegions returns the served region", async () => {
    expect((await kms.call("GetRegions")).Regions).toEqual(["ap-guangzhou"]);
  });
  it.each(["ListAlgorithms", "GetServiceStatus", "GetRegions"])("%s refuses unknown parameters", async (action) => {
    expect(await kms.fail(action, { Unexpected: 1 })).toBe("UnknownParameter");
  });
});
