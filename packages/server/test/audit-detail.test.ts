/**
 * Audit records with a `detail` (the product gateway's reads: product, mount, name, version): covered by the MAC when
 * present, so editing, adding or removing it shows in verification; records without one keep the MAC they had before
 * the field existed, and a log written before the `detail` column existed opens, verifies and takes new records.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteAuditLog } from "../src/audit/log.js";
import { queryAuditLog } from "../src/audit/query.js";
import { macInput, type AuditEvent } from "../src/audit/record.js";
import { verifyAuditLog } from "../src/audit/verify.js";
import { rootKeyFromBytes } from "../src/root-key.js";

const scratch = mkdtempSync(join(tmpdir(), "openkms-audit-detail-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const root = () => rootKeyFromBytes(new Uint8Array(32).fill(9));
let files = 0;

const event = (i: number, detail?: AuditEvent["detail"]): AuditEvent => ({
  time: 1_800_000_000_000 + i, requestId: `req-${i}`, action: detail ? "gateway.read" : "Encrypt", secretId: detail ? "0123abcd" : "AKIDx",
  uin: "100000000001", ownerUin: "100000000001", sourceAddress: "127.0.0.1", keyIds: [], code: "Success", latencyMs: 1,
  ...(detail ? { detail } : {}),
});

async function logWith(events: AuditEvent[]): Promise<string> {
  const path = join(scratch, `audit-${++files}.db`);
  const log = SqliteAuditLog.open(path, root());
  await Promise.all(events.map((e) => log.append(e)));
  await log.close();
  return path;
}

function verify(path: string) {
  const log = SqliteAuditLog.open(path, root());
  try {
    return verifyAuditLog(log);
  } finally {
    void log.close();
  }
}

function tamper(path: string, sql: string): void {
  const db = new Database(path);
  db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
  db.exec(sql);
  db.close();
}

describe("audit records with a detail", () => {
  it("a record without detail has the MAC input it had before the field existed (13 elements)", () => {
    expect(JSON.parse(new TextDecoder().decode(macInput(1, "0".repeat(64), event(1))))).toHaveLength(13);
    const withDetail = JSON.parse(new TextDecoder().decode(macInput(1, "0".repeat(64), event(1, { product: "mariadb", mount: "m", name: "1", version: 2 }))));
    expect(withDetail).toHaveLength(14);
    expect(withDetail[13]).toEqual({ product: "mariadb", mount: "m", name: "1", version: 2 });
  });

  it("is stored, read back and verified", async () => {
    const path = await logWith([event(1), event(2, { product: "mariadb", mount: "m", name: "1", version: 2 }), event(3)]);
    expect(verify(path)).toMatchObject({ ok: true, records: 3 });
    const log = SqliteAuditLog.open(path, root());
    try {
      const [a, b, c] = queryAuditLog(log);
      expect(a!.detail).toBeUndefined();
      expect(b!.detail).toEqual({ product: "mariadb", mount: "m", name: "1", version: 2 });
      expect(c!.detail).toBeUndefined();
    } finally {
      await log.close();
    }
  });

  it.each([
    ["edited", `UPDATE audit_log SET detail = '{"product":"mariadb","mount":"m","name":"1","version":3}' WHERE seq = 2`],
    ["reordered fields", `UPDATE audit_log SET detail = '{"mount":"m","product":"mariadb","name":"1","version":2}' WHERE seq = 2`],
    ["removed", "UPDATE audit_log SET detail = NULL WHERE seq = 2"],
    ["added to a record without one", `UPDATE audit_log SET detail = '{"product":"x"}' WHERE seq = 1`],
    ["made unparsable", "UPDATE audit_log SET detail = 'x' WHERE seq = 2"],
  ])("a detail %s is reported at its record", async (_what, sql) => {
    const path = await logWith([event(1), event(2, { product: "mariadb", mount: "m", name: "1", version: 2 }), event(3)]);
    tamper(path, sql);
    const v = verify(path);
    expect(v.ok).toBe(false);
    expect(v.problem).toMatchObject({ kind: "edited", seq: sql.includes("seq = 1") ? 1 : 2 });
  });

  it("a log from before the detail column: opens read-only as it is, verifies, and gains the column when opened to write", async () => {
    const path = await logWith([event(1), event(2)]);
    tamper(path, "ALTER TABLE audit_log DROP COLUMN detail; CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END;");
    const columns = () => {
      const db = new Database(path, { readonly: true });
      try {
        return (db.prepare("SELECT name FROM pragma_table_info('audit_log')").all() as { name: string }[]).map((c) => c.name);
      } finally {
        db.close();
      }
    };
    expect(columns()).not.toContain("detail");
    const reader = SqliteAuditLog.open(path, root(), { create: false });
    expect(verifyAuditLog(reader)).toMatchObject({ ok: true, records: 2 });
    await reader.close();
    expect(columns()).not.toContain("detail");
    const writer = SqliteAuditLog.open(path, root());
    await writer.append(event(3, { product: "mariadb", mount: "m", name: "2", version: 1 }));
    await writer.close();
    expect(columns()).toContain("detail");
    expect(verify(path)).toMatchObject({ ok: true, records: 3 });
  });

  it.each([
    [{ "1": "integer-like name" }],
    [{ "bad name": "x" }],
    [{ product: "x".repeat(257) }],
    [{ version: Number.NaN }],
    [{ nested: { a: 1 } as unknown as string }],
    [Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, i]))],
  ])("a malformed detail is refused (TypeError), nothing written: %o", async (detail) => {
    const path = join(scratch, `audit-${++files}.db`);
    const log = SqliteAuditLog.open(path, root());
    try {
      await expect(log.append(event(1, detail))).rejects.toThrow(TypeError);
      expect(log.head()).toBeUndefined();
    } finally {
      await log.close();
    }
  });
});
