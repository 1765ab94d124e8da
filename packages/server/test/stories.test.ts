/**
 * SPEC §1 flows 1 (sensitive data) and 2 (envelope encryption) as stories, in both editions, through the official
 * SDK; then a restart keeps every key and every ciphertext decryptable; and a table of broken blobs.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b64, startServer, unb64, type Running } from "./_harness.js";

describe.each(["sm", "fips"] as const)("edition %s", (edition) => {
  let kms: Running;
  beforeAll(async () => {
    kms = await startServer({ edition });
  });
  afterAll(async () => kms.stop());

  it("flow 1: CreateKey → Encrypt → store blob → Decrypt (no KeyId) → same bytes; context binds", async () => {
    const { KeyId } = await kms.call("CreateKey", { Alias: `secrets-${edition}`, Description: "database passwords" });
    const meta = (await kms.call("DescribeKey", { KeyId })).KeyMetadata;
    expect(meta.Type).toBe(edition === "sm" ? 4 : 2);
    expect((await kms.call("ListAlgorithms")).SymmetricAlgorithms[0].Algorithm).toBe(edition === "sm" ? "SM4" : "AES_256");

    const secret = Buffer.from("p@ssw0rd-for-prod-db\n");
    const enc = await kms.call("Encrypt", { KeyId, Plaintext: secret.toString("base64") });
    const stored = enc.CiphertextBlob as string; // what the service keeps
    expect(unb64(stored)[1]).toBe(edition === "sm" ? 1 : 2); // algorithm byte of the blob
    const dec = await kms.call("Decrypt", { CiphertextBlob: stored });
    expect(dec.KeyId).toBe(KeyId);
    expect(unb64(dec.Plaintext).equals(secret)).toBe(true);

    const ctx = '{"app":"billing","env":"prod"}';
    const withCtx = (await kms.call("Encrypt", { KeyId, Plaintext: secret.toString("base64"), EncryptionContext: ctx })).CiphertextBlob;
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: withCtx, EncryptionContext: ctx })).Plaintext).equals(secret)).toBe(true);
    // same pairs, other order and whitespace
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: withCtx, EncryptionContext: '{ "env": "prod", "app": "billing" }' })).Plaintext).equals(secret)).toBe(true);
    expect(await kms.fail("Decrypt", { CiphertextBlob: withCtx })).toBe("InvalidParameterValue.InvalidCiphertext");
    expect(await kms.fail("Decrypt", { CiphertextBlob: withCtx, EncryptionContext: '{"app":"billing","env":"dev"}' })).toBe("InvalidParameterValue.InvalidCiphertext");
    expect(await kms.fail("Decrypt", { CiphertextBlob: stored, EncryptionContext: ctx })).toBe("InvalidParameterValue.InvalidCiphertext");
    // length-prefixed canonical form: {"ab":"c"} is not {"a":"bc"}
    const ab = (await kms.call("Encrypt", { KeyId, Plaintext: b64("x"), EncryptionContext: '{"ab":"c"}' })).CiphertextBlob;
    expect(await kms.fail("Decrypt", { CiphertextBlob: ab, EncryptionContext: '{"a":"bc"}' })).toBe("InvalidParameterValue.InvalidCiphertext");
  });

  it("flow 2: GenerateDataKey → encrypt locally → keep only the encrypted DEK → Decrypt it → decrypt locally", async () => {
    const { KeyId } = await kms.call("CreateKey", { Alias: `envelope-${edition}` });
    const data = randomBytes(256 * 1024);
    const dk = await kms.call("GenerateDataKey", { KeyId, KeySpec: "AES_256", EncryptionContext: '{"file":"report.pdf"}' });
    let dek = unb64(dk.Plaintext);
    expect(dek.length).toBe(32);
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", dek, iv);
    const encrypted = Buffer.concat([c.update(data), c.final()]);
    const tag = c.getAuthTag();
    dek.fill(0);
    const kept = { encryptedDek: dk.CiphertextBlob as string, iv, tag, encrypted };

    const back = await kms.call("Decrypt", { CiphertextBlob: kept.encryptedDek, EncryptionContext: '{"file":"report.pdf"}' });
    dek = unb64(back.Plaintext);
    const d = createDecipheriv("aes-256-gcm", dek, kept.iv);
    d.setAuthTag(kept.tag);
    expect(Buffer.concat([d.update(kept.encrypted), d.final()]).equals(data)).toBe(true);

    const n = await kms.call("GenerateDataKey", { KeyId, NumberOfBytes: 24 });
    expect(unb64(n.Plaintext).length).toBe(24);
    expect((await kms.call("Decrypt", { CiphertextBlob: n.CiphertextBlob })).Plaintext).toBe(n.Plaintext);
  });

  it("restart keeps every key and every ciphertext decryptable", async () => {
    const { KeyId } = await kms.call("CreateKey", { Alias: `durable-${edition}` });
    const blob = (await kms.call("Encrypt", { KeyId, Plaintext: b64("survives restarts") })).CiphertextBlob;
    const dk = await kms.call("GenerateDataKey", { KeyId, KeySpec: "AES_128" });
    const before = (await kms.call("ListKeys", { Limit: 200 })).TotalCount;
    const credential = kms.server.credential;
    await kms.restart();
    expect(kms.server.credential).toEqual(credential);
    expect((await kms.call("ListKeys", { Limit: 200 })).TotalCount).toBe(before);
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("survives restarts");
    expect((await kms.call("Decrypt", { CiphertextBlob: dk.CiphertextBlob })).Plaintext).toBe(dk.Plaintext);
    expect((await kms.call("DescribeKey", { KeyId })).KeyMetadata.Alias).toBe(`durable-${edition}`);
  });
});

describe("broken blobs never decrypt and never crash", () => {
  let kms: Running;
  let blob: Buffer;
  let keyId: string;
  beforeAll(async () => {
    kms = await startServer();
    keyId = (await kms.call("CreateKey", { Alias: "victim" })).KeyId;
    blob = unb64((await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("do not leak me") })).CiphertextBlob);
  });
  afterAll(async () => kms.stop());

  const flip = (b: Buffer, i: number) => {
    const c = Buffer.from(b);
    c[i] = c[i]! ^ 0x01;
    return c;
  };
  it.each<[string, (b: Buffer) => string, string]>([
    ["flipped format version", (b) => flip(b, 0).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["flipped algorithm", (b) => flip(b, 1).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["flipped key version", (b) => flip(b, 21).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["flipped nonce", (b) => flip(b, 25).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["flipped ciphertext", (b) => flip(b, 36).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["flipped tag", (b) => flip(b, b.length - 1).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["truncated by one byte", (b) => b.subarray(0, b.length - 1).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["truncated to the header", (b) => b.subarray(0, 22).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["extended by one byte", (b) => Buffer.concat([b, Buffer.from([0])]).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
    ["key id of an unknown key", (b) => flip(b, 5).toString("base64"), "ResourceUnavailable.CmkNotFound"],
    ["not base64", () => "%%%not-base64%%%", "InvalidParameterValue.InvalidCiphertext"],
    ["base64 without padding", (b) => b.toString("base64").replace(/=+$/, "") + (b.length % 3 ? "" : "A"), "InvalidParameterValue.InvalidCiphertext"],
    ["empty string", () => "", "InvalidParameterValue.InvalidCiphertext"],
    ["Tencent-style blob", () => "GPJUsGlmPcSjHKIktXGyzn33yestz+7NteW36M6FuL8hPfJ1xVfdO6Akr8sF69x3yBXMwto4njumJMIsi9WKow==-k-XqqalxTyNKIC1rITRePFGQ==-k-GqsANzNxvjjXhKwJAOY85vxYYm/2RtsCXRq7Q1iWbCAoeAtZ", "InvalidParameterValue.InvalidCiphertext"],
    ["random 64 bytes", () => randomBytes(64).toString("base64"), "InvalidParameterValue.InvalidCiphertext"],
  ])("%s → %s", async (_name, make, code) => {
    expect(await kms.fail("Decrypt", { CiphertextBlob: make(blob) })).toBe(code);
    expect(await kms.fail("ReEncrypt", { CiphertextBlob: make(blob) })).toBe(code);
  });
  it("the intact blob still decrypts", async () => {
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob.toString("base64") })).Plaintext).toString()).toBe("do not leak me");
  });
  it("a blob of another key in the same account cannot be passed off with a swapped key id", async () => {
    const other = (await kms.call("CreateKey", { Alias: "other" })).KeyId as string;
    const swapped = Buffer.from(blob);
    Buffer.from(other.replace(/-/g, ""), "hex").copy(swapped, 2);
    expect(await kms.fail("Decrypt", { CiphertextBlob: swapped.toString("base64") })).toBe("InvalidParameterValue.InvalidCiphertext");
  });
});
