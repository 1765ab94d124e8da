/**
 * `openkms backup <file> --store postgres://…` and `openkms restore <file> --store postgres://…`: an online backup of
 * a PostgreSQL store into the same kind of file as the embedded store's (backup-archive.ts: a gzipped tar with a
 * checksummed manifest), and its restore into an empty database.
 *
 * Backup, while nodes serve: every OpenKMS table (EMBEDDED_TABLES of copy-embedded.ts: meta, keys, key versions,
 * import parameters, material checks, accounts, credentials, policies, hosted data keys, cloud bindings, product
 * gateway tables, the audit key, the audit log and its head) is read in ONE `REPEATABLE READ READ ONLY` transaction:
 * one snapshot, so the audit chain, its head and the keys it names are consistent with each other, and writers are
 * never blocked. Each table becomes `tables/<table>.jsonl` (one canonical JSON array per row, in the table's order;
 * byte columns base64), read through a cursor so no table is held in memory; the manifest (`store: "postgres"`)
 * records the schema version, each table's columns, row count and row digest, the audit head and each file's SHA-256.
 * Nothing is unwrapped: key material and access-key secrets stay wrapped under the root key, which is not in the
 * backup. Not backed up: `rate_buckets` (rate-limit state that refills by itself). A table this code does not know
 * (a newer schema) makes the backup refuse rather than silently leave it out.
 *
 * Restore: every checksum must match; the database is migrated to this code's schema (a backup from a newer schema
 * is refused), must hold no OpenKMS data (unless `replace`, which first empties every OpenKMS table), and the rows go
 * in within one transaction that, before it commits, reads every table back and compares its row count and digest
 * with the manifest, and the audit head with the one backed up. The audit chain itself is verified with the root key:
 * `openkms audit verify --store …`.
 */
import { createReadStream, mkdtempSync, openSync, closeSync, writeSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type pg from "pg";
import {
  BACKUP_FORMAT, BackupError, checkBackupFile, checkBackupTarget, describeFile, openBackupArchive, writeBackupArchive, type BackupFile, type ManifestBase,
} from "../backup-archive.js";
import { canonicalRow, EMBEDDED_TABLES, fromCanonical, RowDigest, type TableSpec } from "./copy-embedded.js";
import { migrate, SCHEMA_VERSION, SchemaTooNewError } from "./migrations.js";
import { inTransaction, openPgPool, redactUrl } from "./pool.js";

/** Tables of the schema that are not backed up: the schema's own bookkeeping and the rate-limit buckets. */
const NOT_BACKED_UP = new Set(["openkms_schema", "rate_buckets"]);
const FETCH_ROWS = 2000;

export interface PgTableBackup {
  table: string;
  /** Columns in each row's array, in order. */
  columns: string[];
  rows: number;
  /** SHA-256 over each row's SHA-256 (of its canonical JSON), hex. */
  digest: string;
}

export interface PgBackupManifest extends ManifestBase {
  store: "postgres";
  /** The schema version (migrations.ts) of the database backed up. */
  schemaVersion: number;
  tables: PgTableBackup[];
  /** The audit head in the snapshot: its last record's seq and MAC, and the number of records. */
  audit: { records: number; lastSeq: number; lastMac: string };
}

/** The archive path of a table's rows. */
export const tableFile = (table: string) => `tables/${table}.jsonl`;

/** Every table file a PostgreSQL backup may hold. */
export const TABLE_FILES: ReadonlySet<string> = new Set(EMBEDDED_TABLES.map((t) => tableFile(t.table)));

/** One table to restore: its spec narrowed to the columns backed up, and what the manifest says of it. */
export interface TableRestore {
  spec: TableSpec;
  backup: PgTableBackup;
}

/**
 * Check a PostgreSQL backup extracted into `work` against this code: every table there, with columns this code
 * knows, from a schema no newer than this code's, every file matching its checksum.
 * @returns the tables in restore order (EMBEDDED_TABLES')
 * @throws BackupError naming what does not fit
 */
export async function planRestore(file: string, work: string, manifest: PgBackupManifest): Promise<TableRestore[]> {
  if (!(manifest.schemaVersion <= SCHEMA_VERSION)) {
    throw new BackupError(`${file} was made from a schema (version ${manifest.schemaVersion}) newer than this OpenKMS knows (${SCHEMA_VERSION}): restore it with a newer OpenKMS`);
  }
  const plan: TableRestore[] = [];
  for (const base of EMBEDDED_TABLES) {
    const backup = manifest.tables?.find((t) => t.table === base.table);
    if (!backup) throw new BackupError(`${file}: table ${base.table} is missing from the backup`);
    const spec = specFor(base, backup.columns ?? []);
    if (!spec) throw new BackupError(`${file}: table ${base.table} has columns this OpenKMS does not know`);
    await checkBackupFile(file, work, manifest, tableFile(base.table));
    plan.push({ spec, backup });
  }
  return plan;
}

/**
 * Read the rows of one extracted table file, `batchRows` at a time, each row an array of canonical values in the
 * spec's column order.
 * @throws BackupError for a line that is not such an array
 */
export async function forEachBackupBatch(file: string, spec: TableSpec, path: string, batchRows: number, fn: (rows: unknown[][]) => Promise<void> | void): Promise<void> {
  let batch: unknown[][] = [];
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      row = undefined;
    }
    if (!Array.isArray(row) || row.length !== spec.columns.length) throw new BackupError(`${file}: ${tableFile(spec.table)} holds a row that is not ${spec.columns.length} columns`);
    batch.push(row);
    if (batch.length >= batchRows) {
      await fn(batch);
      batch = [];
    }
  }
  if (batch.length) await fn(batch);
}

/** `spec` narrowed to (and ordered as) `columns`; undefined when a column is unknown to this code. */
function specFor(spec: TableSpec, columns: string[]): TableSpec | undefined {
  const cols = columns.map((n) => spec.columns.find((c) => c.name === n));
  if (cols.some((c) => c === undefined)) return undefined;
  return { ...spec, columns: cols as TableSpec["columns"] };
}

/** Read `spec`'s table through a cursor, `FETCH_ROWS` rows at a time (inside the caller's transaction). */
async function forEachBatch(client: pg.PoolClient, spec: TableSpec, fn: (rows: Record<string, unknown>[]) => void): Promise<void> {
  await client.query(`DECLARE openkms_backup NO SCROLL CURSOR FOR SELECT ${spec.columns.map((c) => c.name).join(", ")} FROM ${spec.table} ORDER BY ${spec.order}`);
  for (;;) {
    const { rows } = await client.query(`FETCH FORWARD ${FETCH_ROWS} FROM openkms_backup`);
    if (rows.length === 0) break;
    fn(rows);
  }
  await client.query("CLOSE openkms_backup");
}

function storeProblem(url: string, e: unknown): BackupError {
  return new BackupError(`cannot use the PostgreSQL store ${redactUrl(url)}: ${(e as Error)?.message ?? String(e)}`);
}

/**
 * Back up the PostgreSQL store at `url` into `file` (gzipped tar, 0600), online.
 * @returns the manifest written
 * @throws BackupError when `file` exists or its directory does not, the database holds no OpenKMS store or a table
 *   this code does not know, or cannot be reached
 */
export async function backupPostgres(url: string, file: string): Promise<PgBackupManifest> {
  checkBackupTarget(file);
  const pool = openPgPool(url, { max: 1, timeouts: { statementMs: 600_000, queryMs: 610_000 } });
  const work = mkdtempSync(join(dirname(file), ".openkms-backup-"));
  mkdirSync(join(work, "tables"));
  let client: pg.PoolClient | undefined;
  try {
    try {
      client = await pool.connect();
    } catch (e) {
      throw storeProblem(url, e);
    }
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const present = (await client.query<{ t: string | null }>("SELECT to_regclass('openkms_schema')::text AS t")).rows[0]?.t;
    if (!present) throw new BackupError(`${redactUrl(url)} holds no OpenKMS store`);
    const schemaVersion = (await client.query<{ v: number }>("SELECT MAX(version) AS v FROM openkms_schema")).rows[0]!.v;
    const known = new Set([...EMBEDDED_TABLES.map((t) => t.table), ...NOT_BACKED_UP]);
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
    const unknown = tables.map((t) => t.name).filter((t) => !known.has(t));
    if (unknown.length) throw new BackupError(`${redactUrl(url)} has tables this OpenKMS does not know (${unknown.join(", ")}): back it up with the OpenKMS version the nodes run`);
    const edition = (await client.query<{ value: string }>("SELECT value FROM meta WHERE name = 'edition'")).rows[0]?.value;
    const head = (await client.query<{ seq: number; mac: string }>("SELECT seq, mac FROM audit_head WHERE id = 1")).rows[0];
    const backedUp: PgTableBackup[] = [];
    for (const spec of EMBEDDED_TABLES) {
      const fd = openSync(join(work, tableFile(spec.table)), "wx", 0o600);
      const digest = new RowDigest();
      let rows = 0;
      try {
        await forEachBatch(client, spec, (batch) => {
          const lines = batch.map((r) => canonicalRow(spec, r));
          for (const l of lines) digest.add(l);
          rows += lines.length;
          writeSync(fd, lines.join("\n") + "\n");
        });
      } finally {
        closeSync(fd);
      }
      backedUp.push({ table: spec.table, columns: spec.columns.map((c) => c.name), rows, digest: digest.hex() });
    }
    await client.query("COMMIT");
    const files: BackupFile[] = [];
    for (const spec of EMBEDDED_TABLES) files.push(await describeFile(work, tableFile(spec.table)));
    const auditRows = backedUp.find((t) => t.table === "audit_log")!.rows;
    const manifest: PgBackupManifest = {
      format: BACKUP_FORMAT, store: "postgres", createdAt: new Date().toISOString(), edition, files, schemaVersion, tables: backedUp,
      audit: { records: auditRows, lastSeq: head?.seq ?? 0, lastMac: head?.mac ?? "" },
    };
    await writeBackupArchive(file, work, manifest);
    return manifest;
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw storeProblem(url, e);
  } finally {
    if (client) {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
    }
    await pool.end();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Is the database's OpenKMS store empty (never served, or only migrated)? */
async function isEmpty(client: pg.PoolClient): Promise<{ table: string; rows: number } | undefined> {
  for (const table of ["meta", "keys", "accounts", "credentials", "audit_log", "audit_meta"]) {
    const n = (await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`)).rows[0]!.n;
    if (n > 0) return { table, rows: n };
  }
  return undefined;
}

/** Insert the rows of one table file (inside the caller's transaction), in batches. */
async function insertTable(client: pg.PoolClient, spec: TableSpec, path: string, file: string): Promise<void> {
  const cols = spec.columns.map((c) => c.name);
  await forEachBackupBatch(file, spec, path, Math.floor(30_000 / cols.length), async (batch) => {
    const values: unknown[] = [];
    const tuples = batch.map((row) => {
      const base = values.length;
      spec.columns.forEach((col, j) => values.push(fromCanonical(col.kind, row[j])));
      return `(${cols.map((_, j) => `$${base + j + 1}${spec.columns[j]!.kind === "json" ? "::jsonb" : ""}`).join(", ")})`;
    });
    await client.query(`INSERT INTO ${spec.table} (${cols.join(", ")}) VALUES ${tuples.join(", ")}`, values);
  });
  if (spec.serial) {
    await client.query(`SELECT setval(pg_get_serial_sequence('${spec.table}', '${spec.serial}'), GREATEST((SELECT MAX(${spec.serial}) FROM ${spec.table}), 1))`);
  }
}

/**
 * Restore the PostgreSQL store's backup `file` into the database at `url` (migrated to this code's schema first).
 * @param opts.replace empty every OpenKMS table first (stop every node first); otherwise the database must hold no
 *   OpenKMS data
 * @returns the backup's manifest
 * @throws BackupError for a file that is not an OpenKMS backup, a damaged file, an embedded store's backup, a backup
 *   from a newer schema, a database that holds data (without `replace`) or cannot be reached, or rows that do not
 *   read back as backed up (then nothing was written)
 */
export async function restorePostgres(file: string, url: string, opts: { replace?: boolean } = {}): Promise<PgBackupManifest> {
  const work = mkdtempSync(join(tmpdir(), "openkms-restore-"));
  try {
    const manifest = (await openBackupArchive(file, work, (path) => TABLE_FILES.has(path))) as unknown as PgBackupManifest;
    if (manifest.store !== "postgres") {
      throw new BackupError(`${file} is a backup of an embedded store: restore it with --data-dir <dir> (then openkms migrate --to ${redactUrl(url)} to move it into PostgreSQL)`);
    }
    const plan = await planRestore(file, work, manifest);
    const pool = openPgPool(url, { max: 1, timeouts: { statementMs: 600_000, queryMs: 610_000 } });
    try {
      try {
        await migrate(pool);
      } catch (e) {
        if (e instanceof SchemaTooNewError) throw new BackupError(`${redactUrl(url)}: ${e.message}`);
        throw storeProblem(url, e);
      }
      await inTransaction(pool, async (client) => {
        const held = await isEmpty(client);
        if (held && !opts.replace) {
          throw new BackupError(`${redactUrl(url)} already holds an OpenKMS store (table ${held.table} has ${held.rows} rows): restore into an empty database, or give --replace to overwrite it (stop every node first)`);
        }
        if (held) {
          await client.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate");
          await client.query(`TRUNCATE ${[...EMBEDDED_TABLES.map((t) => t.table), "rate_buckets"].join(", ")} RESTART IDENTITY`);
          await client.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate");
        }
        for (const { spec } of plan) await insertTable(client, spec, join(work, tableFile(spec.table)), file);
        // Before committing: every table reads back as it was backed up.
        for (const { spec, backup } of plan) {
          const digest = new RowDigest();
          let rows = 0;
          await forEachBatch(client, spec, (batch) => {
            for (const r of batch) digest.add(canonicalRow(spec, r));
            rows += batch.length;
          });
          const hex = digest.hex();
          if (rows !== backup.rows || hex !== backup.digest) {
            throw new BackupError(`${file}: ${spec.table} does not read back as backed up (${backup.rows} rows → ${rows}; digest ${backup.digest.slice(0, 16)}… → ${hex.slice(0, 16)}…); nothing was restored`);
          }
        }
        const head = (await client.query<{ seq: number; mac: string }>("SELECT seq, mac FROM audit_head WHERE id = 1")).rows[0];
        if ((head?.seq ?? 0) !== manifest.audit.lastSeq || (head?.mac ?? "") !== manifest.audit.lastMac) {
          throw new BackupError(`${file}: the restored audit head differs from the one backed up; nothing was restored`);
        }
      }).catch((e) => {
        if (e instanceof BackupError) throw e;
        throw storeProblem(url, e);
      });
    } finally {
      await pool.end();
    }
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
