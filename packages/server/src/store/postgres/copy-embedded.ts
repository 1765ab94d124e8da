/**
 * `openkms migrate --to postgres://…`: copy a data dir's embedded store (openkms.db: meta, keys, key versions, import
 * parameters, material checks, hosted data keys and their versions, cloud-resource bindings, accounts, credentials,
 * policies; audit.db: the audit key, every record, the head) into
 * an empty PostgreSQL store, in one transaction, then verify the copy:
 * - every table: the same row count, and the same SHA-256 digest of every row (canonical JSON of its columns, byte
 *   columns as base64) on both sides;
 * - the audit chain verifies in PostgreSQL (pg-verify.ts) and ends at the same head as the source.
 *
 * The source is opened read-only; it must not be served meanwhile (the CLI refuses a data dir in use). The source
 * chain is verified first (against its checkpoint): a log that does not verify is not copied. Records keep their seq,
 * MACs and positions, so the chain (and its MAC key, wrapped under the same root key) carries over unchanged.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { parseCheckpoint, CHECKPOINT_META } from "../../audit/checkpoint.js";
import { SqliteAuditLog } from "../../audit/log.js";
import { PgAuditLog } from "../../audit/pg-log.js";
import { verifyPgAuditLog } from "../../audit/pg-verify.js";
import { verifyAuditLog } from "../../audit/verify.js";
import { AUDIT_DB, checkRootKey, KEY_DB, ROOT_KEY_FILE, StartupError } from "../../data-dir.js";
import { loadRootKey } from "../../root-key.js";
import { openSqliteStore } from "../sqlite.js";
import { migrate } from "./migrations.js";
import { inTransaction, openPgPool, redactUrl } from "./pool.js";

export type ColumnKind = "text" | "int" | "real" | "bool" | "bytes" | "json";

export interface TableSpec {
  table: string;
  /** In the embedded file. */
  file: "keys" | "audit";
  /** Columns in PostgreSQL, with the SQLite expression giving each (default: the same name). */
  columns: { name: string; kind: ColumnKind; source?: string }[];
  /** Copy order (and the order rows are compared in). */
  order: string;
  /** Serial column whose sequence must continue after the copied values. */
  serial?: string;
}

const c = (name: string, kind: ColumnKind = "text", source?: string) => ({ name, kind, ...(source ? { source } : {}) });

/** Every table of the embedded store and what it maps to. */
export const EMBEDDED_TABLES: readonly TableSpec[] = [
  { table: "meta", file: "keys", columns: [c("name"), c("value")], order: "name" },
  {
    table: "keys", file: "keys", order: "create_seq", serial: "create_seq",
    columns: [
      c("key_id"), c("uin"), c("alias"), c("description"), c("key_state"), c("key_usage"), c("origin"), c("key_type", "int"),
      c("create_time", "int"), c("create_seq", "int"), c("deletion_date", "int"), c("valid_to", "int"), c("rotation_enabled", "bool"),
      c("rotate_days", "int"), c("next_rotate_time", "int"), c("last_rotate_time", "int"), c("current_version", "int"), c("owner"),
      c("tags", "json"),
    ],
  },
  {
    table: "key_versions", file: "keys", order: "key_id, version",
    columns: [c("key_id"), c("version", "int"), c("algorithm", "int"), c("wrapped_material", "bytes"), c("public_key", "bytes"), c("create_time", "int")],
  },
  {
    table: "import_tokens", file: "keys", order: "key_id",
    columns: [
      c("key_id"), c("token_id", "bytes"), c("wrapping_algorithm"), c("wrapped_private_key", "bytes"), c("public_key", "bytes"),
      c("create_time", "int"), c("valid_to", "int"),
    ],
  },
  { table: "material_checks", file: "keys", order: "key_id", columns: [c("key_id"), c("wrapped_check", "bytes")] },
  {
    table: "accounts", file: "keys", order: "create_seq", serial: "create_seq",
    columns: [c("uin"), c("owner_uin"), c("name"), c("status"), c("create_time", "int"), c("create_seq", "int", "rowid")],
  },
  {
    table: "credentials", file: "keys", order: "create_seq", serial: "create_seq",
    columns: [c("secret_id"), c("uin"), c("wrapped_secret_key", "bytes"), c("status"), c("create_time", "int"), c("create_seq", "int", "rowid")],
  },
  {
    table: "data_keys", file: "keys", order: "create_seq", serial: "create_seq",
    columns: [
      c("data_key_id"), c("uin"), c("key_id"), c("name"), c("description"), c("key_state"), c("origin"), c("number_of_bytes", "int"),
      c("create_time", "int"), c("create_seq", "int"), c("deletion_date", "int"), c("owner"), c("current_version", "int"), c("tags", "json"),
    ],
  },
  {
    table: "data_key_versions", file: "keys", order: "data_key_id, version",
    columns: [c("data_key_id"), c("version", "int"), c("ciphertext_blob", "bytes"), c("create_time", "int")],
  },
  {
    table: "cloud_bindings", file: "keys", order: "create_seq", serial: "create_seq",
    columns: [c("key_id"), c("uin"), c("product_id"), c("resource_id"), c("create_time", "int"), c("create_seq", "int")],
  },
  {
    table: "product_mounts", file: "keys", order: "mount",
    columns: [c("mount"), c("product"), c("uin"), c("key_id"), c("rotation_days", "int"), c("next_rotate_time", "int"), c("create_time", "int")],
  },
  {
    table: "product_tokens", file: "keys", order: "token_id",
    columns: [c("token_id"), c("token_hash"), c("mount"), c("product"), c("status"), c("create_time", "int"), c("revoke_time", "int")],
  },
  { table: "product_keys", file: "keys", order: "mount, name", columns: [c("mount"), c("name"), c("data_key_id"), c("create_time", "int")] },
  { table: "policies", file: "keys", order: "uin, name", columns: [c("uin"), c("name"), c("document"), c("create_time", "int")] },
  { table: "audit_meta", file: "audit", order: "name", columns: [c("name"), c("value")] },
  {
    table: "audit_log", file: "audit", order: "pos", serial: "pos",
    columns: [
      c("pos", "int"), c("seq", "int"), c("time_ms", "int"), c("request_id"), c("action"), c("secret_id"), c("uin"), c("owner_uin"),
      c("source_address"), c("key_ids"), c("code"), c("latency_ms", "real"), c("prev_mac"), c("mac"), c("count", "int"), c("detail"),
    ],
  },
  { table: "audit_head", file: "audit", order: "id", columns: [c("id", "int"), c("seq", "int"), c("mac"), c("head_mac")] },
];

export interface TableCopy {
  table: string;
  rows: number;
  /** SHA-256 over the rows' digests in order, hex (the same on both sides). */
  digest: string;
}

export interface CopyReport {
  /** The target URL without its password. */
  to: string;
  tables: TableCopy[];
  audit: { records: number; lastSeq: number; lastMac: string };
}

/** A value as PostgreSQL takes it. */
function toPg(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (kind === "bool") return v === 1 || v === true;
  if (kind === "bytes") return Buffer.from(v as Uint8Array);
  if (kind === "json") return typeof v === "string" ? v : JSON.stringify(v);
  return v;
}

/** A value in the canonical form both sides' rows are digested in. */
function canonical(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case "bool":
      return v === 1 || v === true;
    case "bytes":
      return Buffer.from(v as Uint8Array).toString("base64");
    case "json": {
      const parsed = typeof v === "string" ? JSON.parse(v) : v;
      return JSON.stringify(sortKeys(parsed));
    }
    case "int":
    case "real":
      return Number(v);
    default:
      return String(v);
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

/** One row as canonical JSON: an array of its columns' canonical values (byte columns base64, JSON as sorted text). */
export function canonicalRow(spec: TableSpec, row: Record<string, unknown>): string {
  return JSON.stringify(spec.columns.map((col) => canonical(col.kind, row[col.name])));
}

/** A value read back from a canonical row, as PostgreSQL takes it (byte columns as Buffers, JSON as text). */
export function fromCanonical(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  return kind === "bytes" ? Buffer.from(String(v), "base64") : v;
}

/** Digests rows one canonical row at a time: SHA-256 over each row's SHA-256, hex (the same as {@link digestRows}). */
export class RowDigest {
  private readonly all = createHash("sha256");
  add(canonicalRowJson: string): void {
    this.all.update(createHash("sha256").update(canonicalRowJson).digest());
  }
  hex(): string {
    return this.all.digest("hex");
  }
}

/** SHA-256 over each row's SHA-256 of its {@link canonicalRow}, hex: equal on both sides of a faithful copy. */
export function digestRows(spec: TableSpec, rows: Record<string, unknown>[]): string {
  const d = new RowDigest();
  for (const r of rows) d.add(canonicalRow(spec, r));
  return d.hex();
}

/** The SELECT reading a table from the embedded file; columns the file lacks (older versions) get their default. */
export function selectSqlite(db: Database.Database, spec: TableSpec): string {
  const present = new Set(db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${spec.table}')`).all().map((r) => r.name));
  const DEFAULTS: Record<string, string> = { count: "1", detail: "NULL" };
  const expr = (col: TableSpec["columns"][number]) =>
    col.source ? `${col.source} AS ${col.name}` : present.has(col.name) ? col.name : `${DEFAULTS[col.name] ?? "NULL"} AS ${col.name}`;
  return `SELECT ${spec.columns.map(expr).join(", ")} FROM ${spec.table} ORDER BY ${spec.order}`;
}

/** The copy was refused or did not verify. */
export class CopyError extends Error {
  override name = "CopyError";
}

/**
 * Copy the embedded store of `dataDir` into the (empty) PostgreSQL store at `to` and verify the copy.
 * @param opts.rootKey base64 root key (OPENKMS_ROOT_KEY); otherwise `<dataDir>/root.key`
 * @returns what was copied, with each table's row count and digest
 * @throws StartupError when the data dir or its root key is missing or wrong, or the target cannot be reached;
 *   CopyError when the source audit log does not verify, the target already holds a store, or the copy differs
 */
export async function copyEmbeddedToPostgres(opts: { dataDir: string; to: string; rootKey?: string | undefined }): Promise<CopyReport> {
  const keyDb = join(opts.dataDir, KEY_DB);
  const auditDb = join(opts.dataDir, AUDIT_DB);
  const keyFile = join(opts.dataDir, ROOT_KEY_FILE);
  if (!existsSync(keyDb)) throw new StartupError(`${opts.dataDir} is not an OpenKMS data dir (no ${KEY_DB})`);
  if (!existsSync(auditDb)) throw new StartupError(`${opts.dataDir} has no ${AUDIT_DB}: the audit log cannot be carried over`);
  if (!opts.rootKey && !existsSync(keyFile)) throw new StartupError(`the root key file ${keyFile} is missing (or give OPENKMS_ROOT_KEY)`);
  const { root } = loadRootKey({ keyFile, envValue: opts.rootKey });
  const sources = { keys: new Database(keyDb, { readonly: true, fileMustExist: true }), audit: new Database(auditDb, { readonly: true, fileMustExist: true }) };
  const pool = openPgPool(opts.to, { max: 2, timeouts: { statementMs: 600_000, queryMs: 610_000 } });
  try {
    // The source: the right root key, and an audit chain that verifies up to its checkpoint.
    const check = openSqliteStore(keyDb);
    try {
      await checkRootKey(check, root);
    } finally {
      await check.close();
    }
    const log = SqliteAuditLog.open(auditDb, root, { create: false });
    let source;
    try {
      const cp = parseCheckpoint((sources.keys.prepare(`SELECT value FROM meta WHERE name = ?`).get(CHECKPOINT_META) as { value: string } | undefined)?.value);
      source = verifyAuditLog(log, { checkpoint: cp ?? null });
    } finally {
      await log.close();
    }
    if (!source.ok) throw new CopyError(`the source audit log does not verify (${source.problem!.kind} at record ${source.problem!.seq}: ${source.problem!.detail}); fix or restore it before migrating`);

    try {
      await migrate(pool);
    } catch (e) {
      throw new StartupError(`cannot use the PostgreSQL store ${redactUrl(opts.to)}: ${(e as Error).message}`);
    }
    const expected: TableCopy[] = [];
    await inTransaction(pool, async (client) => {
      for (const t of ["meta", "keys", "accounts", "audit_log", "audit_meta"]) {
        const n = (await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${t}`)).rows[0]!.n;
        if (n > 0) throw new CopyError(`${redactUrl(opts.to)} already holds an OpenKMS store (table ${t} has ${n} rows): migrate into an empty database`);
      }
      for (const spec of EMBEDDED_TABLES) {
        const src = sources[spec.file];
        // A table the file lacks (a data dir last served by a version without it) has no rows to copy.
        const present = src.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(spec.table) !== undefined;
        const rows = present ? (src.prepare(selectSqlite(src, spec)).all() as Record<string, unknown>[]) : [];
        expected.push({ table: spec.table, rows: rows.length, digest: digestRows(spec, rows) });
        const cols = spec.columns.map((col) => col.name);
        const perInsert = Math.floor(30_000 / cols.length);
        for (let i = 0; i < rows.length; i += perInsert) {
          const chunk = rows.slice(i, i + perInsert);
          const values: unknown[] = [];
          const tuples = chunk.map((r) => {
            const base = values.length;
            for (const col of spec.columns) values.push(toPg(col.kind, r[col.name]));
            return `(${cols.map((_, j) => `$${base + j + 1}${spec.columns[j]!.kind === "json" ? "::jsonb" : ""}`).join(", ")})`;
          });
          await client.query(`INSERT INTO ${spec.table} (${cols.join(", ")}) VALUES ${tuples.join(", ")}`, values);
        }
        if (spec.serial) {
          await client.query(`SELECT setval(pg_get_serial_sequence('${spec.table}', '${spec.serial}'), GREATEST((SELECT MAX(${spec.serial}) FROM ${spec.table}), 1))`);
        }
      }
    });

    // Verify: every table's rows read back from PostgreSQL digest the same; the chain verifies there.
    const tables: TableCopy[] = [];
    for (const spec of EMBEDDED_TABLES) {
      const { rows } = await pool.query(`SELECT ${spec.columns.map((col) => col.name).join(", ")} FROM ${spec.table} ORDER BY ${spec.order}`);
      const copied = { table: spec.table, rows: rows.length, digest: digestRows(spec, rows) };
      const want = expected.find((e) => e.table === spec.table)!;
      if (copied.rows !== want.rows || copied.digest !== want.digest) {
        throw new CopyError(`the copy of ${spec.table} differs (${want.rows} rows → ${copied.rows}; digest ${want.digest.slice(0, 16)}… → ${copied.digest.slice(0, 16)}…)`);
      }
      tables.push(copied);
    }
    const pgLog = await PgAuditLog.open(pool, root, { create: false });
    let copiedChain;
    try {
      copiedChain = await verifyPgAuditLog(pgLog);
    } finally {
      await pgLog.close();
    }
    if (!copiedChain.ok || copiedChain.lastSeq !== source.lastSeq || copiedChain.lastMac !== source.lastMac) {
      throw new CopyError(`the copied audit chain does not verify in PostgreSQL: ${copiedChain.problem?.detail ?? `it ends at record ${copiedChain.lastSeq}, the source at ${source.lastSeq}`}`);
    }
    return { to: redactUrl(opts.to), tables, audit: { records: copiedChain.records, lastSeq: copiedChain.lastSeq, lastMac: copiedChain.lastMac } };
  } finally {
    sources.keys.close();
    sources.audit.close();
    await pool.end();
    root.close();
  }
}
