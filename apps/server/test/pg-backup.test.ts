/**
 * `openkms backup|restore --store postgres://…` and `openkms admin rewrap --store …` as an operator runs them, with a
 * real PostgreSQL and the bundled binary: an online backup taken while a node serves under write load restores into
 * a new database where a node decrypts every ciphertext made before the backup and `openkms audit verify --store`
 * passes, and into a data dir where one embedded node does the same; a non-empty database, a damaged or tampered file and the wrong kind of backup are refused in one line
 * (exit 2); the root key moves to a new file while a node runs (it answers InternalError until restarted with it).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgAvailable, startPostgres, type TestPostgres } from "../../../packages/server/test/_postgres.mjs";
import { killChildren, ok, run, sdkFor, serve } from "./_serve.js";

const scratch = mkdtempSync(join(tmpdir(), "openkms-pg-backup-"));
const ROOT_KEY = randomBytes(32).toString("base64");
const env = { OPENKMS_ROOT_KEY: ROOT_KEY };
const b64 = (s: string) => Buffer.from(s).toString("base64");
const creds = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
const codeOf = (e: unknown) => (e as { code?: string }).code;

describe.skipIf(!pgAvailable())("openkms backup / restore / admin rewrap on PostgreSQL", () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    killChildren();
    await postgres?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  const file = join(scratch, "cluster.backup");
  let restoredUrl: string;
  const before: { blob: string; plain: string }[] = [];
  let eccKeyId: string;

  it("an online backup under write load restores into a new database: a node there decrypts everything made before, audit verify passes", async () => {
    const url = await postgres.createDatabase();
    const node = await serve(["--store", url, "--data-dir", join(scratch, "n1"), "--log-level", "error"], env);
    const kms = sdkFor(creds(join(scratch, "n1")));
    const { KeyId } = (await kms.request("CreateKey", { Alias: "backed-up" })) as { KeyId: string };
    eccKeyId = ((await kms.request("CreateKey", { Alias: "ecc", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC" })) as { KeyId: string }).KeyId;
    for (let i = 0; i < 20; i++) {
      const plain = `record ${i}`;
      before.push({ plain, blob: ((await kms.request("Encrypt", { KeyId, Plaintext: b64(plain) })) as { CiphertextBlob: string }).CiphertextBlob });
    }
    await ok(["admin", "create-user", "alice", "--store", url], env);
    // Write load while the backup runs: encryptions (audit records) and new keys.
    let stop = false;
    let written = 0;
    const load = (async () => {
      while (!stop) {
        await kms.request("Encrypt", { KeyId, Plaintext: b64("during") });
        if (written++ % 5 === 0) await kms.request("CreateKey", { Alias: `during-${written}` });
      }
    })();
    while (written < 10) await new Promise((r) => setTimeout(r, 20));
    const backup = await ok(["backup", file, "--store", url], env);
    const afterBackup = written;
    while (written < afterBackup + 10) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await load;
    expect(backup.Store).not.toMatch(/:[^@/]*@/); // no password echoed
    const rows = Object.fromEntries((backup.Tables as { Table: string; Rows: number }[]).map((t) => [t.Table, t.Rows]));
    expect(rows.keys).toBeGreaterThanOrEqual(4);
    expect(rows.credentials).toBeGreaterThanOrEqual(1);
    expect(rows.audit_log).toBe(backup.Audit.records);
    expect(backup.Audit.lastSeq).toBeGreaterThan(20);
    expect(backup.RootKey).toMatch(/not included/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(scratch).filter((f) => f.startsWith("."))).toEqual([]);
    expect(readFileSync(file).includes(Buffer.from(ROOT_KEY))).toBe(false);
    expect(await node.stop()).toBe(0);

    // Restore into a new database, the store given by OPENKMS_STORE.
    restoredUrl = await postgres.createDatabase();
    const r = await ok(["restore", file], { OPENKMS_STORE: restoredUrl });
    expect(r.Edition).toBe("sm");
    expect(r.Audit).toEqual(backup.Audit);
    // Without the root key the restored store does not open; with it the chain verifies.
    expect((await run(["audit", "verify", "--store", restoredUrl, "--data-dir", join(scratch, "none")])).code).toBe(2);
    const verified = await run(["audit", "verify", "--store", restoredUrl, "--data-dir", join(scratch, "none")], env);
    expect(verified.err).toBe("");
    expect(verified.out).toMatch(new RegExp(`^ok: ${backup.Audit.records} records, head ${backup.Audit.lastSeq} `));
    expect(verified.code).toBe(0);
    const listed = await ok(["admin", "list", "--store", restoredUrl], env);
    expect(JSON.stringify(listed)).toContain("alice");

    const n2 = await serve(["--store", restoredUrl, "--data-dir", join(scratch, "n2"), "--log-level", "error"], env);
    const kms2 = sdkFor(creds(join(scratch, "n2")));
    expect(creds(join(scratch, "n2")).SecretId).toBe(creds(join(scratch, "n1")).SecretId); // the same root credential
    for (const { blob, plain } of before) {
      const { Plaintext } = (await kms2.request("Decrypt", { CiphertextBlob: blob })) as { Plaintext: string };
      expect(Buffer.from(Plaintext, "base64").toString()).toBe(plain);
    }
    const sig = (await kms2.request("SignByAsymmetricKey", { KeyId: eccKeyId, Algorithm: "ECC_P256_R1", Message: b64("m"), MessageType: "RAW" })) as { Signature: string };
    expect(sig.Signature.length).toBeGreaterThan(0);
    // The restored store takes new writes, and its audit chain still verifies after them.
    await kms2.request("CreateKey", { Alias: "after-restore" });
    expect(await n2.stop()).toBe(0);
    expect((await run(["audit", "verify", "--store", restoredUrl, "--data-dir", join(scratch, "none")], env)).code).toBe(0);
  });

  it("refusals in one line, exit 2: a database that holds a store (unless --replace), damaged and tampered files, the wrong kind of backup", async () => {
    const oneLine = (r: { code: number | null; err: string }, re: RegExp) => {
      expect(r.code).toBe(2);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(re);
    };
    oneLine(await run(["restore", file, "--store", restoredUrl]), /already holds an OpenKMS store .*--replace/);
    const replaced = await ok(["restore", file, "--store", restoredUrl, "--replace"]);
    expect(replaced.Audit.lastSeq).toBeGreaterThan(0);
    expect((await run(["audit", "verify", "--store", restoredUrl, "--data-dir", join(scratch, "none")], env)).code).toBe(0);
    oneLine(await run(["restore", file]), /give exactly one of --data-dir <dir> or --store/);

    // A damaged file: bytes flipped in the middle of the gzip stream.
    const damaged = join(scratch, "damaged.backup");
    const bytes = readFileSync(file);
    for (let i = Math.floor(bytes.length / 2); i < Math.floor(bytes.length / 2) + 16; i++) bytes[i]! ^= 0xff;
    writeFileSync(damaged, bytes);
    const empty = await postgres.createDatabase();
    oneLine(await run(["restore", damaged, "--store", empty]), /(is not an OpenKMS backup|does not match its checksum)/);
    // A tar of the right shape whose table file was changed after the checksum was taken.
    const tampered = join(scratch, "tampered");
    mkdirSync(tampered);
    const { x, c } = await import("tar");
    await x({ file, cwd: tampered });
    const keys = join(tampered, "tables", "keys.jsonl");
    writeFileSync(keys, readFileSync(keys, "utf8").replace("backed-up", "backed-uq"));
    const tamperedFile = join(scratch, "tampered.backup");
    await c({ gzip: true, file: tamperedFile, cwd: tampered }, readdirSync(tampered).flatMap((f) => (f === "tables" ? readdirSync(join(tampered, f)).map((t) => `tables/${t}`) : [f])));
    oneLine(await run(["restore", tamperedFile, "--store", empty]), /tables\/keys\.jsonl does not match its checksum \(damaged backup\)/);
    // Nothing was written into the empty database: a restore of the good file still goes in.
    await ok(["restore", file, "--store", empty]);

    // An embedded store's backup is restored with --data-dir (then openkms migrate), not into PostgreSQL.
    const embedded = join(scratch, "embedded");
    const s = await serve(["--data-dir", embedded, "--log-level", "error"]);
    await s.stop();
    await ok(["backup", join(scratch, "embedded.backup"), "--data-dir", embedded]);
    oneLine(await run(["restore", join(scratch, "embedded.backup"), "--store", await postgres.createDatabase()]), /is a backup of an embedded store: restore it with --data-dir/);
    oneLine(await run(["backup", join(scratch, "x.backup"), "--store", await postgres.createDatabase()]), /holds no OpenKMS store/);
  });

  it("a PostgreSQL backup restored into a data dir: one embedded node decrypts everything made before, audit verify passes", async () => {
    const dir = join(scratch, "from-cluster");
    const r = await ok(["restore", file, "--data-dir", dir]);
    const restoredRecords = r.Audit.records as number;
    expect(restoredRecords).toBeGreaterThan(20);
    expect(r.Edition).toBe("sm");
    for (const f of ["openkms.db", "audit.db"]) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(["audit.db", "openkms.db"]);
    expect(r.Next).toMatch(/start it once .* then openkms audit verify/);
    // Its first start anchors the carried-over chain in openkms.db (the checkpoint needs the root key).
    const s = await serve(["--data-dir", dir, "--log-level", "error"], env);
    const kms = sdkFor(creds(dir));
    expect(creds(dir).SecretId).toBe(creds(join(scratch, "n1")).SecretId);
    for (const { blob, plain } of before) {
      const { Plaintext } = (await kms.request("Decrypt", { CiphertextBlob: blob })) as { Plaintext: string };
      expect(Buffer.from(Plaintext, "base64").toString()).toBe(plain);
    }
    await kms.request("CreateKey", { Alias: "embedded-after-restore" });
    expect(await s.stop()).toBe(0);
    const verified = await run(["audit", "verify", "--data-dir", dir], env);
    expect(verified.err).toBe("");
    expect(verified.out).toMatch(/^ok: \d+ records/);
    expect(Number(/^ok: (\d+) records/.exec(verified.out)![1])).toBeGreaterThan(restoredRecords);
    expect(verified.code).toBe(0);
    // The same file into a dir that already holds a store: refused.
    const again = await run(["restore", file, "--data-dir", dir]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already holds a store/);
  });

  it("openkms admin rewrap --store: a running node answers InternalError from the start of the move; restarted with the new root it decrypts everything", async () => {
    const nodeDir = join(scratch, "n3");
    const node = await serve(["--store", restoredUrl, "--data-dir", nodeDir, "--log-level", "error"], env);
    const kms = sdkFor(creds(nodeDir));
    await kms.request("Decrypt", { CiphertextBlob: before[0]!.blob });
    const newKey = join(scratch, "new-root.key");
    const moved = await ok(["admin", "rewrap", "--store", restoredUrl, "--data-dir", join(scratch, "none"), "--to", `file:${newKey}`], env);
    expect(moved.Moved).toBeGreaterThanOrEqual(5); // key versions, credentials, audit key, root check
    expect(moved.Verified).toBe(moved.Moved);
    expect(moved.Next).toMatch(/restart every node with --root-key file:/);
    expect(statSync(newKey).mode & 0o777).toBe(0o600);
    const refused = await kms.request("Decrypt", { CiphertextBlob: before[0]!.blob }).then(() => "served", codeOf);
    expect(refused).toBe("InternalError");
    expect(await node.stop()).toBe(0);
    // Old root: refused at start. New root: serves the old ciphertexts; the chain verifies under it.
    const old = await run(["serve", "--port", "0", "--store", restoredUrl, "--data-dir", nodeDir], env);
    expect(old.code).toBe(2);
    expect(old.err).toMatch(/not the one this data dir was created with/);
    const n4 = await serve(["--store", restoredUrl, "--data-dir", nodeDir, "--root-key", `file:${newKey}`, "--log-level", "error"]);
    const kms4 = sdkFor(creds(nodeDir));
    for (const { blob, plain } of before) {
      const { Plaintext } = (await kms4.request("Decrypt", { CiphertextBlob: blob })) as { Plaintext: string };
      expect(Buffer.from(Plaintext, "base64").toString()).toBe(plain);
    }
    expect(await n4.stop()).toBe(0);
    expect((await run(["audit", "verify", "--store", restoredUrl, "--data-dir", nodeDir, "--root-key", `file:${newKey}`])).code).toBe(0);
  });
});
