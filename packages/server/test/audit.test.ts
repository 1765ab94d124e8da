/**
 * The audit log: one record per request of every kind (allowed, denied, failed authentication, throttled, refused by
 * the HTTP layer), committed before the response, append-only, and every way of tampering with the file — edit,
 * remove (first, middle, last, a range), reorder, replay, forge, truncate with a rewritten head — reported at the
 * first record affected by `verifyAuditLog` (what `openkms audit verify` runs).
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteAuditLog } from "../src/audit/log.js";
import { queryAuditLog } from "../src/audit/query.js";
import { verifyAuditLog } from "../src/audit/verify.js";
import { loadRootKey, rootKeyFromBytes } from "../src/root-key.js";
import { DAY, testClock } from "./_clock.js";
import { b64, callerFor, openAdmin, sdkClient, startServer, unb64, type Running } from "./_harness.js";

let kms: Running;
const scratch = mkdtempSync(join(tmpdir(), "openkms-audit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Read the audit file through its own read-only connection: what another process would see. */
function committedRecord(dataDir: string, requestId: string): Record<string, unknown> | undefined {
  const db = new Database(join(dataDir, "audit.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT * FROM audit_log WHERE request_id = ?").get(requestId) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}

async function rawPost(run: Running, headers: Record<string, string>, body: string | Uint8Array) {
  const res = await fetch(`${run.url}/`, { method: "POST", headers, body: body as BodyInit });
  return (await res.json()) as { Response: { RequestId: string; Error?: { Code: string } } };
}

describe("what gets recorded", () => {
  beforeAll(async () => {
    kms = await startServer({ rateLimits: { enabled: true, rates: { GenerateRandom: 0.01 } } }); // one, then one per 100 s
  });
  afterAll(async () => kms.stop());

  it("an allowed request: who, when, what, which key, from where, the result and latency — committed before the response", async () => {
    const before = Date.now();
    const { KeyId } = await kms.call("CreateKey", { Alias: "audited" });
    const r = await kms.call("Encrypt", { KeyId, Plaintext: b64("secret") });
    const row = committedRecord(kms.dataDir, r.RequestId);
    expect(row).toMatchObject({
      request_id: r.RequestId, action: "Encrypt", secret_id: kms.server.credential.secretId, uin: kms.server.uin,
      owner_uin: kms.server.uin, source_address: "127.0.0.1", key_ids: JSON.stringify([KeyId]), code: "Success",
    });
    expect(row!.time_ms as number).toBeGreaterThanOrEqual(before);
    expect(row!.latency_ms as number).toBeGreaterThanOrEqual(0);
    // CreateKey records the key it created
    const { log, close } = await openLog(kms);
    try {
      expect(queryAuditLog(log, { action: "CreateKey", keyId: KeyId })).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it("Decrypt records the key named inside the blob; batch actions every KeyId", async () => {
    const a = (await kms.call("CreateKey", { Alias: "batch-a" })).KeyId;
    const b = (await kms.call("CreateKey", { Alias: "batch-b" })).KeyId;
    const blob = (await kms.call("Encrypt", { KeyId: a, Plaintext: b64("x") })).CiphertextBlob;
    const d = await kms.call("Decrypt", { CiphertextBlob: blob });
    expect(committedRecord(kms.dataDir, d.RequestId)!.key_ids).toBe(JSON.stringify([a]));
    const batch = await kms.call("DisableKeys", { KeyIds: [b, a] });
    expect(committedRecord(kms.dataDir, batch.RequestId)!.key_ids).toBe(JSON.stringify([b, a]));
  });

  it("failed authentication: unknown SecretId and a wrong SecretKey are recorded with the claimed SecretId", async () => {
    const stranger = sdkClient(kms.port, "AKIDnobodyhasthisid0000000000000000", "x".repeat(32));
    const e1 = await stranger.request("GetRegions", {}).catch((e) => e);
    expect(e1.code).toBe("AuthFailure.SecretIdNotFound");
    expect(committedRecord(kms.dataDir, e1.requestId)).toMatchObject({
      action: "GetRegions", secret_id: "AKIDnobodyhasthisid0000000000000000", uin: "", owner_uin: "", code: "AuthFailure.SecretIdNotFound",
    });
    const forger = sdkClient(kms.port, kms.server.credential.secretId, "not-the-secret-key-0000000000000");
    const e2 = await forger.request("GetRegions", {}).catch((e) => e);
    expect(e2.code).toBe("AuthFailure.SignatureFailure");
    expect(committedRecord(kms.dataDir, e2.requestId)).toMatchObject({ secret_id: kms.server.credential.secretId, uin: "", code: "AuthFailure.SignatureFailure" });
  });

  it("denied and throttled requests", async () => {
    const { admin, close } = await openAdmin(kms);
    try {
      const user = await admin.createUser("nobody");
      const ak = await admin.createAccessKey("nobody");
      const caller = callerFor(kms, ak.SecretId, ak.SecretKey);
      const denied = await caller.client.request("GenerateRandom", { NumberOfBytes: 4 }).catch((e) => e);
      expect(committedRecord(kms.dataDir, denied.requestId)).toMatchObject({ uin: user.uin, owner_uin: kms.server.uin, code: "UnauthorizedOperation" });
    } finally {
      await close();
    }
    const codes: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await kms.client.request("GenerateRandom", { NumberOfBytes: 4 }).then((x: any) => x, (e) => e);
      codes.push(r.code ?? "Success");
      ids.push(r.requestId ?? r.RequestId);
    }
    expect(codes).toContain("RequestLimitExceeded");
    const throttled = ids[codes.indexOf("RequestLimitExceeded")]!;
    expect(committedRecord(kms.dataDir, throttled)).toMatchObject({ action: "GenerateRandom", uin: kms.server.uin, code: "RequestLimitExceeded" });
  });

  it("requests refused before dispatch: unknown action, oversize body", async () => {
    const noAction = await rawPost(kms, { "Content-Type": "application/json", "X-TC-Action": "NoSuchAction", "X-TC-Version": "2019-01-18" }, "{}");
    expect(committedRecord(kms.dataDir, noAction.Response.RequestId)).toMatchObject({ action: "NoSuchAction", code: "InvalidAction" });
    const big = await rawPost(kms, { "Content-Type": "application/json", "X-TC-Action": "Encrypt" }, new Uint8Array(10 * 1024 * 1024 + 1).fill(0x20));
    expect(big.Response.Error!.Code).toBe("RequestSizeLimitExceeded");
    expect(committedRecord(kms.dataDir, big.Response.RequestId)).toMatchObject({ action: "Encrypt", code: "RequestSizeLimitExceeded" });
    const junkAction = await rawPost(kms, { "Content-Type": "application/json", "X-TC-Action": "'; DROP TABLE x; --", "X-TC-Version": "2019-01-18" }, "{}");
    expect(committedRecord(kms.dataDir, junkAction.Response.RequestId)).toMatchObject({ action: "", code: "InvalidAction" });
  });

  it("requests to paths other than /: UnsupportedProtocol, recorded like other refusals", async () => {
    const signed = { "Content-Type": "application/json", "X-TC-Action": "Encrypt", Authorization: "TC3-HMAC-SHA256 Credential=AKIDclaimed0000/2024-01-01/kms/tc3_request, SignedHeaders=host, Signature=00" };
    for (const [method, path] of [["POST", "/x"], ["GET", "/favicon.ico"], ["POST", "/healthz"]] as const) {
      const res = await fetch(`${kms.url}${path}`, { method, headers: method === "POST" ? signed : {}, ...(method === "POST" ? { body: "{}" } : {}) });
      const body = (await res.json()) as { Response: { RequestId: string; Error: { Code: string } } };
      expect(body.Response.Error.Code).toBe("UnsupportedProtocol");
      expect(committedRecord(kms.dataDir, body.Response.RequestId), `${method} ${path}`).toMatchObject({
        code: "UnsupportedProtocol", source_address: "127.0.0.1", ...(method === "POST" ? { action: "Encrypt", secret_id: "AKIDclaimed0000" } : { action: "" }),
      });
    }
    expect(((await (await fetch(`${kms.url}/healthz`)).json()) as { status: string }).status).toBe("ok");
  });

  it("concurrent requests are committed in groups and the chain stays whole", async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => kms.call("GetRegions")));
    for (const r of results) expect(committedRecord(kms.dataDir, r.RequestId)).toBeDefined();
    const { log, close } = await openLog(kms);
    try {
      const v = verifyAuditLog(log);
      expect(v.ok).toBe(true);
      expect(v.lastSeq).toBe(v.records);
    } finally {
      await close();
    }
  });

  it("the table refuses UPDATE and DELETE", () => {
    const db = new Database(join(kms.dataDir, "audit.db"));
    try {
      expect(() => db.prepare("UPDATE audit_log SET code = 'Success'").run()).toThrow(/append-only/);
      expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});

/** A second connection to a running server's audit log (as `openkms audit` opens it). */
async function openLog(run: Running): Promise<{ log: SqliteAuditLog; close(): Promise<void> }> {
  const { root } = loadRootKey({ keyFile: join(run.dataDir, "root.key") });
  const log = SqliteAuditLog.open(join(run.dataDir, "audit.db"), root);
  return { log, close: async () => { await log.close(); root.close(); } };
}

describe("query", () => {
  let q: Running;
  let keyA: string;
  let t0: number;
  beforeAll(async () => {
    q = await startServer();
    t0 = Date.now();
    keyA = (await q.call("CreateKey", { Alias: "qa" })).KeyId;
    await q.call("Encrypt", { KeyId: keyA, Plaintext: b64("1") });
    await q.fail("Encrypt", { KeyId: keyA, Plaintext: "not base64" });
    await q.call("GetRegions");
    await sdkClient(q.port, "AKIDunknown00000000", "y".repeat(32)).request("GetRegions", {}).catch(() => undefined);
  });
  afterAll(async () => q.stop());

  it("filters by time, action, key, account, SecretId and result", async () => {
    const { log, close } = await openLog(q);
    try {
      const actions = (f: Parameters<typeof queryAuditLog>[1]) => queryAuditLog(log, f).map((r) => `${r.action}:${r.code}`);
      expect(actions({})).toEqual(["CreateKey:Started", "CreateKey:Success", "Encrypt:Success", "Encrypt:InvalidParameterValue.InvalidPlaintext", "GetRegions:Success", "GetRegions:AuthFailure.SecretIdNotFound"]);
      expect(actions({ action: "Encrypt" })).toEqual(["Encrypt:Success", "Encrypt:InvalidParameterValue.InvalidPlaintext"]);
      expect(actions({ keyId: keyA.toUpperCase() })).toHaveLength(3);
      expect(actions({ account: q.server.uin })).toHaveLength(5);
      expect(actions({ secretId: "AKIDunknown00000000" })).toEqual(["GetRegions:AuthFailure.SecretIdNotFound"]);
      expect(actions({ result: "success" })).toHaveLength(3);
      expect(actions({ result: "error" })).toHaveLength(2); // a Started record is not an error
      expect(actions({ result: "Started" })).toEqual(["CreateKey:Started"]);
      expect(actions({ phase: "started" })).toEqual(["CreateKey:Started"]);
      expect(actions({ phase: "final" })).toHaveLength(5);
      expect(actions({ unfinished: true })).toEqual([]);
      expect(actions({ result: "AuthFailure" })).toEqual(["GetRegions:AuthFailure.SecretIdNotFound"]);
      expect(actions({ result: "InvalidParameterValue.InvalidPlaintext" })).toHaveLength(1);
      expect(actions({ result: "Invalid" })).toHaveLength(0); // a prefix matches only before a dot
      expect(actions({ sinceMs: t0 - 1 })).toHaveLength(6);
      expect(actions({ untilMs: t0 - 1 })).toHaveLength(0);
      expect(actions({ sinceMs: Date.now() + 60_000 })).toHaveLength(0);
      expect(actions({ limit: 2, order: "desc" })).toEqual(["GetRegions:AuthFailure.SecretIdNotFound", "GetRegions:Success"]);
    } finally {
      await close();
    }
  });
});

describe("tampering is detected at the first record affected", () => {
  const N = 12;
  let source: string;
  let rootKeyFile: string;
  beforeAll(async () => {
    const t = await startServer();
    for (let i = 0; i < N - 1; i++) await t.call("GenerateRandom", { NumberOfBytes: 8 });
    await t.fail("GenerateRandom", { NumberOfBytes: 0 });
    rootKeyFile = join(scratch, "root.key");
    copyFileSync(join(t.dataDir, "root.key"), rootKeyFile);
    await t.server.close(); // checkpoints the WAL into audit.db
    expect(t.server.auditPath).toBe(join(t.dataDir, "audit.db"));
    expect(t.server.storeLocation).toBe(t.dataDir);
    source = join(scratch, "source-audit.db");
    copyFileSync(t.server.auditPath!, source);
    await t.stop();
  });

  let copies = 0;
  /** Copy the log, apply `tamper` with triggers dropped, and verify the copy. */
  function verifyTampered(tamper: (db: Database.Database) => void) {
    const path = join(scratch, `tampered-${++copies}.db`);
    copyFileSync(source, path);
    const db = new Database(path);
    db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
    tamper(db);
    db.close();
    const { root } = loadRootKey({ keyFile: rootKeyFile });
    const log = SqliteAuditLog.open(path, root);
    try {
      return verifyAuditLog(log);
    } finally {
      void log.close();
      root.close();
    }
  }
  const row = (db: Database.Database, seq: number) => db.prepare("SELECT * FROM audit_log WHERE seq = ?").get(seq) as Record<string, unknown>;
  const COLUMNS = ["seq", "time_ms", "request_id", "action", "secret_id", "uin", "owner_uin", "source_address", "key_ids", "code", "latency_ms", "prev_mac", "mac"];
  const putRow = (db: Database.Database, pos: number, r: Record<string, unknown>) =>
    db.prepare(`UPDATE audit_log SET ${COLUMNS.map((c) => `${c} = @${c}`).join(", ")} WHERE pos = ${pos}`).run(r);

  it("an untouched log verifies", () => {
    const v = verifyTampered(() => {});
    expect(v).toMatchObject({ ok: true, records: N, lastSeq: N });
    expect(v.lastMac).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, string, (db: Database.Database) => void, number]>([
    ["edited", "the action", (db) => db.prepare("UPDATE audit_log SET action = 'Encrypt' WHERE seq = 5").run(), 5],
    ["edited", "the result code", (db) => db.prepare("UPDATE audit_log SET code = 'Success' WHERE seq = 12").run(), 12],
    ["edited", "the time", (db) => db.prepare("UPDATE audit_log SET time_ms = time_ms + 1 WHERE seq = 3").run(), 3],
    ["edited", "the SecretId", (db) => db.prepare("UPDATE audit_log SET secret_id = 'AKIDsomeoneelse' WHERE seq = 1").run(), 1],
    ["edited", "the uin", (db) => db.prepare("UPDATE audit_log SET uin = '100000000009' WHERE seq = 7").run(), 7],
    ["edited", "the source address", (db) => db.prepare("UPDATE audit_log SET source_address = '10.0.0.1' WHERE seq = 8").run(), 8],
    ["edited", "the key ids", (db) => db.prepare(`UPDATE audit_log SET key_ids = '["00000000-0000-4000-8000-000000000000"]' WHERE seq = 9`).run(), 9],
    ["edited", "the key ids into something else than JSON", (db) => db.prepare("UPDATE audit_log SET key_ids = 'x' WHERE seq = 9").run(), 9],
    ["edited", "the latency", (db) => db.prepare("UPDATE audit_log SET latency_ms = 0.5 WHERE seq = 10").run(), 10],
    ["edited", "the request id", (db) => db.prepare("UPDATE audit_log SET request_id = 'x' WHERE seq = 2").run(), 2],
    ["edited", "the seq", (db) => db.prepare("UPDATE audit_log SET seq = 40 WHERE seq = 4").run(), 4],
    ["edited", "the MAC (recomputed without the key)", (db) => db.prepare("UPDATE audit_log SET mac = '00' || substr(mac, 3) WHERE seq = 6").run(), 6],
    ["removed", "the first record", (db) => db.prepare("DELETE FROM audit_log WHERE seq = 1").run(), 1],
    ["removed", "a middle record", (db) => db.prepare("DELETE FROM audit_log WHERE seq = 6").run(), 6],
    ["removed", "a range", (db) => db.prepare("DELETE FROM audit_log WHERE seq BETWEEN 4 AND 7").run(), 4],
    ["removed", "the last record", (db) => db.prepare("DELETE FROM audit_log WHERE seq = 12").run(), 12],
    ["removed", "the last three", (db) => db.prepare("DELETE FROM audit_log WHERE seq >= 10").run(), 10],
    ["removed", "everything", (db) => db.prepare("DELETE FROM audit_log").run(), 1],
    ["reordered", "two neighbours swapped", (db) => {
      const a = row(db, 4), b = row(db, 5);
      putRow(db, a.pos as number, b);
      putRow(db, b.pos as number, a);
    }, 4],
    ["reordered", "a record moved to the end", (db) => {
      const r = row(db, 2);
      db.prepare("DELETE FROM audit_log WHERE seq = 2").run();
      const { pos: _pos, ...rest } = r;
      db.prepare(`INSERT INTO audit_log (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})`).run(rest);
    }, 2],
    ["reordered", "a record replayed at the end", (db) => {
      const { pos: _pos, ...rest } = row(db, 3);
      db.prepare(`INSERT INTO audit_log (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})`).run(rest);
    }, 3],
    ["edited", "a forged record appended (MAC guessed)", (db) => {
      const last = row(db, 12);
      const { pos: _pos, ...rest } = { ...last, seq: 13, request_id: "forged", prev_mac: last.mac, mac: "ab".repeat(32) } as Record<string, unknown>;
      db.prepare(`INSERT INTO audit_log (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})`).run(rest);
    }, 13],
    ["head", "the tail cut and the head rewritten to the new last record", (db) => {
      const r10 = row(db, 10);
      db.prepare("DELETE FROM audit_log WHERE seq > 10").run();
      db.prepare("UPDATE audit_head SET seq = 10, mac = ?").run(r10.mac);
    }, 10],
    ["head", "the head removed", (db) => db.prepare("DELETE FROM audit_head").run(), 12],
  ])("%s: %s", (kind, _what, tamper, seq) => {
    const v = verifyTampered(tamper);
    expect(v.ok).toBe(false);
    expect(v.problem).toMatchObject({ kind, seq });
    expect(v.problem!.detail).toContain(String(seq));
  });

  it("the log cannot be opened with another root key", () => {
    const other = rootKeyFromBytes(new Uint8Array(32).fill(7));
    expect(() => SqliteAuditLog.open(source, other)).toThrow(/does not open/);
  });
});

describe("time-driven key changes", () => {
  it("the scheduler's deletions and rotations are audited as scheduler.<event>, then handed to onKeyEvent", async () => {
    const clock = testClock();
    const events: string[] = [];
    const s = await startServer({ clock, schedulerIntervalSeconds: 0, onKeyEvent: (e) => void events.push(e.type) });
    try {
      const doomed = (await s.call("CreateKey", { Alias: "doomed" })).KeyId;
      await s.call("DisableKey", { KeyId: doomed });
      await s.call("ScheduleKeyDeletion", { KeyId: doomed, PendingWindowInDays: 7 });
      const rotating = (await s.call("CreateKey", { Alias: "rotating" })).KeyId;
      await s.call("EnableKeyRotation", { KeyId: rotating, RotateDays: 7 });
      clock.advance(8 * DAY);
      await s.server.scheduler.runDue();
      expect(events.sort()).toEqual(["KeyDeleted", "KeyRotated"]);
      const { log, close } = await openLog(s);
      try {
        expect(queryAuditLog(log, { action: "scheduler.KeyDeleted" })).toEqual([
          expect.objectContaining({ keyIds: [doomed], uin: s.server.uin, sourceAddress: "local", code: "Success" }),
        ]);
        expect(queryAuditLog(log, { action: "scheduler.KeyRotated", keyId: rotating })).toHaveLength(1);
        expect(verifyAuditLog(log).ok).toBe(true);
      } finally {
        await close();
      }
    } finally {
      await s.stop();
      clock.restore();
    }
  });
});

describe("audit without secrets in it", () => {
  it("records hold no request or response bodies", async () => {
    const s = await startServer();
    try {
      const { KeyId } = await s.call("CreateKey", { Alias: "k" });
      const pt = b64("the-plaintext-marker");
      const blob = (await s.call("Encrypt", { KeyId, Plaintext: pt })).CiphertextBlob;
      const dek = await s.call("GenerateDataKey", { KeyId, KeySpec: "AES_256" });
      expect(unb64((await s.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("the-plaintext-marker");
      const { log, close } = await openLog(s);
      try {
        const text = JSON.stringify(queryAuditLog(log, {}));
        for (const secret of [pt, "the-plaintext-marker", blob, dek.Plaintext, dek.CiphertextBlob, s.server.credential.secretKey]) {
          expect(text).not.toContain(secret);
        }
      } finally {
        await close();
      }
    } finally {
      await s.stop();
    }
  });
});
