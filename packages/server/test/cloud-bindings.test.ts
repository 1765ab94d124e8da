/**
 * BindCloudResource / UnbindCloudResource (reference §3.11) through the official SDK: a bound CMK cannot be scheduled
 * for deletion nor lose its imported material, but can be disabled; bindings show in `openkms admin list`
 * (withCloudBindings); a data dir made before data keys existed still opens.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withCloudBindings } from "../src/index.js";
import { wrapWithNode } from "./_byok.js";
import { openAdmin, startServer, unb64, type Running } from "./_harness.js";

let kms: Running;
let counter = 0;
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

beforeAll(async () => {
  kms = await startServer({ edition: "sm" });
});
afterAll(async () => {
  await kms.stop();
});

const newCmk = async (extra: Record<string, unknown> = {}) => (await kms.call("CreateKey", { Alias: `bind-${++counter}`, ...extra })).KeyId as string;

describe("BindCloudResource / UnbindCloudResource", () => {
  it("a bound CMK can be disabled but not scheduled for deletion until every binding is gone", async () => {
    const keyId = await newCmk();
    expect(Object.keys(await kms.call("BindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "db-1" }))).toEqual(["RequestId"]);
    await kms.call("BindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "db-1" }); // again: still fine
    await kms.call("BindCloudResource", { KeyId: keyId.toUpperCase(), ProductId: "cos", ResourceId: "bucket/a b" });
    expect(await kms.server.store.listCloudBindings({ keyId })).toMatchObject([
      { productId: "mariadb", resourceId: "db-1" }, { productId: "cos", resourceId: "bucket/a b" },
    ]);
    expect(await kms.fail("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 })).toBe("FailedOperation.CmkUsedByCloudProduct");
    await kms.call("DisableKey", { KeyId: keyId });
    expect((await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata.KeyState).toBe("Disabled");
    expect(await kms.fail("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 })).toBe("FailedOperation.CmkUsedByCloudProduct");
    await kms.call("UnbindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "db-1" });
    expect(await kms.fail("UnbindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "db-1" })).toBe("ResourceUnavailable.CloudResourceBindingNotFound");
    expect(await kms.fail("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 })).toBe("FailedOperation.CmkUsedByCloudProduct");
    await kms.call("UnbindCloudResource", { KeyId: keyId, ProductId: "cos", ResourceId: "bucket/a b" });
    const s = await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    expect(s.KeyId).toBe(keyId);
    expect(await kms.fail("BindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "db-1" })).toBe("ResourceUnavailable.CmkStateNotSupport");
  });

  it("shows in openkms admin list under the account (withCloudBindings), and DescribeKey's metadata is Tencent's", async () => {
    const keyId = await newCmk();
    await kms.call("BindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "listed" });
    const { admin, dir, close } = await openAdmin(kms);
    try {
      const listed = await withCloudBindings(dir.store, await admin.list());
      const root = listed.find((p) => p.Uin === kms.server.uin)!;
      expect(root.CloudBindings).toEqual(expect.arrayContaining([{ KeyId: keyId, ProductId: "mariadb", ResourceId: "listed", CreateTime: expect.any(Number) }]));
    } finally {
      await close();
    }
    const meta = (await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata;
    expect(meta).toMatchObject({ KeyId: keyId, Owner: "user", KeyState: "Enabled" });
  });

  it("an imported key: binding cancels the material's expiry (ValidTo 0) and refuses DeleteImportedKeyMaterial", async () => {
    const keyId = await newCmk({ Type: 2 });
    const params = await kms.call("GetParametersForImport", { KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
    const material = Buffer.alloc(16, 0x42);
    const validTo = Math.floor(Date.now() / 1000) + 30 * 86400;
    await kms.call("ImportKeyMaterial", {
      KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapWithNode(params.PublicKey, "RSAES_OAEP_SHA_256", material), ValidTo: validTo,
    });
    expect((await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata.ValidTo).toBe(validTo);
    await kms.call("BindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "byok" });
    expect((await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata.ValidTo).toBe(0);
    expect(await kms.fail("DeleteImportedKeyMaterial", { KeyId: keyId })).toBe("FailedOperation.CmkUsedByCloudProduct");
    await kms.call("UnbindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "byok" });
    await kms.call("DeleteImportedKeyMaterial", { KeyId: keyId });
    expect(await kms.fail("BindCloudResource", { KeyId: keyId, ProductId: "mariadb", ResourceId: "byok" })).toBe("ResourceUnavailable.CmkStateNotSupport");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["malformed KeyId", { KeyId: "nope", ProductId: "p", ResourceId: "r" }, "InvalidParameterValue.InvalidKeyId"],
    ["unknown KeyId", { KeyId: UNKNOWN, ProductId: "p", ResourceId: "r" }, "ResourceUnavailable.CmkNotFound"],
    ["empty ProductId", { ProductId: "", ResourceId: "r" }, "InvalidParameter"],
    ["ProductId with a space", { ProductId: "my product", ResourceId: "r" }, "InvalidParameter"],
    ["ProductId of 65 characters", { ProductId: "p".repeat(65), ResourceId: "r" }, "InvalidParameter"],
    ["empty ResourceId", { ProductId: "p", ResourceId: "" }, "InvalidParameter"],
    ["ResourceId of 257 characters", { ProductId: "p", ResourceId: "r".repeat(257) }, "InvalidParameter"],
    ["ResourceId with a control character", { ProductId: "p", ResourceId: "a\nb" }, "InvalidParameter"],
    ["missing ResourceId", { ProductId: "p" }, "MissingParameter"],
    ["missing ProductId", { ResourceId: "r" }, "MissingParameter"],
    ["unknown parameter", { ProductId: "p", ResourceId: "r", Region: "x" }, "UnknownParameter"],
    ["ProductId not a string", { ProductId: 7, ResourceId: "r" }, "InvalidParameter"],
  ])("%s → %s (Bind and Unbind)", async (_n, params, code) => {
    const keyId = await newCmk();
    expect(await kms.fail("BindCloudResource", { KeyId: keyId, ...params })).toBe(code);
    expect(await kms.fail("UnbindCloudResource", { KeyId: keyId, ...params })).toBe(code);
  });

  it("UnbindCloudResource of an unknown binding → CloudResourceBindingNotFound; another account cannot see the key", async () => {
    const keyId = await newCmk();
    expect(await kms.fail("UnbindCloudResource", { KeyId: keyId, ProductId: "p", ResourceId: "r" })).toBe("ResourceUnavailable.CloudResourceBindingNotFound");
    expect(await kms.fail("BindCloudResource", { KeyId: UNKNOWN, ProductId: "p", ResourceId: "r" })).toBe("ResourceUnavailable.CmkNotFound");
  });
});

describe("schema migration", () => {
  it("a data dir without the data-key tables (made before they existed) opens and gains them", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "openkms-migrate-"));
    try {
      const first = await startServer({ dataDir });
      const keyId = (await first.call("CreateKey", { Alias: "old" })).KeyId;
      const blob = (await first.call("Encrypt", { KeyId: keyId, Plaintext: Buffer.from("kept").toString("base64") })).CiphertextBlob;
      await first.stop();
      const db = new Database(join(dataDir, "openkms.db"));
      db.exec("DROP TABLE data_key_versions; DROP TABLE data_keys; DROP TABLE cloud_bindings;");
      db.close();
      const second = await startServer({ dataDir });
      try {
        expect(unb64((await second.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("kept");
        const r = await second.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "after-upgrade" });
        expect((await second.call("DescribeDataKey", { DataKeyId: r.DataKeyId })).DataKeyMetadata.DataKeyName).toBe("after-upgrade");
        await second.call("BindCloudResource", { KeyId: keyId, ProductId: "p", ResourceId: "r" });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
