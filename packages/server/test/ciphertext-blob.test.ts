/**
 * The CiphertextBlob v1 format (docs/ciphertext-blob.md): frozen golden vectors that every release must still
 * decrypt — at the format layer and through a running server's Decrypt.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aeadFor } from "../src/edition.js";
import { blobAad, blobHeader, decodeBlob, MIN_BLOB_LENGTH } from "../src/keys/ciphertext-blob.js";
import { canonicalEncryptionContext } from "../src/keys/encryption-context.js";
import { materialLabel } from "../src/keys/symmetric.js";
import { rootKeyFromBytes } from "../src/root-key.js";
import { startServer, type Running } from "./_harness.js";

interface Golden {
  name: string; algorithm: string; materialHex: string; keyId: string; keyVersion: number;
  encryptionContext: string | null; canonicalContextHex: string; plaintextHex: string; ciphertextBlob: string;
}
const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, "golden/ciphertext-blob-v1.json"), "utf8")) as { vectors: Golden[] };
const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

describe("CiphertextBlob v1 golden vectors (format layer)", () => {
  it("has vectors", () => expect(golden.vectors.length).toBeGreaterThanOrEqual(3));
  it.each(golden.vectors.map((v) => [v.name, v] as const))("%s", (_n, v) => {
    const bytes = new Uint8Array(Buffer.from(v.ciphertextBlob, "base64"));
    const blob = decodeBlob(bytes);
    expect(blob.keyId).toBe(v.keyId);
    expect(blob.keyVersion).toBe(v.keyVersion);
    expect(blob.algorithm).toBe(v.algorithm === "SM4-GCM" ? 1 : 2);
    const ctx = canonicalEncryptionContext(v.encryptionContext ?? undefined);
    expect(Buffer.from(ctx).toString("hex")).toBe(v.canonicalContextHex);
    const aead = aeadFor(blob.algorithm)!;
    const pt = aead.open(hex(v.materialHex), blob.nonce, blob.sealed, blobAad(blobHeader(blob.algorithm, blob.keyId, blob.keyVersion), ctx));
    expect(Buffer.from(pt).toString("hex")).toBe(v.plaintextHex);
  });
  it("rejects truncated, versioned-wrong and zero-version blobs", () => {
    const bytes = new Uint8Array(Buffer.from(golden.vectors[0]!.ciphertextBlob, "base64"));
    expect(() => decodeBlob(bytes.subarray(0, MIN_BLOB_LENGTH - 1))).toThrow(/too short/);
    const v2 = bytes.slice(); v2[0] = 2;
    expect(() => decodeBlob(v2)).toThrow(/format version/);
    const v0 = bytes.slice(); v0.fill(0, 18, 22);
    expect(() => decodeBlob(v0)).toThrow(/key version 0/);
  });
});

describe("CiphertextBlob v1 golden vectors through a running server", () => {
  const rootKey = new Uint8Array(32).fill(7);
  let kms: Running;
  beforeAll(async () => {
    kms = await startServer({ rootKey: Buffer.from(rootKey).toString("base64") });
    const root = rootKeyFromBytes(rootKey);
    const byKey = new Map<string, Golden[]>();
    for (const v of golden.vectors) byKey.set(v.keyId, [...(byKey.get(v.keyId) ?? []), v]);
    for (const [keyId, vs] of byKey) {
      const [v, ...more] = vs as [Golden, ...Golden[]];
      const now = Math.floor(Date.now() / 1000);
      await kms.server.store.createKey(
        { keyId, uin: kms.server.uin, alias: `golden-${keyId.slice(0, 8)}`, description: "", keyState: "Enabled", keyUsage: "ENCRYPT_DECRYPT",
          origin: "TENCENT_KMS", keyType: 4, createTime: now, deletionDate: 0, validTo: 0, rotationEnabled: false, rotateDays: 365,
          nextRotateTime: 0, lastRotateTime: 0, currentVersion: Math.max(...vs.map((x) => x.keyVersion)), owner: "user", tags: [] },
        { keyId, version: v.keyVersion, algorithm: v.algorithm === "SM4-GCM" ? 1 : 2, wrappedMaterial: root.wrap(hex(v.materialHex), materialLabel(keyId, v.keyVersion)), publicKey: new Uint8Array(0), createTime: now },
      );
      for (const m of more) {
        await kms.server.store.addKeyVersion({ keyId, version: m.keyVersion, algorithm: m.algorithm === "SM4-GCM" ? 1 : 2, wrappedMaterial: root.wrap(hex(m.materialHex), materialLabel(keyId, m.keyVersion)), publicKey: new Uint8Array(0), createTime: now });
      }
    }
    root.close();
  });
  afterAll(async () => kms.stop());

  it.each(golden.vectors.map((v) => [v.name, v] as const))("Decrypt %s", async (_n, v) => {
    const params: Record<string, unknown> = { CiphertextBlob: v.ciphertextBlob };
    if (v.encryptionContext) params.EncryptionContext = v.encryptionContext;
    const r = await kms.call("Decrypt", params);
    expect(r.KeyId).toBe(v.keyId);
    expect(Buffer.from(r.Plaintext, "base64").toString("hex")).toBe(v.plaintextHex);
    if (v.encryptionContext) {
      // key order and whitespace do not matter
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(v.encryptionContext)).reverse()), null, 1);
      expect((await kms.call("Decrypt", { CiphertextBlob: v.ciphertextBlob, EncryptionContext: reordered })).Plaintext).toBe(r.Plaintext);
      expect(await kms.fail("Decrypt", { CiphertextBlob: v.ciphertextBlob })).toBe("InvalidParameterValue.InvalidCiphertext");
    }
  });
});
