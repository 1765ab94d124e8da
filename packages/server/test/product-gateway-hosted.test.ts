/**
 * The product gateway on the real hosted data keys (no stand-in): what a key read through `/v1/` is in the API's
 * terms — a hosted data key `<mount>-<name>` of 32 bytes, Owner = the product, listed by ListDataKeys Role 1, its
 * versions' plaintext the same bytes GetDataKeyPlaintext returns — and how the API's own switches withhold it: a
 * disabled data key, a CMK, and a mount made without --key-id, on the product's service default key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataDir, type DataDir } from "../src/index.js";
import { productAdminFor } from "../src/gateway/admin-for-data-dir.js";
import type { ProductAdmin } from "../src/gateway/product-admin.js";
import { queryAuditLog } from "../src/audit/query.js";
import { startServer, unb64, type Running } from "./_harness.js";

let kms: Running;
let dir: DataDir;
let admin: ProductAdmin;

async function vault(path: string, token: string) {
  const res = await fetch(`${kms.url}${path}`, { headers: { "X-Vault-Token": token } });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  kms = await startServer({ productGateway: { enabled: true, rateLimits: { enabled: false } } });
  dir = await openDataDir({ dataDir: kms.dataDir, create: false, nowSeconds: Math.floor(Date.now() / 1000) });
  admin = await productAdminFor(dir);
});
afterAll(async () => {
  await dir?.close();
  await kms?.stop();
});

describe("keys read through the gateway are hosted data keys", () => {
  let cmk: string;
  let token: string;
  beforeAll(async () => {
    cmk = (await kms.call("CreateKey", { Alias: "hosted-gw" })).KeyId;
    token = (await admin.createToken({ product: "mariadb", mount: "db1", keyId: cmk })).Token;
  });

  it("<mount>-<name>, 32 bytes under the CMK, Owner = the product, every version's plaintext the bytes MariaDB gets", async () => {
    const v1 = (await vault("/v1/db1/data/1", token)).body.data.data.data as string;
    await admin.rotateKey("db1", "1");
    const v2 = (await vault("/v1/db1/data/1", token)).body.data;
    expect(v2.metadata.version).toBe(2);
    expect(v2.metadata.created_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    const { DataKeyMetadatas } = await kms.call("ListDataKeyDetail", { SearchKeyAlias: "db1-1" });
    expect(DataKeyMetadatas).toHaveLength(1);
    const meta = DataKeyMetadatas[0];
    expect(meta).toMatchObject({ DataKeyName: "db1-1", KeyId: cmk, NumberOfBytes: 32, Owner: "mariadb", KeyState: "Enabled" });
    const ref = await dir.products.getKeyRef("db1", "1");
    expect(ref!.dataKeyId).toBe(meta.DataKeyId);
    const { Plaintext } = await kms.call("GetDataKeyPlaintext", { DataKeyId: meta.DataKeyId });
    expect(unb64(Plaintext).toString("hex")).toBe(v2.data.data); // the current version
    expect((await vault("/v1/db1/data/1?version=1", token)).body.data.data.data).toBe(v1);
    expect(await vault("/v1/db1/data/1?version=3", token)).toEqual({ status: 404, body: { errors: [] } });
    expect(queryAuditLog(dir.audit, { action: "gateway.read", keyId: meta.DataKeyId }).at(-1)).toMatchObject({ code: "ResourceNotFound", keyIds: [cmk, meta.DataKeyId], detail: { version: 3 } });
    const role1 = await kms.call("ListDataKeys", { Role: 1, Limit: 200 });
    expect(role1.DataKeys.map((d: { DataKeyId: string }) => d.DataKeyId)).toContain(meta.DataKeyId);
  });

  it("DisableDataKey withholds that key only (403 naming DataKeyDisabled); EnableDataKey gives it back", async () => {
    await vault("/v1/db1/data/2", token);
    const one = (await dir.products.getKeyRef("db1", "1"))!.dataKeyId;
    await kms.call("DisableDataKey", { DataKeyId: one });
    const r = await vault("/v1/db1/data/1", token);
    expect(r.status).toBe(403);
    expect(r.body.errors[0]).toMatch(/ResourceUnavailable\.DataKeyDisabled/);
    expect((await vault("/v1/db1/data/2", token)).status).toBe(200);
    expect(queryAuditLog(dir.audit, { action: "gateway.read" }).filter((x) => x.detail?.name === "1").at(-1)).toMatchObject({ code: "ResourceUnavailable.DataKeyDisabled" });
    await kms.call("EnableDataKey", { DataKeyId: one });
    expect((await vault("/v1/db1/data/1", token)).status).toBe(200);
  });

  it("a disabled CMK withholds every key of the mount, and no new key is made", async () => {
    await kms.call("DisableKey", { KeyId: cmk });
    for (const name of ["1", "2", "3"]) {
      const r = await vault(`/v1/db1/data/${name}`, token);
      expect(r.status).toBe(403);
      expect(r.body.errors[0]).toMatch(/ResourceUnavailable\.CmkDisabled/);
    }
    expect(await dir.products.getKeyRef("db1", "3")).toBeUndefined();
    await expect(admin.rotateKey("db1", "1")).rejects.toThrow(/CmkDisabled/);
    await kms.call("EnableKey", { KeyId: cmk });
    expect((await vault("/v1/db1/data/3", token)).status).toBe(200);
  });
});

describe("without --key-id: the product's service default key", () => {
  it("is made once per product and account, listed as a service key, refuses DisableKey — the keys are withheld by revoking the token", async () => {
    const a = await admin.createToken({ product: "pgstore", mount: "svc-a" });
    const b = await admin.createToken({ product: "pgstore", mount: "svc-b" });
    const ma = (await dir.products.getMount("svc-a"))!;
    const mb = (await dir.products.getMount("svc-b"))!;
    expect(ma.keyId).toBe(mb.keyId);
    const { KeyMetadata } = await kms.call("DescribeKey", { KeyId: ma.keyId });
    expect(KeyMetadata).toMatchObject({ Alias: "kms-pgstore", Owner: "pgstore", KeyState: "Enabled", KeyUsage: "ENCRYPT_DECRYPT" });
    expect((await kms.call("ListKeys", { Limit: 200 })).Keys.map((k: { KeyId: string }) => k.KeyId)).toContain(ma.keyId);
    expect(await kms.fail("DisableKey", { KeyId: ma.keyId })).toBe("FailedOperation.CmkUsedByCloudProduct");
    expect((await vault("/v1/svc-a/data/1", a.Token)).status).toBe(200);
    expect((await vault("/v1/svc-b/data/1", b.Token)).body.data.data.data).not.toBe((await vault("/v1/svc-a/data/1", a.Token)).body.data.data.data);
    await admin.revokeToken(a.Token);
    expect((await vault("/v1/svc-a/data/1", a.Token)).status).toBe(403);
  });
});
