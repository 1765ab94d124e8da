/**
 * `openkms restore <file> --data-dir <dir>` for a PostgreSQL store's backup (backup.ts): the backed-up tables become
 * an embedded store's `openkms.db` and `audit.db` — the reverse of `openkms migrate` (copy-embedded.ts), through the
 * same table map, so one node can take over a cluster's keys, accounts and audit chain.
 *
 * The files are made with the embedded stores' own schemas (opening each store creates its tables; the audit log's
 * MAC key made by that first open, under a throwaway root, is replaced by the backed-up one before anything else is
 * written), the rows are inserted in the table map's order, and every table is read back the way `openkms migrate`
 * reads it and compared with the backup's row count and digest. Nothing is unwrapped: the store opens only with the
 * cluster's root key. The audit chain carries over whole (same records, MACs and head); the data dir's first start
 * anchors it (audit/checkpoint.ts).
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { randomBytes } from "@openkms/crypto/random";
import { SqliteAuditLog } from "../../audit/log.js";
import { openSqliteProductStore } from "../../gateway/sqlite-product-store.js";
import { rootKeyFromBytes } from "../../root-key.js";
import { BackupError } from "../backup-archive.js";
import { openSqliteAccountStore } from "../sqlite-accounts.js";
import { openSqliteStore } from "../sqlite.js";
import { forEachBackupBatch, planRestore, tableFile, type PgBackupManifest } from "./backup.js";
import { digestRows, selectSqlite, type ColumnKind } from "./copy-embedded.js";

/** A canonical value as SQLite stores it (booleans as 0/1, bytes as Buffers, JSON as text). */
function toSqlite(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === "bool") return v === true || v === 1 ? 1 : 0;
  if (kind === "bytes") return Buffer.from(String(v), "base64");
  return v;
}

/**
 * Build `openkms.db` and `audit.db` in `work` from the PostgreSQL backup `file`, extracted into `work` with
 * `manifest`.
 * @throws BackupError for a backup that does not fit this code (planRestore), a damaged table file, or tables that do
 *   not read back as backed up
 */
export async function dataDirFilesFromPgBackup(file: string, work: string, manifest: PgBackupManifest): Promise<void> {
  const plan = await planRestore(file, work, manifest);
  const paths = { keys: join(work, "openkms.db"), audit: join(work, "audit.db") };
  for (const open of [openSqliteStore, openSqliteAccountStore, openSqliteProductStore]) await open(paths.keys).close();
  const throwaway = rootKeyFromBytes(randomBytes(32), "memory:restore");
  try {
    await SqliteAuditLog.open(paths.audit, throwaway, { create: true }).close();
  } finally {
    throwaway.close();
  }
  const dbs = { keys: new Database(paths.keys), audit: new Database(paths.audit) };
  try {
    dbs.audit.exec("DELETE FROM audit_meta; DELETE FROM audit_head");
    for (const { spec } of plan) {
      const db = dbs[spec.file];
      const insert = db.prepare(`INSERT INTO ${spec.table} (${spec.columns.map((c) => c.source ?? c.name).join(", ")}) VALUES (${spec.columns.map(() => "?").join(", ")})`);
      db.exec("BEGIN");
      try {
        await forEachBackupBatch(file, spec, join(work, tableFile(spec.table)), 1000, (rows) => {
          for (const row of rows) insert.run(spec.columns.map((c, j) => toSqlite(c.kind, row[j])));
        });
        db.exec("COMMIT");
      } catch (e) {
        db.exec("ROLLBACK");
        if (e instanceof BackupError) throw e;
        throw new BackupError(`${file}: ${spec.table} could not be written into the embedded store (${(e as Error).message})`);
      }
    }
    for (const { spec, backup } of plan) {
      const rows = dbs[spec.file].prepare(selectSqlite(dbs[spec.file], spec)).all() as Record<string, unknown>[];
      const digest = digestRows(spec, rows);
      if (rows.length !== backup.rows || digest !== backup.digest) {
        throw new BackupError(`${file}: ${spec.table} does not read back as backed up (${backup.rows} rows → ${rows.length}); nothing was restored`);
      }
    }
  } finally {
    dbs.keys.close();
    dbs.audit.close();
  }
}
