/**
 * Nothing acknowledged is lost on `kill -9`: under concurrent load (so audit records are group-committed), the server
 * is killed with SIGKILL; after a restart every key whose CreateKey was answered exists, every answered ciphertext
 * decrypts, every answered request has its final audit record, and `openkms audit verify` passes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { afterAll, expect, it } from "vitest";

const bin = join(dirname(fileURLToPath(import.meta.url)), "../dist/openkms.js");
const scratch = mkdtempSync(join(tmpdir(), "openkms-crash-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

function serve(dataDir: string): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", dataDir, "--rate-limits", "off", "--log-level", "warn"], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const exited = new Promise((r) => child.on("exit", r));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (/openkms listening on /.test(out)) resolve({ child, exited });
    });
    exited.then(() => reject(new Error("serve exited before listening")));
  });
}

function sdk(dataDir: string): CommonClient {
  const c = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
  return new CommonClient("kms.tencentcloudapi.com", "2019-01-18", {
    credential: { secretId: c.SecretId, secretKey: c.SecretKey }, region: c.Region,
    profile: { httpProfile: { endpoint: c.Endpoint, protocol: "http://", reqTimeout: 10 } },
  });
}

it("kill -9 under concurrent load loses nothing that was answered", async () => {
  const dataDir = join(scratch, "data");
  const first = await serve(dataDir);
  const kms = sdk(dataDir);
  const { KeyId } = (await kms.request("CreateKey", { Alias: "crash-base" })) as { KeyId: string };
  const created: string[] = [];
  const blobs: { blob: string; plaintext: string }[] = [];
  const answered: string[] = [];
  let killed = false;
  const worker = async (w: number) => {
    for (let i = 0; !killed; i++) {
      try {
        if (i % 2 === 0) {
          const r = (await kms.request("CreateKey", { Alias: `crash-${w}-${i}` })) as { KeyId: string; RequestId: string };
          created.push(r.KeyId);
          answered.push(r.RequestId);
        } else {
          const plaintext = Buffer.from(`w${w} i${i}`).toString("base64");
          const r = (await kms.request("Encrypt", { KeyId, Plaintext: plaintext })) as { CiphertextBlob: string; RequestId: string };
          blobs.push({ blob: r.CiphertextBlob, plaintext });
          answered.push(r.RequestId);
        }
      } catch {
        return; // the server is gone
      }
      if (answered.length >= 300 && !killed) {
        killed = true;
        first.child.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
  await first.exited;
  expect(answered.length).toBeGreaterThanOrEqual(300);

  // Every answered request has its final record in audit.db.
  const db = new Database(join(dataDir, "audit.db"), { readonly: true });
  try {
    const has = db.prepare("SELECT count(*) AS n FROM audit_log WHERE request_id = ? AND code = 'Success'");
    const missing = answered.filter((id) => (has.get(id) as { n: number }).n !== 1);
    expect(missing).toEqual([]);
  } finally {
    db.close();
  }

  const second = await serve(dataDir);
  try {
    const again = sdk(dataDir);
    for (const id of created) expect(((await again.request("DescribeKey", { KeyId: id })) as any).KeyMetadata.KeyState).toBe("Enabled");
    for (const b of blobs) expect(((await again.request("Decrypt", { CiphertextBlob: b.blob })) as any).Plaintext).toBe(b.plaintext);
  } finally {
    second.child.kill("SIGTERM");
    await second.exited;
  }
  const verify = spawnSync(process.execPath, [bin, "audit", "verify", "--data-dir", dataDir], { encoding: "utf8" });
  expect(verify.stdout).toMatch(/^ok: /);
  expect(verify.status).toBe(0);
});
