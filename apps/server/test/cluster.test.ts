/**
 * `openkms serve --store postgres://…` as users run a cluster: bundled binaries in child processes, one throwaway
 * PostgreSQL, the official SDK. kill -9 of a node under write load loses no acknowledged write; PostgreSQL stopped and
 * started under load gives Tencent error codes (never a hang or a crash) and service resumes by itself; `openkms
 * migrate` carries an embedded store over; `openkms admin` / `audit` work on the shared store; a schema newer than the
 * code is refused.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pgAvailable, startPostgres, type TestPostgres } from "../../../packages/server/test/_postgres.mjs";
import { bin, killChildren, serve as serveArgs } from "./_serve.js";

const ROOT_KEY = randomBytes(32).toString("base64");
const dirs: string[] = [];

interface Node {
  child: ChildProcess;
  dataDir: string;
  kms: CommonClient;
  exited: Promise<number | null>;
  stderr: () => string;
}

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "openkms-cluster-"));
  dirs.push(d);
  return d;
}

function client(creds: { SecretId: string; SecretKey: string; Region: string; Endpoint: string }) {
  return new CommonClient("kms.tencentcloudapi.com", "2019-01-18", {
    credential: { secretId: creds.SecretId, secretKey: creds.SecretKey },
    region: creds.Region,
    profile: { httpProfile: { endpoint: creds.Endpoint, protocol: "http://", reqTimeout: 30 } },
  });
}

async function serve(store: string, dataDir = join(tmp(), "node"), extra: string[] = []): Promise<Node> {
  const s = await serveArgs(["--data-dir", dataDir, "--store", store, "--log-level", "error", ...extra], { OPENKMS_ROOT_KEY: ROOT_KEY });
  const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
  return { child: s.child, dataDir, kms: client(creds), exited: s.exited, stderr: s.stderr };
}

/** Run an `openkms` tool command; resolves with its exit code and output. */
function tool(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
const codeOf = (e: unknown) => (e as { code?: string }).code;

afterEach(() => {
  killChildren();
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!pgAvailable())("openkms serve --store postgres://… (several nodes)", () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    killChildren();
    await postgres?.stop();
  });

  it("kill -9 of a node under write load: every acknowledged key, disable, ciphertext and audit record is there on the other node", async () => {
    const url = await postgres.createDatabase();
    const a = await serve(url);
    const b = await serve(url);
    const created: string[] = [];
    const disabled: string[] = [];
    /** DisableKey sent (acknowledged or cut off by the kill: then either state is right). */
    const disabling: string[] = [];
    const blobs: { keyId: string; blob: string; text: string }[] = [];
    let stop = false;
    let killed = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const { KeyId } = (await a.kms.request("CreateKey", { Alias: `load-${w}-${i}` })) as { KeyId: string };
          created.push(KeyId);
          const text = `w${w}-${i}`;
          const { CiphertextBlob } = (await a.kms.request("Encrypt", { KeyId, Plaintext: b64(text) })) as { CiphertextBlob: string };
          blobs.push({ keyId: KeyId, blob: CiphertextBlob, text });
          if (i % 2 === 1) {
            disabling.push(KeyId);
            await a.kms.request("DisableKey", { KeyId });
            disabled.push(KeyId);
          }
        } catch {
          if (killed) return; // the node is gone: unacknowledged requests are not counted
          throw new Error("a request failed before the kill");
        }
        if (created.length >= 40 && !killed) {
          killed = true;
          a.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(worker));
    stop = true;
    expect(await a.exited).toBe(null);
    expect(a.child.signalCode).toBe("SIGKILL");
    expect(created.length).toBeGreaterThanOrEqual(40);

    for (const keyId of created) {
      const { KeyMetadata } = (await b.kms.request("DescribeKey", { KeyId: keyId })) as { KeyMetadata: { KeyState: string } };
      if (disabled.includes(keyId)) expect(KeyMetadata.KeyState).toBe("Disabled");
      else if (!disabling.includes(keyId)) expect(KeyMetadata.KeyState).toBe("Enabled");
    }
    for (const { keyId, blob, text } of blobs) {
      if (disabling.includes(keyId)) continue;
      const { Plaintext } = (await b.kms.request("Decrypt", { CiphertextBlob: blob })) as { Plaintext: string };
      expect(Buffer.from(Plaintext, "base64").toString()).toBe(text);
    }
    const env = { OPENKMS_ROOT_KEY: ROOT_KEY };
    const verify = tool(["audit", "verify", "--store", url, "--data-dir", b.dataDir], env);
    expect(verify.stdout).toMatch(/^ok: \d+ records, head \d+ [0-9a-f]{64}, head in the database/);
    expect(verify.status).toBe(0);
    const q = tool(["audit", "query", "--store", url, "--data-dir", b.dataDir, "--action", "CreateKey", "--result", "success", "--limit", "100000"], env);
    expect(q.status).toBe(0);
    const auditedKeys = new Set(q.stdout.trim().split("\n").flatMap((l) => JSON.parse(l).keyIds as string[]));
    for (const keyId of created) expect(auditedKeys.has(keyId)).toBe(true);
    const qd = tool(["audit", "query", "--store", url, "--data-dir", b.dataDir, "--action", "DisableKey", "--result", "success", "--limit", "100000"], env);
    const auditedDisables = new Set(qd.stdout.trim().split("\n").flatMap((l) => JSON.parse(l).keyIds as string[]));
    for (const keyId of disabled) expect(auditedDisables.has(keyId)).toBe(true);
  });

  it("PostgreSQL stopped under load: Tencent error codes within the timeout, no crash; service resumes by itself", async () => {
    const url = await postgres.createDatabase();
    const a = await serve(url);
    const b = await serve(url);
    const { KeyId } = (await a.kms.request("CreateKey", { Alias: "outage" })) as { KeyId: string };
    const codes = new Set<string>();
    let phase: "up" | "down" | "back" = "up";
    let okAfter = 0;
    const worker = async (node: Node) => {
      while (phase !== "back" || okAfter < 20) {
        try {
          await node.kms.request("Encrypt", { KeyId, Plaintext: b64("during an outage") });
          if (phase === "back") okAfter++;
        } catch (e) {
          const code = codeOf(e);
          // Any failure must be a Tencent error envelope from the node (never a socket hang-up or an SDK timeout).
          if (!code) throw e;
          codes.add(code);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const load = Promise.all([worker(a), worker(b), worker(a), worker(b)]);
    load.catch(() => {}); // awaited below
    await new Promise((r) => setTimeout(r, 300));
    postgres.halt("fast");
    phase = "down";
    let during: unknown[];
    try {
      // Requests while the database is down (pool timeouts are a few seconds).
      during = await Promise.all([a, b].map((n) => n.kms.request("Encrypt", { KeyId, Plaintext: b64("x") }).then(() => "Success", (e) => codeOf(e) ?? String(e))));
    } finally {
      postgres.start();
      phase = "back";
    }
    expect(during, a.stderr() + b.stderr()).toEqual(["InternalError", "InternalError"]);
    expect(a.child.exitCode).toBe(null);
    expect(b.child.exitCode).toBe(null);
    await load;
    expect([...codes].every((c) => c === "InternalError" || c.startsWith("FailedOperation"))).toBe(true);
    expect(codes.has("InternalError")).toBe(true);
    // The audit chain survived the outage whole.
    const verify = tool(["audit", "verify", "--store", url, "--data-dir", a.dataDir], { OPENKMS_ROOT_KEY: ROOT_KEY });
    expect(verify.status).toBe(0);
  });

  it("openkms migrate copies an embedded store into PostgreSQL and verifies it; the cluster then serves its keys, credential and audit chain", async () => {
    const dataDir = join(tmp(), "embedded");
    // An embedded node (no --store) with keys, a sub-user and a ciphertext.
    const served = await serveArgs(["--data-dir", dataDir, "--log-level", "error"], { OPENKMS_ROOT_KEY: ROOT_KEY });
    const embedded = { ...served, kms: client(JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"))) };
    const { KeyId } = (await embedded.kms.request("CreateKey", { Alias: "carried-over", Description: "before the move" })) as { KeyId: string };
    const { CiphertextBlob } = (await embedded.kms.request("Encrypt", { KeyId, Plaintext: b64("kept") })) as { CiphertextBlob: string };
    const env = { OPENKMS_ROOT_KEY: ROOT_KEY };
    expect(tool(["admin", "create-user", "mover", "--data-dir", dataDir], env).status).toBe(0);
    embedded.child.kill("SIGTERM");
    expect(await embedded.exited).toBe(0);
    const before = tool(["audit", "verify", "--data-dir", dataDir], env);
    expect(before.status).toBe(0);
    const records = Number(/^ok: (\d+) records/.exec(before.stdout)![1]);

    const url = await postgres.createDatabase();
    const m = tool(["migrate", "--to", url, "--data-dir", dataDir], env);
    expect(m.stderr).toBe("");
    expect(m.status).toBe(0);
    for (const table of ["keys: 1 rows", "key_versions: 1 rows", "accounts: 2 rows", `audit_log: ${records} rows`]) expect(m.stdout).toContain(table);
    expect(m.stdout).toMatch(new RegExp(`audit: ${records} records verified in PostgreSQL`));
    // Into a database that already holds a store: refused.
    const again = tool(["migrate", "--to", url, "--data-dir", dataDir], env);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already holds an OpenKMS store/);

    // Two nodes on the migrated store: the old credential (same data dir's credentials.json) and ciphertext work.
    const a = await serve(url, dataDir);
    const b = await serve(url);
    const { Plaintext } = (await b.kms.request("Decrypt", { CiphertextBlob })) as { Plaintext: string };
    expect(Buffer.from(Plaintext, "base64").toString()).toBe("kept");
    expect(((await a.kms.request("DescribeKey", { KeyId })) as { KeyMetadata: { Description: string } }).KeyMetadata.Description).toBe("before the move");
    // openkms admin on the shared store: a new access key works on every node, and once disabled on none.
    const made = tool(["admin", "create-access-key", "mover", "--store", url, "--data-dir", dataDir], env);
    expect(made.status).toBe(0);
    const list = JSON.parse(tool(["admin", "list", "--store", url, "--data-dir", dataDir], env).stdout) as { Name: string }[];
    expect(list.map((p) => p.Name)).toContain("mover");
    const key = JSON.parse(made.stdout) as { SecretId: string; SecretKey: string };
    const endpointOf = (n: Node) => JSON.parse(readFileSync(join(n.dataDir, "credentials.json"), "utf8")).Endpoint as string;
    const asMover = (n: Node) => client({ SecretId: key.SecretId, SecretKey: key.SecretKey, Region: "ap-guangzhou", Endpoint: endpointOf(n) });
    expect(await asMover(b).request("ListKeys", {}).then(() => "Success", codeOf)).toBe("UnauthorizedOperation");
    expect(tool(["admin", "disable-access-key", key.SecretId, "--store", url, "--data-dir", dataDir], env).status).toBe(0);
    expect(await asMover(a).request("ListKeys", {}).then(() => "Success", codeOf)).toBe("AuthFailure.SecretIdNotFound");
    expect(await asMover(b).request("ListKeys", {}).then(() => "Success", codeOf)).toBe("AuthFailure.SecretIdNotFound");
    const after = tool(["audit", "verify", "--store", url, "--data-dir", dataDir], env);
    expect(after.status).toBe(0);
    expect(Number(/^ok: (\d+) records/.exec(after.stdout)![1])).toBeGreaterThan(records);
  });

  it("a database whose schema is newer than this OpenKMS is refused at start with a clear message", async () => {
    const url = await postgres.createDatabase();
    const first = await serve(url);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const c = new pg.Client(url);
    await c.connect();
    await c.query("INSERT INTO openkms_schema (version, description) VALUES (999, 'from the future')");
    await c.end();
    await expect(serve(url)).rejects.toThrow(/exited 2 .*schema is at version 999, newer than this OpenKMS knows/s);
  });
});
