/**
 * Moving a PostgreSQL store to another root key (root-of-trust/pg-rewrap.ts) while a node serves it, with a real
 * PostgreSQL and a SoftHSM2 token as the new root: the running node stops answering (InternalError) once the move
 * starts and stays stopped; interrupted half-way, a node will not start and running the move again finishes it;
 * afterwards a node on the new root decrypts and verifies everything made before, and the old root is refused.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createKmsServer, loadRootKey, openPgNode, openPgPool, rewrapPgStore, ROOT_CHECK_LABEL, RootUnavailableError, verifyPgAuditLog, type RootOfTrust,
} from "../src/index.js";
import { watchRootFence } from "../src/root-of-trust/root-fence.js";
import { wrapWithNode } from "./_byok.js";
import { b64, startServer, unb64, type Running } from "./_harness.js";
import { pgAvailable, startPostgres, type TestPostgres } from "./_postgres.mjs";
import { createSoftHsm, type SoftHsm } from "./_softhsm.js";

/** A root that stops working after `n` wraps (a token pulled out mid-move). */
function failingAfter(root: RootOfTrust, n: number): RootOfTrust {
  let left = n;
  return { ...root, source: root.source, wrap(s, l) { if (left-- <= 0) throw new RootUnavailableError("token gone"); return root.wrap(s, l); }, unwrap: (w, l) => root.unwrap(w, l) };
}

/** Call until `pred` holds for the result (the node's fence is polled once a second). */
async function eventually<T>(fn: () => Promise<T>, pred: (v: T) => boolean, tries = 100): Promise<T> {
  let v = await fn();
  for (let i = 0; i < tries && !pred(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

describe.skipIf(!pgAvailable())("openkms admin rewrap on a PostgreSQL store", () => {
  let postgres: TestPostgres;
  let hsm: SoftHsm;
  const dirs: string[] = [];
  beforeAll(async () => {
    postgres = await startPostgres();
    hsm = createSoftHsm("rewrap-pg");
  });
  afterAll(async () => {
    await postgres?.stop();
    hsm?.cleanup();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it("the fence: up once the marker appears, or once the root check is not the one the node started with; never down again", async () => {
    const url = await postgres.createDatabase();
    const pool = openPgPool(url, { max: 2 });
    try {
      await pool.query("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
      await pool.query("INSERT INTO meta VALUES ('root-check', 'started-with')");
      const watch = (check: string) => watchRootFence(pool, check, { intervalMs: 20 });
      const same = watch("started-with");
      const moved = watch("another-check");
      const up = async (f: ReturnType<typeof watch>) => eventually(async () => f.reason, (r) => r !== undefined);
      expect(await up(moved)).toMatch(/root key was moved \(openkms admin rewrap\): restart this node with the new root key/);
      expect(() => moved.check()).toThrow(RootUnavailableError);
      expect(same.reason).toBeUndefined();
      expect(() => same.check()).not.toThrow();
      await pool.query("INSERT INTO meta VALUES ('rewrap-target', 'pkcs11:token=t;object=o')");
      expect(await up(same)).toMatch(/being moved to pkcs11:token=t;object=o/);
      await pool.query("DELETE FROM meta WHERE name = 'rewrap-target'");
      await new Promise((r) => setTimeout(r, 100));
      expect(() => same.check()).toThrow(RootUnavailableError); // until the node restarts
      same.close();
      moved.close();
    } finally {
      await pool.end();
    }
  });

  it("file root → PKCS#11 token under a running node: fenced, interrupted, resumed, verified; old ciphertexts decrypt under the new root", async () => {
    const url = await postgres.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "openkms-pg-rewrap-"));
    dirs.push(dataDir);
    const node: Running = await startServer({ dataDir, store: url });
    // Every kind of root-wrapped value: key versions (symmetric, rotated; asymmetric), an import token, imported
    // material's check, the root credential, the audit key and the root check.
    const { KeyId } = await node.call("CreateKey", { Alias: "k" });
    await node.call("EnableKeyRotation", { KeyId });
    const before: { blob: string; plain: string }[] = [];
    for (let i = 0; i < 5; i++) before.push({ plain: `before ${i}`, blob: (await node.call("Encrypt", { KeyId, Plaintext: b64(`before ${i}`) })).CiphertextBlob });
    const ecc = await node.call("CreateKey", { Alias: "ecc", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC" });
    const signed = await node.call("SignByAsymmetricKey", { KeyId: ecc.KeyId, Algorithm: "ECC_P256_R1", Message: b64("m"), MessageType: "RAW" });
    const imported = await node.call("CreateKey", { Alias: "byok", Type: 2 });
    const params = await node.call("GetParametersForImport", { KeyId: imported.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
    const material = randomBytes(16);
    await node.call("ImportKeyMaterial", { KeyId: imported.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapWithNode(params.PublicKey, "RSAES_OAEP_SHA_256", material) });
    const byokBlob = (await node.call("Encrypt", { KeyId: imported.KeyId, Plaintext: b64("imported") })).CiphertextBlob;
    const pending = await node.call("CreateKey", { Alias: "pending", Type: 2 });
    await node.call("GetParametersForImport", { KeyId: pending.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });

    const pool = openPgPool(url, { max: 2 });
    const from = loadRootKey({ keyFile: join(dataDir, "root.key"), create: false }).root;
    const to = loadRootKey({ keyFile: "", uri: hsm.uri("new-root"), create: true }).root;
    try {
      // Interrupted after two values (the token pulled out): the marker stays.
      await expect(rewrapPgStore(pool, from, failingAfter(to, 2), ROOT_CHECK_LABEL, { graceMs: 1500 })).rejects.toThrow(RootUnavailableError);
      // The running node noticed the marker: every request, even one its caches could serve, is InternalError.
      expect(await eventually(() => node.fail("Encrypt", { KeyId, Plaintext: b64("x") }), (c) => c === "InternalError")).toBe("InternalError");
      expect(await node.fail("Decrypt", { CiphertextBlob: before[0]!.blob })).toBe("InternalError");
      expect(await node.fail("ListKeys", {})).toBe("InternalError");
      // A node (re)started meanwhile is refused, naming the unfinished move.
      const late = mkdtempSync(join(tmpdir(), "openkms-pg-rewrap-late-"));
      dirs.push(late);
      await expect(createKmsServer({ dataDir: late, store: url, rootKey: Buffer.alloc(32, 3).toString("base64"), port: 0 })).rejects.toThrow(/move of this data dir to another root key \(pkcs11:.*\) is unfinished/);

      // Running it again finishes the job: the two values moved before are found under the new root.
      const report = await rewrapPgStore(pool, from, to, ROOT_CHECK_LABEL, { graceMs: 0 });
      expect(report.alreadyMoved).toBe(2);
      // 3 key versions (k, ecc, byok), an import token, a material check, the root credential, the audit key, the root check.
      expect(report.moved + report.alreadyMoved).toBeGreaterThanOrEqual(8);
      expect(report.verified).toBe(report.moved + report.alreadyMoved);
      expect((await pool.query("SELECT 1 FROM meta WHERE name = 'rewrap-target'")).rowCount).toBe(0);
      // Run once more: nothing left to move, everything verifies.
      expect(await rewrapPgStore(pool, from, to, ROOT_CHECK_LABEL, { graceMs: 0 })).toEqual({ moved: 0, alreadyMoved: report.verified, verified: report.verified });
      // The old root no longer opens the store: a move from it is refused before anything is written.
      await expect(rewrapPgStore(pool, from, loadRootKey({ keyFile: "", envValue: Buffer.alloc(32, 7).toString("base64") }).root, ROOT_CHECK_LABEL, { graceMs: 0 }))
        .rejects.toThrow(/the current root \(file:.*\) is not the one this store was created with/);
    } finally {
      from.close();
      to.close();
      await pool.end();
    }
    // The node on the old root stays fenced after the move.
    expect(await node.fail("Encrypt", { KeyId, Plaintext: b64("x") })).toBe("InternalError");
    await node.stop();
    // Restarted with the old root: refused. With the new root (the token): everything made before opens.
    await expect(createKmsServer({ dataDir, store: url, port: 0 })).rejects.toThrow(/not the one this data dir was created with/);
    const moved = await startServer({ dataDir, store: url, rootKeyUri: hsm.uri("new-root") });
    try {
      for (const { blob, plain } of before) expect(unb64((await moved.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe(plain);
      expect(unb64((await moved.call("Decrypt", { CiphertextBlob: byokBlob })).Plaintext).toString()).toBe("imported");
      const v = await moved.call("VerifyByAsymmetricKey", { KeyId: ecc.KeyId, Algorithm: "ECC_P256_R1", Message: b64("m"), MessageType: "RAW", SignatureValue: signed.Signature });
      expect(v.SignatureValid).toBe(true);
      // The pending import still takes its material (its wrapping key moved too).
      const p2 = await moved.call("GetParametersForImport", { KeyId: pending.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
      await moved.call("ImportKeyMaterial", { KeyId: pending.KeyId, ImportToken: p2.ImportToken, EncryptedKeyMaterial: wrapWithNode(p2.PublicKey, "RSAES_OAEP_SHA_256", randomBytes(16)) });
    } finally {
      await moved.stop();
    }
    const reader = await openPgNode({ url, dataDir, rootKeyUri: hsm.uri("new-root"), create: false, nowSeconds: Math.floor(Date.now() / 1000) });
    try {
      const verified = await verifyPgAuditLog(reader.audit);
      expect(verified.ok).toBe(true);
      expect(verified.records).toBeGreaterThan(10);
    } finally {
      await reader.close();
    }
  });
});
