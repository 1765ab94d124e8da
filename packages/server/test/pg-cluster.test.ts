/**
 * Several nodes on one PostgreSQL store, through the official SDK: keys made on one node are served by the other;
 * a key disabled, archived, scheduled for deletion or deleted, a credential disabled or a policy changed on one node
 * (or by `openkms admin`) is honoured by the other on its next request; an import token issued by one node is
 * accepted by the other; scheduled deletions and rotations happen once across the cluster; the rate limit is the
 * cluster's total; the cluster has one audit chain, which verifies and shows tampering.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccountAdmin, ManualClock, openNodeStores, PgAuditLog, queryPgAuditLog, verifyPgAuditLog, type NodeStores,
} from "../src/index.js";
import { wrapWithNode } from "./_byok.js";
import { b64, callerFor, startServer, type Running } from "./_harness.js";
import { pgAvailable, startPostgres, type TestPostgres } from "./_postgres.mjs";

const ROOT_KEY = randomBytes(32).toString("base64");

describe.skipIf(!pgAvailable())("several nodes on one PostgreSQL", () => {
  let postgres: TestPostgres;
  let url: string;
  let clock: ManualClock;
  let a: Running;
  let b: Running;
  let tools: NodeStores;
  let admin: AccountAdmin;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase();
    clock = new ManualClock();
    const node = () => startServer({ store: url, rootKey: ROOT_KEY, clock, schedulerIntervalSeconds: 0 });
    [a, b] = await Promise.all([node(), node()]);
    tools = await openNodeStores({
      store: url, dataDir: mkdtempSync(join(tmpdir(), "openkms-admin-")), rootKey: ROOT_KEY, create: false, nowSeconds: Math.floor(clock.nowMs() / 1000),
    });
    admin = new AccountAdmin(tools.accounts, tools.root, tools.audit, tools.rootUin);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await tools?.close();
    await postgres?.stop();
  });

  it("nodes started together share one root account and root credential", () => {
    expect(a.server.uin).toBe(b.server.uin);
    expect(a.server.credential).toEqual(b.server.credential);
  });

  it("a node names its store by URL without the password, and no audit.db (its audit log is in the store)", () => {
    expect(a.server.auditPath).toBeUndefined();
    expect(a.server.storeLocation).toMatch(/^postgres(ql)?:\/\//);
    expect(a.server.storeLocation).toBe(b.server.storeLocation);
    const password = new URL(url).password;
    if (password) expect(a.server.storeLocation).not.toContain(password);
  });

  it("a key created on one node encrypts and decrypts on the other", async () => {
    const KeyMetadata = await a.call("CreateKey", { Alias: "cluster-one" });
    const blob = (await b.call("Encrypt", { KeyId: KeyMetadata.KeyId, Plaintext: b64("across nodes") })).CiphertextBlob;
    expect(Buffer.from((await a.call("Decrypt", { CiphertextBlob: blob })).Plaintext, "base64").toString()).toBe("across nodes");
    expect((await b.call("DescribeKey", { KeyId: KeyMetadata.KeyId })).KeyMetadata.Alias).toBe("cluster-one");
    expect(await b.fail("CreateKey", { Alias: "cluster-one" })).toBe("InvalidParameterValue.AliasAlreadyExists");
    // The cluster's one audit log, read through the API on the other node: the CreateKey made on node a is there.
    const listed = await b.call("OpenKMS.ListAuditRecords", { Action: "CreateKey", KeyId: KeyMetadata.KeyId, Result: "Success", Limit: 10 });
    expect(listed.TotalCount).toBe(1);
    expect(listed.Records[0].KeyIds).toEqual([KeyMetadata.KeyId]);
  });

  it("disable, archive, schedule deletion and cancel on one node apply on the other's next request", async () => {
    const keyId = (await a.call("CreateKey", { Alias: "cluster-states" })).KeyId;
    const blob = (await b.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).CiphertextBlob;

    await a.call("DisableKey", { KeyId: keyId });
    expect(await b.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("ResourceUnavailable.CmkDisabled");
    await b.call("EnableKey", { KeyId: keyId });
    await a.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") });

    await b.call("ArchiveKey", { KeyId: keyId });
    expect(await a.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("ResourceUnavailable.CmkArchived");
    await a.call("CancelKeyArchive", { KeyId: keyId });

    await a.call("DisableKey", { KeyId: keyId });
    await a.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    expect((await b.call("DescribeKey", { KeyId: keyId })).KeyMetadata.KeyState).toBe("PendingDelete");
    expect(await b.fail("Decrypt", { CiphertextBlob: blob })).toMatch(/^ResourceUnavailable\.CmkStateNotSupport|^ResourceUnavailable/);
    await b.call("CancelKeyDeletion", { KeyId: keyId });
    expect((await a.call("DescribeKey", { KeyId: keyId })).KeyMetadata.KeyState).toBe("Disabled");
  });

  it("a credential disabled with openkms admin is refused by every node; a policy change applies everywhere", async () => {
    const user = await admin.createUser(`cluster-user-${Date.now()}`);
    const key = await admin.createAccessKey(user.uin);
    const keyId = (await a.call("CreateKey", { Alias: "cluster-policy" })).KeyId;
    const onA = callerFor(a, key.SecretId, key.SecretKey);
    const onB = callerFor(b, key.SecretId, key.SecretKey);
    expect(await onB.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("UnauthorizedOperation");

    await admin.attachPolicy(user.uin, "encrypt", JSON.stringify({
      version: "2.0", statement: [{ effect: "allow", action: ["kms:Encrypt"], resource: ["*"] }],
    }));
    await onA.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") });
    await onB.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") });

    await admin.detachPolicy(user.uin, "encrypt");
    expect(await onA.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("UnauthorizedOperation");

    await admin.attachPolicy(user.uin, "encrypt", JSON.stringify({
      version: "2.0", statement: [{ effect: "allow", action: ["kms:Encrypt"], resource: ["*"] }],
    }));
    await onB.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") });
    await admin.setAccessKeyStatus(key.SecretId, "Disabled");
    expect(await onA.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("AuthFailure.SecretIdNotFound");
    expect(await onB.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("AuthFailure.SecretIdNotFound");
  });

  it("an import token issued by one node is accepted by the other", async () => {
    const keyId = (await a.call("CreateKey", { Alias: "cluster-byok", Type: 2 })).KeyId;
    const params = await a.call("GetParametersForImport", { KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
    const material = randomBytes(16);
    await b.call("ImportKeyMaterial", {
      KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapWithNode(params.PublicKey, "RSAES_OAEP_SHA_256", material), ValidTo: "0",
    });
    expect((await a.call("DescribeKey", { KeyId: keyId })).KeyMetadata.KeyState).toBe("Enabled");
    const blob = (await a.call("Encrypt", { KeyId: keyId, Plaintext: b64("imported") })).CiphertextBlob;
    expect(Buffer.from((await b.call("Decrypt", { CiphertextBlob: blob })).Plaintext, "base64").toString()).toBe("imported");
  });

  it("a due deletion and a due rotation happen once when every node's scheduler runs at once", async () => {
    const doomed = (await a.call("CreateKey", { Alias: "cluster-doomed" })).KeyId;
    const rotating = (await a.call("CreateKey", { Alias: "cluster-rotating" })).KeyId;
    await a.call("DisableKey", { KeyId: doomed });
    await b.call("ScheduleKeyDeletion", { KeyId: doomed, PendingWindowInDays: 7 });
    await b.call("EnableKeyRotation", { KeyId: rotating, RotateDays: 7 });
    const extra = await startServer({ store: url, rootKey: ROOT_KEY, clock, schedulerIntervalSeconds: 0 });
    clock.advance(8 * 86400 * 1000);
    // Three nodes' schedulers at once.
    const dueBefore = (await tools.store.dueKeys(Math.floor(clock.nowMs() / 1000))).map((k) => k.alias);
    expect(dueBefore.sort()).toEqual(["cluster-doomed", "cluster-rotating"]);
    const reports = await Promise.all([a.server.scheduler.runDue(), b.server.scheduler.runDue(), extra.server.scheduler.runDue()]);
    await extra.stop();
    expect(reports.reduce((n, r) => n + r.deleted, 0)).toBe(1);
    expect(reports.reduce((n, r) => n + r.rotated, 0)).toBe(1);
    // (The nodes' clocks are 8 days ahead of the SDK's now: read the shared store directly.)
    expect(await tools.store.getKey(a.server.uin, doomed)).toBeUndefined();
    expect((await tools.store.getKey(a.server.uin, rotating))?.currentVersion).toBe(2);
    expect(await tools.store.getKeyVersion(rotating, 2)).toBeDefined();
    const audit = tools.audit as PgAuditLog;
    const deleted = await queryPgAuditLog(audit, { action: "scheduler.KeyDeleted", keyId: doomed });
    const rotated = await queryPgAuditLog(audit, { action: "scheduler.KeyRotated", keyId: rotating });
    expect(deleted).toHaveLength(1);
    expect(rotated).toHaveLength(1);
  });

  it("the rate limit is the cluster's total, not each node's", async () => {
    const rate = 40;
    const clock = new ManualClock();
    const limited = () => startServer({ store: url, rootKey: ROOT_KEY, clock, logger: pino({ level: "error" }), rateLimits: { enabled: true, rates: { GenerateRandom: rate } } });
    const [c, d] = await Promise.all([limited(), limited()]);
    try {
      const burst = async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 60 }, (_, i) => (i % 2 ? c : d).call("GenerateRandom", { NumberOfBytes: 16 })),
        );
        const refused = results.filter((r) => r.status === "rejected").map((r) => (r.reason as { code?: string }).code);
        expect(new Set(refused)).toEqual(new Set(refused.length ? ["RequestLimitExceeded"] : []));
        return results.length - refused.length;
      };
      // A full bucket (one second's worth), then one second of refill: 2 × rate across both nodes, not 2 × rate each.
      const first = await burst();
      clock.advance(1000);
      const second = await burst();
      expect(first).toBe(rate);
      expect(second).toBe(rate);
    } finally {
      await c.stop();
      await d.stop();
    }
  });

  it("the cluster writes one audit chain; it verifies, and an edited record shows", async () => {
    const audit = tools.audit as PgAuditLog;
    const v = await verifyPgAuditLog(audit);
    expect(v.ok).toBe(true);
    expect(v.records).toBeGreaterThan(50);
    const started = await queryPgAuditLog(audit, { action: "CreateKey", phase: "started" });
    const final = await queryPgAuditLog(audit, { action: "CreateKey", phase: "final" });
    expect(started.length).toBe(final.length);

    const c = new pg.Client(url);
    await c.connect();
    try {
      expect(await c.query("UPDATE audit_log SET code = 'Success' WHERE seq = 3").catch((e: Error) => e.message)).toMatch(/append-only/);
      await c.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change");
      await c.query("UPDATE audit_log SET source_address = '10.0.0.9' WHERE seq = 3");
      await c.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change");
    } finally {
      await c.end();
    }
    const tampered = await verifyPgAuditLog(audit);
    expect(tampered.ok).toBe(false);
    expect(tampered.problem).toMatchObject({ kind: "edited", seq: 3 });
  });
});
