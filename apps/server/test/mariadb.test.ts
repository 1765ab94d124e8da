/**
 * Transparent encryption, end to end: an unmodified MariaDB (Debian's mariadb-server 10.11 and its
 * hashicorp_key_management plugin) encrypting its tables, redo log, undo logs, binlog and temporary files with keys it
 * reads from `openkms serve --product-gateway on`, as an operator sets it up (docs/transparent-encryption.md): a CMK made
 * through the official SDK, `openkms admin create-product-token`, the plugin's my.cnf lines. Then what an owner does
 * with the keys: rotate them, disable the CMK, revoke the token — and the audit log shows every fetch.
 *
 * The steps build on each other (one MariaDB, one OpenKMS), so they run in order; every wait is bounded and both
 * servers are always stopped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesContaining, filesUnder, killAll, MariaDb, mariadbMissing } from "./_mariadb.js";
import { auditQuery, ok, run, serve, stopAll, type Served } from "./_openkms.js";

const MARKER = "OPENKMS-TDE-MARKER-5b1e9c";
const MOUNT = "mariadb-test";
const ROWS = 3000;

const scratch = mkdtempSync(join(tmpdir(), "openkms-mariadb-"));
const dataDir = join(scratch, "openkms");
let openkms: Served;
let kms: CommonClient;
let db: MariaDb;
let cmk: string;
let token: string;
/** The token MariaDB runs with now. */
let currentToken: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gateway's read records so far (`openkms audit query --action gateway.read`). */
const reads = () => auditQuery(dataDir, ["--action", "gateway.read", "--limit", "100000"]);

async function readBack(): Promise<{ a: number; b: number; marked: number }> {
  const [[a], [b], [marked]] = [
    await db.query<{ n: number }[]>("SELECT COUNT(*) AS n FROM tde.a"),
    await db.query<{ n: number }[]>("SELECT COUNT(*) AS n FROM tde.b"),
    await db.query<{ n: number }[]>(`SELECT COUNT(*) AS n FROM tde.a WHERE v LIKE '${MARKER}%'`),
  ];
  return { a: a!.n, b: b!.n, marked: marked!.n };
}

/** CURRENT_KEY_VERSION / MIN_KEY_VERSION of the test tables, by name. */
async function tablespaces(): Promise<Record<string, { key: number; current: number; min: number }>> {
  const rows = await db.query<{ NAME: string; CURRENT_KEY_ID: number; CURRENT_KEY_VERSION: number; MIN_KEY_VERSION: number }[]>(
    "SELECT NAME, CURRENT_KEY_ID, CURRENT_KEY_VERSION, MIN_KEY_VERSION FROM information_schema.INNODB_TABLESPACES_ENCRYPTION WHERE NAME LIKE 'tde/%'",
  );
  return Object.fromEntries(rows.map((r) => [r.NAME, { key: Number(r.CURRENT_KEY_ID), current: Number(r.CURRENT_KEY_VERSION), min: Number(r.MIN_KEY_VERSION) }]));
}

const missing = mariadbMissing();

describe.skipIf(missing !== undefined && process.env.OPENKMS_REQUIRE_MARIADB !== "1")("MariaDB encrypting its tables with keys from OpenKMS", () => {
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    openkms = await serve(dataDir, ["--product-gateway", "on", "--log-level", "info"]);
    const cred = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    kms = new CommonClient("kms.tencentcloudapi.com", "2019-01-18", {
      credential: { secretId: cred.SecretId, secretKey: cred.SecretKey }, region: cred.Region,
      profile: { httpProfile: { endpoint: cred.Endpoint, protocol: "http://" } },
    });
    cmk = ((await kms.request("CreateKey", { Alias: "mariadb-tde", Description: "MariaDB data at rest" })) as { KeyId: string }).KeyId;
    const made = await run(["admin", "create-product-token", "--data-dir", dataDir, "--product", "mariadb", "--mount", MOUNT, "--key-id", cmk]);
    expect(made.code).toBe(0);
    expect(made.err).toMatch(/cannot be shown again/);
    const printed = JSON.parse(made.out);
    expect(printed).toEqual({ Token: expect.stringMatching(/^[0-9a-f]{64}$/), Mount: MOUNT });
    token = printed.Token;
    currentToken = token;
    db = new MariaDb({ base: join(scratch, "mariadb"), vaultUrl: `${openkms.url}/v1/${MOUNT}`, token });
    db.install();
    await db.start();
  });

  afterAll(async () => {
    await db?.stop().catch(() => {});
    killAll();
    await openkms?.stop().catch(() => {});
    stopAll();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("MariaDB checked the mount (KV v2) and took keys 1 and 2 — hosted data keys under the CMK, bound to (mariadb, mount)", async () => {
    const tunes = await auditQuery(dataDir, ["--action", "gateway.tune"]);
    expect(tunes.length).toBeGreaterThan(0);
    expect(tunes.every((r) => r.code === "Success" && r.detail.mount === MOUNT && r.detail.product === "mariadb")).toBe(true);
    const names = new Set((await reads()).filter((r) => r.code === "Success").map((r) => r.detail.name));
    expect([...names].sort()).toEqual(["1", "2"]); // 1: tables and logs; 2: temporary files
    const keys = await ok(["admin", "list-product-tokens", "--data-dir", dataDir]);
    const mount = keys.Mounts.find((m: { Mount: string }) => m.Mount === MOUNT);
    expect(mount).toMatchObject({ Product: "mariadb", KeyId: cmk });
    expect(mount.Keys.map((k: { Name: string }) => k.Name).sort()).toEqual(["1", "2"]);
    // The CMK is bound to the product's resource: it cannot be scheduled for deletion while bound.
    await kms.request("DisableKey", { KeyId: cmk });
    await expect(kms.request("ScheduleKeyDeletion", { KeyId: cmk, PendingWindowInDays: 7 })).rejects.toMatchObject({ code: "FailedOperation.CmkUsedByCloudProduct" });
    await kms.request("EnableKey", { KeyId: cmk });
  });

  it("tables written with the marker: it is in no file of the datadir — tables, redo and undo logs, ibdata, binlog, temp files", async () => {
    await db.query(
      "CREATE DATABASE tde",
      "CREATE TABLE tde.a (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(200) NOT NULL, KEY (v)) ENGINE=InnoDB",
      "CREATE TABLE tde.b (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(200) NOT NULL) ENGINE=InnoDB ENCRYPTION_KEY_ID=2",
    );
    const conn = await db.connect();
    try {
      await conn.query("USE tde");
      await conn.query(`INSERT INTO a (v) SELECT CONCAT('${MARKER}-', seq) FROM seq_1_to_${ROWS}`);
      await conn.query(`INSERT INTO b (v) SELECT CONCAT('${MARKER}-', seq) FROM seq_1_to_${ROWS}`);
      await conn.query(`UPDATE a SET v = CONCAT(v, '-updated') WHERE id % 3 = 0`); // undo records
      // A sort that spills to temporary files (encrypt_tmp_files) and an on-disk temporary table.
      await conn.query("SET SESSION sort_buffer_size = 32768, SESSION tmp_table_size = 1024, SESSION max_heap_table_size = 16384");
      const sorted = await conn.query(`SELECT v FROM a ORDER BY REVERSE(v) LIMIT 1`);
      expect(sorted[0].v).toContain(MARKER);
      await conn.query(`SELECT v, COUNT(*) FROM b GROUP BY v ORDER BY COUNT(*) DESC, v LIMIT 1`);
    } finally {
      await conn.end();
    }
    expect(await tablespaces()).toMatchObject({ "tde/a": { key: 1 }, "tde/b": { key: 2 } });
    expect(await readBack()).toEqual({ a: ROWS, b: ROWS, marked: ROWS });
    // While running (pages may still be only in the redo log) and after a clean shutdown (pages flushed).
    expect(filesContaining(db.datadir, MARKER)).toEqual([]);
    await db.stop();
    const files = filesUnder(db.datadir).map((f) => f.path.slice(db.datadir.length + 1));
    for (const f of ["ib_logfile0", "ibdata1", "undo001", "undo002", "tde/a.ibd", "tde/b.ibd", "binlog.000001"]) expect(files).toContain(f);
    expect(filesContaining(db.datadir, MARKER)).toEqual([]);
    // The scan does find the marker where it is in the clear.
    writeFileSync(join(scratch, "control.txt"), `x${MARKER}y`);
    expect(filesContaining(scratch, MARKER)).toEqual([join(scratch, "control.txt")]);
    rmSync(join(scratch, "control.txt"));
  });

  it("restarted, MariaDB reads the rows back", async () => {
    await db.start();
    expect(await readBack()).toEqual({ a: ROWS, b: ROWS, marked: ROWS });
  });

  it("rotate-product-key: after a restart the old version is fetched by number; a second rotation moves MariaDB to the newest", async () => {
    const since = new Date().toISOString();
    expect(await ok(["admin", "rotate-product-key", "--data-dir", dataDir, "--mount", MOUNT, "1"])).toMatchObject({ Mount: MOUNT, Name: "1", Version: 2 });
    await db.stop();
    await db.start();
    expect(await readBack()).toEqual({ a: ROWS, b: ROWS, marked: ROWS });
    // Pages still under version 1 (one version behind is within innodb_encryption_rotate_key_age = 1) need version 1.
    const afterRestart = (await auditQuery(dataDir, ["--action", "gateway.read", "--since", since])).filter((r) => r.detail.name === "1");
    expect(afterRestart.some((r) => r.code === "Success" && r.detail.version === 1)).toBe(true);
    expect(afterRestart.some((r) => r.code === "Success" && r.detail.version === 2)).toBe(true);

    expect(await ok(["admin", "rotate-product-key", "--data-dir", dataDir, "--mount", MOUNT, "1"])).toMatchObject({ Version: 3 });
    // The plugin times its version cache with clock(), the server's CPU time: keep the server busy so the cached
    // version (1 s of CPU) expires, then wait for the encryption threads to re-encrypt the version-1 pages (bounded).
    let seen: Awaited<ReturnType<typeof tablespaces>> = {};
    for (let i = 0; i < 300; i++) {
      seen = await tablespaces();
      if (seen["tde/a"]?.current === 3 && seen["tde/a"].min >= 2) break;
      await db.query("SELECT BENCHMARK(200000, SHA2('openkms', 256))");
      await sleep(250);
    }
    // Every page written under version 1 was re-encrypted: none is more than innodb_encryption_rotate_key_age (1)
    // behind version 3 (pages MariaDB happened to write under version 2 meanwhile may stay there).
    expect(seen["tde/a"]).toMatchObject({ key: 1, current: 3 });
    expect(seen["tde/a"]!.min).toBeGreaterThanOrEqual(2);
    expect(seen["tde/b"]).toMatchObject({ key: 2, current: 1 }); // key 2 was not rotated
    expect(await readBack()).toEqual({ a: ROWS, b: ROWS, marked: ROWS });
    const v3 = (await reads()).filter((r) => r.detail.name === "1" && r.detail.version === 3 && r.code === "Success");
    expect(v3.length).toBeGreaterThan(0);
  }, 240_000);

  it("DisableKey on the CMK: a restarted MariaDB cannot open its encrypted tables and says why; EnableKey: it can", async () => {
    await db.stop(); // stop the product before withholding its keys (docs/transparent-encryption.md)
    await kms.request("DisableKey", { KeyId: cmk });
    const failed = await db.startFailing();
    expect(failed.code).not.toBe(0);
    expect(failed.log).toMatch(/hashicorp: Hashicorp server error: 403, response: .*ResourceUnavailable\.CmkDisabled/);
    expect(failed.log).toMatch(/cannot enable encryption|Unable to get key data/);
    expect((await reads()).at(-1)).toMatchObject({ code: "ResourceUnavailable.CmkDisabled", keyIds: [cmk, expect.any(String)], detail: { product: "mariadb", mount: MOUNT } });
    await kms.request("EnableKey", { KeyId: cmk });
    await db.start();
    expect(await readBack()).toEqual({ a: ROWS, b: ROWS, marked: ROWS });
  });

  it("revoke-product-token: a restarted MariaDB cannot start; a new token of the mount reads the same keys", async () => {
    await db.stop();
    expect(await ok(["admin", "revoke-product-token", "--data-dir", dataDir, token.slice(0, 8)])).toMatchObject({ TokenId: token.slice(0, 8), Status: "Revoked" });
    const failed = await db.startFailing();
    expect(failed.code).not.toBe(0);
    expect(failed.log).toMatch(/hashicorp: Hashicorp server error: 403, response: \{"errors":\["permission denied"\]\}/);
    const tunes = await auditQuery(dataDir, ["--action", "gateway.tune"]);
    expect(tunes.at(-1)).toMatchObject({ code: "AuthFailure.TokenRevoked", secretId: token.slice(0, 8) });
    const fresh = await ok(["admin", "create-product-token", "--data-dir", dataDir, "--product", "mariadb", "--mount", MOUNT]);
    currentToken = fresh.Token;
    db.setToken(fresh.Token);
    await db.start();
    expect(await readBack()).toEqual({ a: ROWS, b: ROWS, marked: ROWS });
  });

  it("the audit log shows each fetch — product, mount, name, version, result — and verifies; no key in any log", async () => {
    const all = await reads();
    for (const r of all) {
      expect(r).toMatchObject({ action: "gateway.read", detail: { product: "mariadb", mount: MOUNT, name: expect.stringMatching(/^[12]$/) } });
      expect(typeof r.detail.version).toBe("number");
    }
    const codes = new Set(all.map((r) => r.code));
    expect(codes).toEqual(new Set(["Success", "Started", "ResourceUnavailable.CmkDisabled"])); // Started: the first read of each key made it
    expect(all.filter((r) => r.code === "Started").map((r) => r.detail.name).sort()).toEqual(["1", "2"]);
    const verified = await run(["audit", "verify", "--data-dir", dataDir]);
    expect(verified.code).toBe(0);
    // Every key version MariaDB was given, in hex, is in neither OpenKMS's log nor MariaDB's error log.
    await db.stop();
    const keyHex: string[] = [];
    for (const [name, versions] of [["1", 3], ["2", 1]] as const) {
      for (let v = 1; v <= versions; v++) {
        const res = await fetch(`${openkms.url}/v1/${MOUNT}/data/${name}?version=${v}`, { headers: { "X-Vault-Token": currentToken } });
        keyHex.push(((await res.json()) as { data: { data: { data: string } } }).data.data.data);
      }
    }
    expect(new Set(keyHex).size).toBe(4);
    const logs = openkms.stderr() + db.errorLog();
    for (const k of keyHex) expect(logs).not.toContain(k);
    expect(openkms.stderr()).toMatch(/gateway request/);
  });
});
