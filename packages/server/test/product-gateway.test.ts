/**
 * The product gateway's HTTP surface (Vault KV v2 reads under /v1/), product tokens and their admin operations,
 * against a running server — with a stand-in key source (test/_product-keys.ts) that checks the real CMK, so this file
 * tests the gateway itself; test/mariadb.test.ts runs an unmodified MariaDB against the real hosted data keys.
 */
import { readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataDir, type DataDir } from "../src/index.js";
import { queryAuditLog } from "../src/audit/query.js";
import { verifyAuditLog } from "../src/audit/verify.js";
import { ProductAdmin } from "../src/gateway/product-admin.js";
import { AdminError } from "../src/accounts/admin.js";
import { fakeProductKeys, type FakeProductKeys } from "./_product-keys.js";
import { DAY, testClock } from "./_clock.js";
import { startServer, type Running } from "./_harness.js";

let kms: Running;
let keys: FakeProductKeys;
let dir: DataDir;
let admin: ProductAdmin;
let cmk: string;
const logLines: string[] = [];

async function vault(path: string, token: string | undefined, init: RequestInit = {}) {
  const res = await fetch(`${kms.url}${path}`, { ...init, headers: { ...(token ? { "X-Vault-Token": token } : {}), ...init.headers } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), body: text ? JSON.parse(text) : undefined };
}

function records(action: string) {
  return queryAuditLog(dir.audit, { action });
}

beforeAll(async () => {
  const logger = pino({ level: "debug" }, new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } }));
  keys = fakeProductKeys(() => kms.server.store);
  kms = await startServer({ productGateway: { enabled: true, rateLimits: { enabled: false } }, productKeys: keys, logger });
  dir = await openDataDir({ dataDir: kms.dataDir, create: false, nowSeconds: Math.floor(Date.now() / 1000) });
  admin = new ProductAdmin({ products: dir.products, accounts: dir.accounts, keys, audit: dir.audit, defaultUin: dir.rootUin });
  cmk = (await kms.call("CreateKey", { Alias: "mariadb-cmk" })).KeyId;
});
afterAll(async () => {
  await dir?.close();
  await kms?.stop();
});

describe("tokens", () => {
  it("create-product-token prints the token once; only its id and SHA-256 are stored; the CMK is bound to (product, mount)", async () => {
    const t = await admin.createToken({ product: "mariadb", mount: "tokens-a", keyId: cmk });
    expect(t).toEqual({ Token: expect.stringMatching(/^[0-9a-f]{64}$/), Mount: "tokens-a" });
    const stored = await dir.products.getToken(t.Token.slice(0, 8));
    expect(stored).toMatchObject({ tokenId: t.Token.slice(0, 8), mount: "tokens-a", product: "mariadb", status: "Active" });
    expect(stored!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.tokenHash).not.toContain(t.Token);
    expect(readFileSync(join(kms.dataDir, "openkms.db")).includes(Buffer.from(t.Token))).toBe(false);
    expect(keys.bindings).toContainEqual({ keyId: cmk, product: "mariadb", mount: "tokens-a" });
    expect((await dir.products.getMount("tokens-a"))).toMatchObject({ product: "mariadb", uin: kms.server.uin, keyId: cmk, rotationDays: 0 });
    const [rec] = records("admin.create-product-token").filter((r) => r.secretId === t.Token.slice(0, 8));
    expect(rec).toMatchObject({ code: "Success", keyIds: [cmk], detail: { product: "mariadb", mount: "tokens-a" } });
  });

  it("a second token of a mount must name the same product, account and CMK", async () => {
    const other = (await kms.call("CreateKey", { Alias: "other-cmk" })).KeyId;
    await admin.createToken({ product: "mariadb", mount: "tokens-b", keyId: cmk });
    await expect(admin.createToken({ product: "mariadb", mount: "tokens-b" })).resolves.toMatchObject({ Mount: "tokens-b" });
    await expect(admin.createToken({ product: "postgres", mount: "tokens-b", keyId: cmk })).rejects.toThrow(/belongs to product mariadb/);
    await expect(admin.createToken({ product: "mariadb", mount: "tokens-b", keyId: other })).rejects.toThrow(AdminError);
  });

  it.each([
    [{ product: "bad product", mount: "m" }, /product name/],
    [{ product: "p", mount: "sys" }, /system path/],
    [{ product: "p", mount: "a/b" }, /mount is/],
    [{ product: "p", mount: "m", keyId: "not-a-key" }, /not a KeyId/],
    [{ product: "p", mount: "m", keyId: "00000000-0000-4000-8000-000000000000" }, /CmkNotFound/],
    [{ product: "p", mount: "m", account: "nobody" }, /no account nobody/],
    [{ product: "p", mount: "m", rotationDays: 0 }, /rotation-days/],
    [{ product: "p", mount: "m", rotationDays: 366 }, /rotation-days/],
  ])("refuses %o", async (input, message) => {
    await expect(admin.createToken({ keyId: cmk, ...input })).rejects.toThrow(message);
    expect(await dir.products.getMount(input.mount)).toBeUndefined();
  });

  it("revoke-product-token takes the token or its first 8 characters; revoked is for good", async () => {
    const a = await admin.createToken({ product: "mariadb", mount: "tokens-c", keyId: cmk });
    const b = await admin.createToken({ product: "mariadb", mount: "tokens-c", keyId: cmk });
    expect((await vault("/v1/sys/mounts/tokens-c/tune", a.Token)).status).toBe(200);
    expect(await admin.revokeToken(a.Token.slice(0, 8))).toMatchObject({ TokenId: a.Token.slice(0, 8), Status: "Revoked", Mount: "tokens-c" });
    expect(await admin.revokeToken(b.Token)).toMatchObject({ Status: "Revoked" });
    await expect(admin.revokeToken(b.Token)).rejects.toThrow(/already revoked/);
    await expect(admin.revokeToken("ffffffff")).rejects.toThrow(/no product token/);
    await expect(admin.revokeToken(`${a.Token.slice(0, 8)}${"0".repeat(56)}`)).rejects.toThrow(/no product token/); // right id, wrong token
    await expect(admin.revokeToken("xyz")).rejects.toThrow(/64 hex characters/);
    const r = await vault("/v1/sys/mounts/tokens-c/tune", a.Token);
    expect(r).toMatchObject({ status: 403, body: { errors: ["permission denied"] } });
    const last = records("gateway.tune").at(-1)!;
    expect(last).toMatchObject({ code: "AuthFailure.TokenRevoked", secretId: a.Token.slice(0, 8), detail: { product: "mariadb", mount: "tokens-c" } });
  });
});

describe("the Vault KV v2 read surface", () => {
  let token: string;
  beforeAll(async () => {
    token = (await admin.createToken({ product: "mariadb", mount: "kv", keyId: cmk })).Token;
  });

  it("the mount check: KV version 2", async () => {
    const r = await vault("/v1/sys/mounts/kv/tune", token);
    expect(r.status).toBe(200);
    expect(r.type).toBe("application/json");
    expect(r.body).toMatchObject({ options: { version: "2" }, data: { options: { version: "2" } } });
  });

  it("the first read makes the key (32 bytes, version 1); later reads and ?version=1 give the same; a version it has not is 404", async () => {
    const first = await vault("/v1/kv/data/1", token);
    expect(first.status).toBe(200);
    expect(first.body.data.data.data).toMatch(/^[0-9a-f]{64}$/);
    expect(first.body.data.metadata).toMatchObject({ version: 1, destroyed: false, deletion_time: "" });
    expect((await vault("/v1/kv/data/1", token)).body.data.data.data).toBe(first.body.data.data.data);
    expect((await vault("/v1/kv/data/1?version=1", token)).body.data.data.data).toBe(first.body.data.data.data);
    expect((await vault("/v1/kv/data/1?version=0", token)).body.data.metadata.version).toBe(1);
    expect(await vault("/v1/kv/data/1?version=2", token)).toMatchObject({ status: 404, body: { errors: [] } });
    expect(await vault("/v1/kv/data/99?version=1", token)).toMatchObject({ status: 404, body: { errors: [] } }); // never made
    expect(await dir.products.getKeyRef("kv", "99")).toBeUndefined();
    const ref = await dir.products.getKeyRef("kv", "1");
    expect(keys.made.get(ref!.dataKeyId)![0]!.toString("hex")).toBe(first.body.data.data.data);
  });

  it("each name is its own key; concurrent first reads make one", async () => {
    const reads = await Promise.all(Array.from({ length: 8 }, () => vault("/v1/kv/data/2", token)));
    expect(new Set(reads.map((r) => r.body.data.data.data)).size).toBe(1);
    expect(reads[0]!.body.data.data.data).not.toBe((await vault("/v1/kv/data/1", token)).body.data.data.data);
    expect((await dir.products.listKeyRefs("kv")).map((r) => r.name).sort()).toEqual(["1", "2"]);
    const created = records("gateway.read").filter((r) => r.detail?.name === "2" && r.detail?.created === 1);
    expect(created.map((r) => r.code).sort()).toEqual(["Started", "Success"]);
  });

  it("rotate-product-key adds a version; the newest is read; every old version stays readable", async () => {
    const v1 = (await vault("/v1/kv/data/1", token)).body.data.data.data;
    expect(await admin.rotateKey("kv", "1")).toMatchObject({ Mount: "kv", Name: "1", Version: 2 });
    expect(await admin.rotateKey("kv", "1")).toMatchObject({ Version: 3 });
    const latest = await vault("/v1/kv/data/1", token);
    expect(latest.body.data.metadata.version).toBe(3);
    expect(latest.body.data.data.data).not.toBe(v1);
    expect((await vault("/v1/kv/data/1?version=1", token)).body.data.data.data).toBe(v1);
    expect((await vault("/v1/kv/data/1?version=2", token)).body.data.metadata.version).toBe(2);
    await expect(admin.rotateKey("kv", "404")).rejects.toThrow(/no key 404/);
    await expect(admin.rotateKey("nomount", "1")).rejects.toThrow(/no mount/);
    expect(records("admin.rotate-product-key").at(-1)).toMatchObject({ detail: { product: "mariadb", mount: "kv", name: "1", version: 3 } });
  });

  it("any token of a mount reads the same keys; a token reads only its own mount", async () => {
    const second = (await admin.createToken({ product: "mariadb", mount: "kv" })).Token;
    const elsewhere = (await admin.createToken({ product: "mariadb", mount: "kv-other", keyId: cmk })).Token;
    expect((await vault("/v1/kv/data/1", second)).body.data.data.data).toBe((await vault("/v1/kv/data/1", token)).body.data.data.data);
    expect(await vault("/v1/kv/data/1", elsewhere)).toMatchObject({ status: 403, body: { errors: ["permission denied"] } });
    expect(await vault("/v1/sys/mounts/kv/tune", elsewhere)).toMatchObject({ status: 403 });
    expect(records("gateway.read").at(-1)).toMatchObject({ code: "UnauthorizedOperation", secretId: elsewhere.slice(0, 8), detail: { mount: "kv" } });
  });

  it("no token, a malformed one or an unknown one: 403, audited", async () => {
    for (const t of [undefined, "x", "0".repeat(64), `${token.slice(0, 8)}${"0".repeat(56)}`]) {
      expect(await vault("/v1/kv/data/1", t)).toMatchObject({ status: 403, body: { errors: ["permission denied"] } });
      expect(records("gateway.read").at(-1)).toMatchObject({ code: "AuthFailure.TokenFailure", uin: "" });
    }
  });

  it("a disabled CMK withholds every key (403 saying why); enabled, they read again", async () => {
    await kms.call("DisableKey", { KeyId: cmk });
    const r = await vault("/v1/kv/data/1", token);
    expect(r.status).toBe(403);
    expect(r.body.errors[0]).toMatch(/ResourceUnavailable\.CmkDisabled/);
    expect(r.body.errors[0]).not.toMatch(/[0-9a-f]{64}/);
    expect((await vault("/v1/kv/data/7", token)).status).toBe(403); // nor can new keys be made
    expect(await dir.products.getKeyRef("kv", "7")).toBeUndefined();
    expect(records("gateway.read").at(-1)).toMatchObject({ code: "ResourceUnavailable.CmkDisabled", keyIds: [cmk] }); // key 7 was never made
    await kms.call("EnableKey", { KeyId: cmk });
    expect((await vault("/v1/kv/data/1", token)).status).toBe(200);
  });

  it("only reads: other methods are 405; other paths 404; a malformed version 400 — in Vault's shape", async () => {
    expect(await vault("/v1/kv/data/1", token, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).toMatchObject({ status: 405 });
    expect(await vault("/v1/kv/data/1", token, { method: "DELETE" })).toMatchObject({ status: 405 });
    expect(await vault("/v1/kv/metadata/1", token)).toMatchObject({ status: 404, body: { errors: [] } });
    expect(await vault("/v1/sys/mounts", token)).toMatchObject({ status: 404, body: { errors: [] } });
    expect(await vault("/v1/kv/data/a%2Fb", token)).toMatchObject({ status: 404 });
    for (const v of ["-1", "x", "4294967296", "1.5"]) {
      expect(await vault(`/v1/kv/data/1?version=${v}`, token)).toMatchObject({ status: 400, body: { errors: [expect.stringMatching(/version/)] } });
    }
  });

  it("a repeated ?version= is refused: 400 in Vault's shape, audited InvalidParameterValue, no key", async () => {
    for (const q of ["version=1&version=2", "version=1&version=1", "version=&version=1"]) {
      const res = await vault(`/v1/kv/data/1?${q}`, token);
      expect(res).toEqual({ status: 400, type: "application/json", body: { errors: ["version must be given at most once, as a whole number 0-4294967295"] } });
      expect(records("gateway.read").at(-1)).toMatchObject({ code: "InvalidParameterValue", detail: { mount: "kv", name: "1" } });
    }
    expect((await vault("/v1/kv/data/1?version=1&other=2", token)).status).toBe(200);
  });

  it("a target the router cannot decode (/v1/…%zz) gets Vault's shape and a gateway record, not the API's envelope", async () => {
    const before = records("gateway.other").length;
    expect(await vault("/v1/kv/data/%zz", token)).toEqual({ status: 404, type: "application/json", body: { errors: [] } });
    expect(await vault("/v1/kv/data/%E0%A4%A", undefined)).toEqual({ status: 403, type: "application/json", body: { errors: ["permission denied"] } });
    const after = records("gateway.other");
    expect(after.length).toBe(before + 2);
    expect(after.at(-2)).toMatchObject({ code: "ResourceNotFound", secretId: token.slice(0, 8), sourceAddress: "127.0.0.1" });
    expect(after.at(-1)).toMatchObject({ code: "AuthFailure.TokenFailure", secretId: "" });
    // Outside /v1/ such a target still gets the API's envelope.
    const api = await fetch(`${kms.url}/%zz`);
    expect((await api.json()).Response.Error.Code).toBe("InvalidParameter");
  });

  it("every request is one audit record naming product, mount, name, version and result; the chain verifies", async () => {
    const before = records("gateway.read").length;
    await vault("/v1/kv/data/1?version=2", token);
    const after = records("gateway.read");
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({
      action: "gateway.read", code: "Success", secretId: token.slice(0, 8), uin: kms.server.uin, ownerUin: kms.server.uin,
      sourceAddress: "127.0.0.1", keyIds: [cmk, (await dir.products.getKeyRef("kv", "1"))!.dataKeyId], detail: { product: "mariadb", mount: "kv", name: "1", version: 2 },
    });
    expect(verifyAuditLog(dir.audit)).toMatchObject({ ok: true });
  });

  it("no key and no token ever appears in the log, the audit log or the key store", async () => {
    const hexKeys = [...keys.made.values()].flat().map((k) => k.toString("hex"));
    expect(hexKeys.length).toBeGreaterThan(3);
    await kms.server.close(); // checkpoints the WAL files into the databases
    const files = ["audit.db", "openkms.db"].map((f) => readFileSync(join(kms.dataDir, f)).toString("latin1"));
    for (const k of [...hexKeys, token]) {
      for (const text of [logLines.join(""), ...files]) expect(text).not.toContain(k);
    }
    expect(logLines.join("")).toMatch(/gateway request/);
    await kms.restart();
  });
});

describe("without --product-gateway", () => {
  it("/v1/ is not served: the API's UnsupportedProtocol", async () => {
    const off = await startServer();
    try {
      const res = await fetch(`${off.url}/v1/kv/data/1`, { headers: { "X-Vault-Token": "0".repeat(64) } });
      expect(res.status).toBe(200);
      expect((await res.json()).Response.Error.Code).toBe("UnsupportedProtocol");
    } finally {
      await off.stop();
    }
  });
});

describe("the gateway's rate limit", () => {
  it("per token: over it, 429 in Vault's shape, audited as RequestLimitExceeded", async () => {
    const own = fakeProductKeys(() => limited.server.store);
    const limited: Running = await startServer({ productGateway: { enabled: true, rateLimits: { enabled: true, perToken: 0.001 } }, productKeys: own });
    const d = await openDataDir({ dataDir: limited.dataDir, create: false, nowSeconds: Math.floor(Date.now() / 1000) });
    try {
      const key = (await limited.call("CreateKey", { Alias: "rl" })).KeyId;
      const a = new ProductAdmin({ products: d.products, accounts: d.accounts, keys: own, audit: d.audit, defaultUin: d.rootUin });
      const t = (await a.createToken({ product: "mariadb", mount: "rl", keyId: key })).Token;
      const get = () => fetch(`${limited.url}/v1/sys/mounts/rl/tune`, { headers: { "X-Vault-Token": t } });
      expect((await get()).status).toBe(200);
      const r = await get();
      expect(r.status).toBe(429);
      expect(await r.json()).toEqual({ errors: ["request rate limit exceeded"] });
      expect(queryAuditLog(d.audit, { action: "gateway.tune" }).at(-1)).toMatchObject({ code: "RequestLimitExceeded" });
    } finally {
      await d.close();
      await limited.stop();
    }
  });

  it("refused tokens per source address: a flood of bad tokens gets 429, and good tokens are never starved by it", async () => {
    const own = fakeProductKeys(() => limited.server.store);
    const limited: Running = await startServer({ productGateway: { enabled: true, rateLimits: { enabled: true, refusalsPerAddress: 0.001 } }, productKeys: own });
    const d = await openDataDir({ dataDir: limited.dataDir, create: false, nowSeconds: Math.floor(Date.now() / 1000) });
    try {
      const key = (await limited.call("CreateKey", { Alias: "rl2" })).KeyId;
      const a = new ProductAdmin({ products: d.products, accounts: d.accounts, keys: own, audit: d.audit, defaultUin: d.rootUin });
      const good = (await a.createToken({ product: "mariadb", mount: "rl2", keyId: key })).Token;
      const get = (t: string) => fetch(`${limited.url}/v1/rl2/data/1`, { headers: { "X-Vault-Token": t } });
      expect((await get("0".repeat(64))).status).toBe(403);
      expect((await get("1".repeat(64))).status).toBe(429);
      expect(queryAuditLog(d.audit, { action: "gateway.read" }).at(-1)).toMatchObject({ code: "RequestLimitExceeded", secretId: "" });
      // Another address with a good token is served: the flood drew only on its own address's budget.
      const fromElsewhere = await new Promise<number>((resolve, reject) => {
        const req = httpGet(`${limited.url}/v1/rl2/data/1`, { headers: { "X-Vault-Token": good }, localAddress: "127.0.0.2" }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on("error", reject);
      });
      expect(fromElsewhere).toBe(200);
      expect(queryAuditLog(d.audit, { action: "gateway.read" }).at(-1)).toMatchObject({ code: "Success", sourceAddress: "127.0.0.2" });
      // The flooding address itself waits, whatever token it shows.
      expect((await get(good)).status).toBe(429);
    } finally {
      await d.close();
      await limited.stop();
    }
  });

  it("a flood of bad tokens is audited in bounded space: the first 429 of an interval has its record, the rest one summary", async () => {
    const own = fakeProductKeys(() => limited.server.store);
    const limited: Running = await startServer({ productGateway: { enabled: true, rateLimits: { enabled: true, refusalsPerAddress: 0.001 } }, productKeys: own });
    const get = (t: string) => fetch(`${limited.url}/v1/flood/data/1`, { headers: { "X-Vault-Token": t } });
    try {
      expect((await get("0".repeat(64))).status).toBe(403);
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) statuses.push((await get(i.toString(16).padStart(64, "f"))).status);
      expect(statuses).toEqual(Array(50).fill(429));
      await limited.server.close(); // writes the pending summary
    } catch (e) {
      await limited.stop();
      throw e;
    }
    const d = await openDataDir({ dataDir: limited.dataDir, create: false, nowSeconds: Math.floor(Date.now() / 1000) });
    try {
      const all = queryAuditLog(d.audit, {}).filter((r) => r.action.startsWith("gateway."));
      expect(all.map((r) => [r.action, r.code, r.count ?? 1])).toEqual([
        ["gateway.read", "AuthFailure.TokenFailure", 1],
        ["gateway.read", "RequestLimitExceeded", 1],
        ["gateway.refused", "RequestLimitExceeded", 49],
      ]);
      expect(all[2]).toMatchObject({ sourceAddress: "127.0.0.1", secretId: "", keyIds: [] });
      expect(verifyAuditLog(d.audit)).toMatchObject({ ok: true });
    } finally {
      await d.close();
      await limited.stop();
    }
  });
});

describe("scheduled rotation (--rotation-days)", () => {
  it("the scheduler adds a version to every key of a due mount, once per period, and audits it", async () => {
    const clock = testClock();
    const own = fakeProductKeys(() => run.server.store);
    const run: Running = await startServer({ productGateway: { enabled: true, rateLimits: { enabled: false } }, productKeys: own, clock, schedulerIntervalSeconds: 0 });
    const d = await openDataDir({ dataDir: run.dataDir, create: false, nowSeconds: clock.now() });
    try {
      const key = (await run.call("CreateKey", { Alias: "sched" })).KeyId;
      const a = new ProductAdmin({ products: d.products, accounts: d.accounts, keys: own, audit: d.audit, defaultUin: d.rootUin, nowMs: clock.nowMs });
      const t = (await a.createToken({ product: "mariadb", mount: "sched", keyId: key, rotationDays: 2 })).Token;
      const read = async (name: string) => (await (await fetch(`${run.url}/v1/sched/data/${name}`, { headers: { "X-Vault-Token": t } })).json()).data.metadata.version;
      expect([await read("1"), await read("2")]).toEqual([1, 1]);
      clock.advance(DAY);
      await run.server.scheduler.runDue();
      expect(await read("1")).toBe(1);
      clock.advance(DAY + 1);
      const before = clock.now();
      await run.server.scheduler.runDue();
      const after = clock.now();
      await run.server.scheduler.runDue(); // claimed once: no second version
      expect([await read("1"), await read("2")]).toEqual([2, 2]);
      const next = (await d.products.getMount("sched"))!.nextRotateTime; // one period from the run (the clock moves on in real time)
      expect(next).toBeGreaterThanOrEqual(before + 2 * DAY);
      expect(next).toBeLessThanOrEqual(after + 2 * DAY);
      const audited = queryAuditLog(d.audit, { action: "scheduler.ProductKeyRotated" }).filter((r) => r.detail?.mount === "sched");
      expect(audited.map((r) => [r.detail!.name, r.detail!.version]).sort()).toEqual([["1", 2], ["2", 2]]);
    } finally {
      await d.close();
      await run.stop();
      clock.restore();
    }
  });
});
