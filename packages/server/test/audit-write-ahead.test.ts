/**
 * Write-ahead audit records (a state change is never left unrecorded, and `InternalError` keeps meaning "not
 * applied") and the anchor of the log in openkms.db (deleting, emptying or cutting back audit.db shows).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { actions } from "../src/actions/index.js";
import { isReadOnlyAction, READ_ONLY_ACTIONS } from "../src/actions/read-only.js";
import { CHECKPOINT_META, parseCheckpoint, type AuditCheckpoint } from "../src/audit/checkpoint.js";
import type { AuditSink } from "../src/audit/log.js";
import { SqliteAuditLog } from "../src/audit/log.js";
import { queryAuditLog } from "../src/audit/query.js";
import { STARTED, type AuditEvent } from "../src/audit/record.js";
import { missingAuditLog, verifyAuditLog } from "../src/audit/verify.js";
import { inspectAuditLog } from "../src/data-dir.js";
import { rootKeyFromBytes } from "../src/root-key.js";
import { b64, startServer } from "./_harness.js";

const scratch = mkdtempSync(join(tmpdir(), "openkms-write-ahead-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An audit sink in memory that refuses the appends `fails` picks (a locked or full audit.db). */
function memorySink(fails: (e: AuditEvent) => boolean) {
  const kept: AuditEvent[] = [];
  const sink: AuditSink & { kept: AuditEvent[]; onAppend?: (e: AuditEvent) => Promise<void> } = {
    kept,
    async append(e) {
      if (fails(e)) throw new Error("database or disk is full (test)");
      await sink.onAppend?.(e);
      kept.push(e);
    },
    async close() {},
  };
  return sink;
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  return { logger, lines };
}

describe("which actions change state", () => {
  it("every action is classified; the state-changing ones are exactly these, and unknown names count as state-changing", () => {
    const changing = [...actions.keys()].filter((a) => !isReadOnlyAction(a)).sort();
    expect(changing).toEqual([
      "ArchiveKey", "BindCloudResource", "CancelDataKeyDeletion", "CancelKeyArchive", "CancelKeyDeletion", "CreateKey",
      "DeleteImportedKeyMaterial", "DisableDataKey", "DisableDataKeys", "DisableKey", "DisableKeyRotation", "DisableKeys",
      "EnableDataKey", "EnableDataKeys", "EnableKey", "EnableKeyRotation", "EnableKeys", "GetParametersForImport",
      "ImportDataKey", "ImportKeyMaterial", "RotateKey", "ScheduleDataKeyDeletion", "ScheduleKeyDeletion",
      "UnbindCloudResource", "UpdateAlias", "UpdateDataKeyDescription", "UpdateDataKeyName", "UpdateKeyDescription",
    ]);
    for (const name of READ_ONLY_ACTIONS) expect(actions.has(name), name).toBe(true);
    expect(isReadOnlyAction("DeleteWhiteBoxKey")).toBe(false);
  });
});

describe("write-ahead records for state-changing actions", () => {
  it("the Started record is durable before the action changes anything; the final record follows", async () => {
    const sink = memorySink(() => false);
    const s = await startServer({ auditSink: sink });
    try {
      const { KeyId } = await s.call("CreateKey", { Alias: "wa", Description: "before" });
      const seen: string[] = [];
      sink.onAppend = async (e) => {
        if (e.action === "UpdateKeyDescription") seen.push(`${e.code}:${(await s.server.store.getKey(s.server.uin, KeyId))!.description}`);
      };
      await s.call("UpdateKeyDescription", { KeyId, Description: "after" });
      expect(seen).toEqual(["Started:before", "Success:after"]);
      const update = sink.kept.filter((e) => e.action === "UpdateKeyDescription");
      expect(update[0]!.requestId).toBe(update[1]!.requestId);
      expect(update[0]).toMatchObject({ code: STARTED, keyIds: [KeyId], uin: s.server.uin });
      // CreateKey: Started knows no key yet, the final record names the new one
      expect(sink.kept.filter((e) => e.action === "CreateKey").map((e) => [e.code, e.keyIds])).toEqual([[STARTED, []], ["Success", [KeyId]]]);
    } finally {
      await s.stop();
    }
  });

  it("when the Started record cannot be written: InternalError, and the action did not run", async () => {
    let failing = false;
    const sink = memorySink((e) => failing && e.code === STARTED);
    const s = await startServer({ auditSink: sink });
    try {
      const { KeyId } = await s.call("CreateKey", { Alias: "kept", Description: "old" });
      failing = true;
      expect(await s.fail("CreateKey", { Alias: "never" })).toBe("InternalError");
      expect(await s.fail("UpdateKeyDescription", { KeyId, Description: "new" })).toBe("InternalError");
      expect(await s.fail("DisableKey", { KeyId })).toBe("InternalError");
      expect(await s.fail("ScheduleKeyDeletion", { KeyId, PendingWindowInDays: 7 })).toBe("InternalError");
      const keys = (await s.call("ListKeyDetail", { Limit: 100 })).KeyMetadatas as { KeyId: string; Description: string; KeyState: string }[];
      expect(keys.map((k) => [k.KeyId, k.Description, k.KeyState])).toEqual([[KeyId, "old", "Enabled"]]);
      // the refusal is recorded as such
      expect(sink.kept.filter((e) => e.action === "UpdateKeyDescription").map((e) => e.code)).toEqual(["InternalError"]);
    } finally {
      await s.stop();
    }
  });

  it("when the final record of a state change cannot be written: the real result, an error in the log, the Started record stands", async () => {
    const sink = memorySink((e) => e.action === "UpdateKeyDescription" && e.code !== STARTED);
    const { logger, lines } = capturingLogger();
    const s = await startServer({ auditSink: sink, logger });
    try {
      const { KeyId } = await s.call("CreateKey", { Alias: "k" });
      const r = await s.call("UpdateKeyDescription", { KeyId, Description: "changed" });
      expect(r.RequestId).toBeDefined();
      expect((await s.call("DescribeKey", { KeyId })).KeyMetadata.Description).toBe("changed");
      expect(sink.kept.filter((e) => e.requestId === r.RequestId).map((e) => e.code)).toEqual([STARTED]);
      expect(lines.find((l) => l.requestId === r.RequestId && l.level === 50)?.msg).toMatch(/final audit record failed.*Started record stands/);
    } finally {
      await s.stop();
    }
  });

  it("read-only actions keep one record; when it cannot be written the answer is InternalError", async () => {
    let failing = false;
    const sink = memorySink((e) => failing && e.action === "Encrypt");
    const s = await startServer({ auditSink: sink });
    try {
      const { KeyId } = await s.call("CreateKey", { Alias: "ro" });
      await s.call("Encrypt", { KeyId, Plaintext: b64("x") });
      await s.call("DescribeKey", { KeyId });
      expect(sink.kept.filter((e) => e.action === "Encrypt" || e.action === "DescribeKey").map((e) => e.code)).toEqual(["Success", "Success"]);
      failing = true;
      expect(await s.fail("Encrypt", { KeyId, Plaintext: b64("x") })).toBe("InternalError");
    } finally {
      await s.stop();
    }
  });

  it("verify accepts Started records and counts those without a final record; query finds them", async () => {
    const root = rootKeyFromBytes(new Uint8Array(32).fill(3));
    const log = SqliteAuditLog.open(join(scratch, "unfinished.db"), root);
    const ev = (requestId: string, code: string): AuditEvent => ({
      time: 1, requestId, action: "CreateKey", secretId: "", uin: "1", ownerUin: "1", sourceAddress: "local", keyIds: [], code, latencyMs: 0,
    });
    try {
      await log.append(ev("a", STARTED));
      await log.append(ev("b", STARTED)); // the process died here
      await log.append(ev("a", "Success"));
      expect(verifyAuditLog(log)).toMatchObject({ ok: true, records: 3, unfinished: 1 });
      expect(queryAuditLog(log, { unfinished: true }).map((r) => r.requestId)).toEqual(["b"]);
    } finally {
      await log.close();
      root.close();
    }
  });
});

/** The checkpoint stored in a data dir's openkms.db. */
function storedCheckpoint(dataDir: string): AuditCheckpoint | undefined {
  const db = new Database(join(dataDir, "openkms.db"), { readonly: true });
  try {
    const row = db.prepare("SELECT value FROM meta WHERE name = ?").get(CHECKPOINT_META) as { value: string } | undefined;
    const cp = parseCheckpoint(row?.value);
    if (cp === "malformed") throw new Error("malformed checkpoint");
    return cp;
  } finally {
    db.close();
  }
}

async function verifyDir(dataDir: string) {
  const audit = await inspectAuditLog({ dataDir, nowSeconds: 0 });
  try {
    return audit.log ? verifyAuditLog(audit.log, { checkpoint: audit.checkpoint }) : missingAuditLog(audit.unavailable!);
  } finally {
    await audit.close();
  }
}

const removeAuditDb = (dataDir: string) => {
  for (const f of ["audit.db", "audit.db-wal", "audit.db-shm"]) rmSync(join(dataDir, f), { force: true });
};

describe("the audit log is anchored in openkms.db", () => {
  it("from the first start (the empty log), before every state change runs, and at shutdown", async () => {
    const dataDir = join(scratch, "anchored");
    const s = await startServer({ dataDir });
    try {
      expect(storedCheckpoint(dataDir)).toMatchObject({ seq: 0, mac: "0".repeat(64) });
      await s.call("GetRegions");
      const { KeyId } = await s.call("CreateKey", { Alias: "a" });
      // CreateKey's Started record (seq 2) was anchored before the key was created
      expect(storedCheckpoint(dataDir)!.seq).toBeGreaterThanOrEqual(2);
      await s.call("Encrypt", { KeyId, Plaintext: b64("x") });
    } finally {
      await s.stop();
    }
    const v = await verifyDir(dataDir);
    expect(v).toMatchObject({ ok: true, records: 4, lastSeq: 4, checkpoint: { seq: 4 } });
    expect(storedCheckpoint(dataDir)).toMatchObject({ seq: 4, mac: v.lastMac });
  });

  it("an older copy of audit.db swapped in (the tail cut back to an older head) is reported", async () => {
    const dataDir = join(scratch, "rollback");
    const s = await startServer({ dataDir });
    await s.call("CreateKey", { Alias: "one" });
    await s.server.close();
    copyFileSync(join(dataDir, "audit.db"), join(scratch, "older-audit.db"));
    await s.restart();
    await s.call("CreateKey", { Alias: "two" });
    await s.stop();
    expect((await verifyDir(dataDir)).ok).toBe(true);
    removeAuditDb(dataDir);
    copyFileSync(join(scratch, "older-audit.db"), join(dataDir, "audit.db"));
    const v = await verifyDir(dataDir);
    expect(v).toMatchObject({ ok: false, problem: { kind: "removed", seq: 3 } });
    expect(v.problem!.detail).toMatch(/checkpoint in openkms.db names record 4/);
  });

  it.each<[string, (dataDir: string) => void, string, RegExp]>([
    ["audit.db deleted", removeAuditDb, "missing", /audit\.db is missing \(the checkpoint in openkms\.db names record 2\)/],
    ["audit.db truncated to 0 bytes", (d) => { rmSync(join(d, "audit.db-wal"), { force: true }); truncateSync(join(d, "audit.db"), 0); }, "missing", /audit\.db is empty/],
    ["its tables dropped", (d) => {
      const db = new Database(join(d, "audit.db"));
      db.exec("DROP TABLE audit_log; DROP TABLE audit_head; DROP TABLE audit_meta;");
      db.close();
    }, "missing", /holds no audit log/],
    ["every row and the head deleted", (d) => {
      const db = new Database(join(d, "audit.db"));
      db.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log; DELETE FROM audit_head;");
      db.close();
    }, "removed", /records 1-2 are missing: the checkpoint in openkms\.db names record 2/],
    ["the checkpoint removed from openkms.db", (d) => {
      const db = new Database(join(d, "openkms.db"));
      db.prepare("DELETE FROM meta WHERE name = ?").run(CHECKPOINT_META);
      db.close();
    }, "checkpoint", /holds no audit checkpoint/],
  ])("%s: verify fails, and never creates audit.db", async (_what, tamper, kind, detail) => {
    const dataDir = join(scratch, `gone-${kind}-${Math.random().toString(36).slice(2)}`);
    const s = await startServer({ dataDir });
    await s.call("CreateKey", { Alias: "x" });
    await s.stop();
    tamper(dataDir);
    const existed = existsSync(join(dataDir, "audit.db"));
    const v = await verifyDir(dataDir);
    expect(v.ok).toBe(false);
    expect(v.problem).toMatchObject({ kind });
    expect(v.problem!.detail).toMatch(detail);
    expect(existsSync(join(dataDir, "audit.db"))).toBe(existed);
  });

  it("serve on a data dir whose audit.db was deleted: an error in the log, requests still served and audited, the checkpoint kept as evidence", async () => {
    const dataDir = join(scratch, "serve-missing");
    const s = await startServer({ dataDir });
    await s.call("CreateKey", { Alias: "x" });
    await s.call("GetRegions");
    await s.stop();
    const before = storedCheckpoint(dataDir)!;
    expect(before.seq).toBe(3);
    removeAuditDb(dataDir);

    const { logger, lines } = capturingLogger();
    const again = await startServer({ dataDir, logger });
    try {
      const problem = lines.find((l) => l.level === 50 && /audit log does not match its checkpoint/.test(String(l.msg)));
      expect(problem?.problem).toMatch(/audit\.db was missing/);
      for (let i = 0; i < 4; i++) await again.call("CreateKey", { Alias: `y${i}` }); // past the checkpoint's seq
    } finally {
      await again.stop();
    }
    expect(storedCheckpoint(dataDir)).toEqual(before);
    const v = await verifyDir(dataDir);
    expect(v).toMatchObject({ ok: false, problem: { kind: "checkpoint", seq: 3 } });
  });
});
