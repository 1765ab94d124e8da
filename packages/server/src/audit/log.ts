/**
 * The append-only audit log on SQLite (`<data-dir>/audit.db`, WAL).
 *
 * `append` resolves only after the record is durable (its WAL frames fsynced), so the dispatcher can hold the response
 * until then. Group commit, without blocking the event loop on the disk: records arriving in the same event-loop turn
 * are committed together in one IMMEDIATE transaction (which reads the chain head from the file, so several processes
 * — the server and `openkms admin` — can append to one log without breaking the chain); the commit only writes the
 * WAL (`synchronous=NORMAL`), and the WAL file is then fsynced (`fdatasync`) on libuv's thread pool. While one fsync
 * runs, later batches commit and start their own (several at once: file systems share journal commits between
 * them; store/fsync-concurrency.ts), or wait for the next; each record's promise resolves after an fsync that began after its commit. That is as durable as `synchronous=FULL` (which fsyncs the WAL inside each commit):
 * a checkpoint, which is what moves WAL content into audit.db and lets the WAL be rewritten, still fsyncs the WAL
 * before and the database after (SQLite's `NORMAL` rule in WAL mode).
 *
 * The table refuses UPDATE and DELETE (triggers); someone with the file can still drop them, which is what
 * `openkms audit verify` (verify.ts) exists to catch. Once anchored ({@link SqliteAuditLog.anchorTo}), the log also
 * writes checkpoints of its head into `openkms.db` (checkpoint.ts), so a deleted, emptied or cut-back file shows.
 */
import { closeSync, fdatasync, openSync } from "node:fs";
import Database from "better-sqlite3";
import { randomBytes } from "@openkms/crypto/random";
import { wipe } from "@openkms/crypto/constant-time";
import type { RootOfTrust } from "../root-key.js";
import { FSYNCS_IN_FLIGHT } from "../store/fsync-concurrency.js";
import { CHECKPOINT_EVERY_MS, CHECKPOINT_EVERY_RECORDS, type AuditCheckpoint, type CheckpointStore } from "./checkpoint.js";
import { headFromRow, headMacMatches, rowMacMatches } from "./row-check.js";
import { checkAuditDetail, checkpointMac, GENESIS_MAC, headMac, recordMac, type AuditDetail, type AuditEvent, type AuditRecord } from "./record.js";

export interface AppendOptions {
  /**
   * A write-ahead record: resolve only once the head that includes it is also checkpointed outside the log (when the
   * log is anchored), so the record cannot be cut off unnoticed; reject when the checkpoint cannot be written.
   */
  anchor?: boolean;
}

/** Where the dispatcher sends events. */
export interface AuditSink {
  /** Resolves once the record is durable; rejects when it could not be written. */
  append(event: AuditEvent, options?: AppendOptions): Promise<void>;
  close(): Promise<void>;
}

/** A sink that keeps nothing (benchmark baselines and library embedders that audit elsewhere). */
export const nullAuditSink: AuditSink = { append: async () => {}, close: async () => {} };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_log (
  pos INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  action TEXT NOT NULL,
  secret_id TEXT NOT NULL,
  uin TEXT NOT NULL,
  owner_uin TEXT NOT NULL,
  source_address TEXT NOT NULL,
  key_ids TEXT NOT NULL,
  code TEXT NOT NULL,
  latency_ms REAL NOT NULL,
  prev_mac TEXT NOT NULL,
  mac TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (time_ms);
CREATE INDEX IF NOT EXISTS audit_log_by_owner ON audit_log (owner_uin, pos);
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  mac TEXT NOT NULL,
  head_mac TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

export const AUDIT_KEY_LABEL = "openkms/audit-mac-key/v1";
const KEY_LABEL = AUDIT_KEY_LABEL;

/** fsyncs of the WAL running at once (store/fsync-concurrency.ts). */
const MAX_SYNCS_IN_FLIGHT = FSYNCS_IN_FLIGHT;

export interface AuditRow {
  pos: number; seq: number; time_ms: number; request_id: string; action: string; secret_id: string; uin: string;
  owner_uin: string; source_address: string; key_ids: string; code: string; latency_ms: number; prev_mac: string; mac: string;
  /** Absent in logs written before summary records existed (then 1). */
  count?: number;
  /** JSON of the record's detail, or null (API records, and every record from before the column existed). */
  detail?: string | null;
}

/** Logs created before records had a detail lack its column: add it (ALTER TABLE … ADD COLUMN rewrites no row). */
function addDetailColumn(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('audit_log')").all();
  if (columns.some((c) => c.name === "detail")) return;
  try {
    db.exec("ALTER TABLE audit_log ADD COLUMN detail TEXT");
  } catch (e) {
    // Another process (the server and `openkms admin` open one log) added it first.
    if (!/duplicate column/i.test((e as Error)?.message ?? "")) throw e;
  }
}

export interface AuditHead {
  seq: number;
  mac: string;
  headMac: string;
}

/** A stored row as a record; `keyIds` that do not parse become [], a `detail` that does not parse becomes {}. */
export function rowToRecord(r: AuditRow): AuditRecord {
  let keyIds: string[] = [];
  try {
    const parsed = JSON.parse(r.key_ids);
    if (Array.isArray(parsed)) keyIds = parsed.map(String);
  } catch {
    /* reported by verify as an edit */
  }
  let detail: AuditDetail | undefined;
  if (r.detail !== null && r.detail !== undefined) {
    try {
      const parsed = JSON.parse(r.detail);
      detail = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {};
    } catch {
      detail = {}; // reported by verify as an edit
    }
  }
  return {
    seq: r.seq, time: r.time_ms, requestId: r.request_id, action: r.action, secretId: r.secret_id, uin: r.uin,
    ownerUin: r.owner_uin, sourceAddress: r.source_address, keyIds, code: r.code, latencyMs: r.latency_ms,
    ...(r.count !== undefined && r.count !== 1 ? { count: r.count } : {}),
    ...(detail !== undefined ? { detail } : {}), prevMac: r.prev_mac, mac: r.mac,
  };
}

/** The audit tables are missing from an existing file (emptied, dropped, or not an audit log). */
export class AuditLogUnavailableError extends Error {
  override name = "AuditLogUnavailableError";
}

interface Pending {
  event: AuditEvent;
  anchor: boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class SqliteAuditLog implements AuditSink {
  /** The underlying connection, for verify.ts and query.ts (read-only use). */
  readonly db: Database.Database;
  private readonly key: Uint8Array;
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private readonly appendBatch: Database.Transaction<(events: AuditEvent[]) => { seq: number; mac: string }>;
  private checkpoints: { store: CheckpointStore; onError: (e: unknown) => void } | undefined;
  /** The last head this process committed, and the last checkpoint it wrote (seq, Date.now()). */
  private lastHead: { seq: number; mac: string } | undefined;
  private lastCheckpoint = { seq: -1, at: 0 };
  private checkpointScheduled = false;
  /** Committed (in the WAL) but not yet fsynced, and the head they reach. */
  private unsynced: Pending[] = [];
  private unsyncedHead: { seq: number; mac: string } | undefined;
  /** fsyncs running, and who waits for none to run (close). */
  private syncsInFlight = 0;
  private idle: (() => void)[] = [];
  /** A descriptor of `<path>-wal`, opened at the first commit. */
  private walFd: number | undefined;
  private readonly path: string;

  private constructor(db: Database.Database, key: Uint8Array, path: string) {
    this.db = db;
    this.key = key;
    this.path = path;
    const selectHead = db.prepare<[], { seq: number; mac: string }>("SELECT seq, mac FROM audit_head WHERE id = 1");
    // Prepared on first use: a log opened only for reading (create: false) may predate the count and detail columns.
    let insert: Database.Statement | undefined;
    const insertSql = `INSERT INTO audit_log (seq, time_ms, request_id, action, secret_id, uin, owner_uin, source_address,
      key_ids, code, latency_ms, prev_mac, mac, count, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const putHead = db.prepare(`INSERT INTO audit_head (id, seq, mac, head_mac) VALUES (1, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, mac = excluded.mac, head_mac = excluded.head_mac`);
    this.appendBatch = db.transaction((events: AuditEvent[]) => {
      let head = selectHead.get() ?? { seq: 0, mac: GENESIS_MAC };
      for (const e of events) {
        const seq = head.seq + 1;
        const mac = recordMac(this.key, seq, head.mac, e);
        (insert ??= db.prepare(insertSql)).run(seq, e.time, e.requestId, e.action, e.secretId, e.uin, e.ownerUin, e.sourceAddress,
          JSON.stringify(e.keyIds), e.code, e.latencyMs, head.mac, mac, e.count ?? 1, e.detail === undefined ? null : JSON.stringify(e.detail));
        head = { seq, mac };
      }
      putHead.run(head.seq, head.mac, headMac(this.key, head.seq, head.mac));
      return head;
    });
  }

  /**
   * Open (creating when missing) the audit log at `path`. Its MAC key is created on first open, stored wrapped under
   * the root key; opening with another root key fails.
   * @throws RootKeyError when the stored MAC key does not open under `root`; the driver's error for a bad file
   */
  static open(path: string, root: RootOfTrust, options: { create?: boolean } = {}): SqliteAuditLog {
    const create = options.create ?? true;
    const db = new Database(path, { fileMustExist: !create });
    try {
      db.pragma("busy_timeout = 5000");
      if (create) {
        db.pragma("journal_mode = WAL");
        // Commits write the WAL; this class fsyncs it before any append is acknowledged (see the file comment).
        db.pragma("synchronous = NORMAL");
        db.exec(SCHEMA);
        // Logs from before summary records: add the column (existing rows stand for one request each).
        const columns = db.prepare<[], { name: string }>("PRAGMA table_info(audit_log)").all().map((c) => c.name);
        if (!columns.includes("count")) db.exec("ALTER TABLE audit_log ADD COLUMN count INTEGER NOT NULL DEFAULT 1");
        addDetailColumn(db);
        const fresh = randomBytes(32);
        db.prepare("INSERT OR IGNORE INTO audit_meta (name, value) VALUES ('mac-key', ?)").run(
          Buffer.from(root.wrap(fresh, KEY_LABEL)).toString("base64"),
        );
        wipe(fresh);
      } else {
        const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name));
        const missing = ["audit_meta", "audit_log", "audit_head"].filter((t) => !tables.has(t));
        if (missing.length) throw new AuditLogUnavailableError(`${path} holds no audit log (table ${missing.join(", ")} missing): it was emptied or replaced`);
      }
      const stored = db.prepare<[], { value: string }>("SELECT value FROM audit_meta WHERE name = 'mac-key'").get()?.value;
      if (stored === undefined) throw new AuditLogUnavailableError(`${path} holds no audit key: it was emptied or replaced`);
      const key = root.unwrap(new Uint8Array(Buffer.from(stored, "base64")), KEY_LABEL);
      return new SqliteAuditLog(db, key, path);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * Queue one record; it is committed with the others queued in this event-loop turn.
   * @returns resolves once the record is committed and fsynced; rejects with the driver's error when the commit fails
   *   (then none of that batch was written), with the fsync's error when that fails, or when the log is closed
   */
  append(event: AuditEvent, options: AppendOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new Error("audit log is closed"));
    if (event.detail !== undefined) {
      try {
        checkAuditDetail(event.detail);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ event, anchor: options.anchor === true, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commit every queued event in one IMMEDIATE transaction; the fsync loop settles their promises. */
  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let head: { seq: number; mac: string };
    try {
      head = this.appendBatch.immediate(batch.map((p) => p.event));
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    for (const p of batch) this.unsynced.push(p);
    this.unsyncedHead = head;
    this.startSync();
  }

  /**
   * fsync the WAL for every commit not yet covered, unless {@link MAX_SYNCS_IN_FLIGHT} fsyncs already run (then the
   * next one to finish starts it). An fsync covers every commit made before it began, so a batch waits for about one
   * fsync, and overlapping fsyncs share the file system's journal commits.
   */
  private startSync(): void {
    if (this.unsynced.length === 0 || this.syncsInFlight >= MAX_SYNCS_IN_FLIGHT) return;
    const waiting = this.unsynced;
    const head = this.unsyncedHead!;
    this.unsynced = [];
    this.syncsInFlight++;
    const done = (failure: unknown) => {
      this.syncsInFlight--;
      this.settle(waiting, head, failure);
      this.startSync();
      if (this.syncsInFlight === 0 && this.unsynced.length === 0) for (const r of this.idle.splice(0)) r();
    };
    try {
      this.walFd ??= openSync(`${this.path}-wal`, "r");
      fdatasync(this.walFd, (err) => done(err ?? undefined));
    } catch (e) {
      done(e ?? new Error("fsync of the audit WAL failed"));
    }
  }

  /** Resolves once no commit waits for an fsync. */
  private synced(): Promise<void> {
    if (this.syncsInFlight === 0 && this.unsynced.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  /** Records are durable (or their fsync failed): checkpoint when one of them is write-ahead, then answer them. */
  private settle(batch: Pending[], head: { seq: number; mac: string }, failure: unknown): void {
    if (failure !== undefined) {
      for (const p of batch) p.reject(failure);
      return;
    }
    if (!this.lastHead || head.seq > this.lastHead.seq) this.lastHead = head;
    if (this.checkpoints && batch.some((p) => p.anchor)) {
      // The records are durable, but a write-ahead record is not acknowledged unless it is anchored too: its
      // checkpoint committed and fsynced (off the event loop).
      const failed = (e: unknown) => {
        for (const p of batch) (p.anchor ? p.reject(e) : p.resolve());
      };
      try {
        this.writeCheckpoint(head);
      } catch (e) {
        failed(e);
        return;
      }
      this.checkpoints.store.durable().then(() => {
        for (const p of batch) p.resolve();
      }, failed);
      return;
    }
    for (const p of batch) p.resolve();
    this.scheduleCheckpointIfDue();
  }

  /**
   * Anchor this log: from now on its head is checkpointed into `store` (checkpoint.ts) — for write-ahead appends
   * before they resolve, otherwise every {@link CHECKPOINT_EVERY_RECORDS} records or {@link CHECKPOINT_EVERY_MS} ms,
   * and at close. `onError` hears of failed periodic checkpoints. Writes one checkpoint of the current head now.
   * @throws the driver's error when that first checkpoint cannot be written
   */
  anchorTo(store: CheckpointStore, onError: (e: unknown) => void = () => {}): void {
    this.checkpoints = { store, onError };
    const head = this.head();
    this.writeCheckpoint(head ? { seq: head.seq, mac: head.mac } : { seq: 0, mac: GENESIS_MAC });
    store.durableSync();
  }

  /** The checkpoint of `head`, with its MAC under this log's key. */
  checkpointFor(head: { seq: number; mac: string }): AuditCheckpoint {
    return { seq: head.seq, mac: head.mac, tag: checkpointMac(this.key, head.seq, head.mac) };
  }

  /** Does the checkpoint's tag match under this log's key? */
  checkpointMatches(cp: AuditCheckpoint): boolean {
    return checkpointMac(this.key, cp.seq, cp.mac) === cp.tag;
  }

  private writeCheckpoint(head: { seq: number; mac: string }): void {
    this.checkpoints!.store.advance(this.checkpointFor(head));
    this.lastCheckpoint = { seq: head.seq, at: Date.now() };
  }

  /** A periodic checkpoint, after the responses of this turn have gone out. */
  private scheduleCheckpointIfDue(): void {
    const head = this.lastHead;
    if (!this.checkpoints || !head || this.checkpointScheduled || head.seq <= this.lastCheckpoint.seq) return;
    if (head.seq - this.lastCheckpoint.seq < CHECKPOINT_EVERY_RECORDS && Date.now() - this.lastCheckpoint.at < CHECKPOINT_EVERY_MS) return;
    this.checkpointScheduled = true;
    setImmediate(() => {
      this.checkpointScheduled = false;
      if (!this.closed) this.checkpointQuietly();
    });
  }

  private checkpointQuietly(): void {
    const head = this.lastHead;
    if (!this.checkpoints || !head || head.seq <= this.lastCheckpoint.seq) return;
    try {
      this.writeCheckpoint(head);
    } catch (e) {
      this.checkpoints.onError(e);
      return;
    }
    if (!this.closed) this.checkpoints.store.durable().catch(this.checkpoints.onError); // close() fsyncs it itself
  }

  /** Rows in file order (by position), for verification. */
  rows(): IterableIterator<AuditRow> {
    return this.db.prepare<[], AuditRow>("SELECT * FROM audit_log ORDER BY pos").iterate();
  }

  /** The head row (last seq, its mac, the head's own MAC), or undefined when there is none. */
  head(): AuditHead | undefined {
    const r = this.db.prepare<[], { seq: number; mac: string; head_mac: string }>("SELECT seq, mac, head_mac FROM audit_head WHERE id = 1").get();
    return headFromRow(r);
  }

  /** Does the row's MAC match its content under this log's key? */
  macMatches(row: AuditRow): boolean {
    return rowMacMatches(this.key, row);
  }

  /** Does the head's MAC match? */
  headMatches(head: AuditHead): boolean {
    return headMacMatches(this.key, head);
  }

  /** Commit and fsync what is queued, checkpoint the head (when anchored), close the files and zero the MAC key. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await this.synced();
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.checkpointQuietly();
    this.checkpoints?.store.close();
    this.db.close();
    wipe(this.key);
  }
}
