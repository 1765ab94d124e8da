/**
 * The audit log's anchor outside `audit.db`: a checkpoint of its head in the key store (`openkms.db`, meta row
 * `audit-checkpoint`, JSON `{"seq","mac","tag"}`), so that deleting `audit.db`, emptying it, or cutting it back to an
 * older head shows even though the file is consistent by itself.
 *
 * - `seq`, `mac`: a record of the log (the head when the checkpoint was written); `seq` 0 with 64 zeros is the empty
 *   log, written at the data dir's first start: the marker that a log exists.
 * - `tag`: `HMAC-SHA-256(auditKey, JSON(["openkms-audit-checkpoint/v1", seq, mac]))` (record.ts), so a checkpoint
 *   cannot be lowered to a made-up head without the root key.
 *
 * When it is written (log.ts): before a write-ahead `Started` record is acknowledged (so a state change is always
 * anchored before it runs), every {@link CHECKPOINT_EVERY_RECORDS} records or {@link CHECKPOINT_EVERY_MS} ms of
 * traffic (after the responses), and when the log is closed. It only moves forward (several processes append).
 */
import { walSyncFor, type WalSync } from "../store/wal-sync.js";
import Database from "better-sqlite3";

/** The meta row holding the checkpoint. */
export const CHECKPOINT_META = "audit-checkpoint";
/** Periodic checkpoint: at most this many records behind… */
export const CHECKPOINT_EVERY_RECORDS = 1000;
/** …or this many milliseconds. */
export const CHECKPOINT_EVERY_MS = 1000;

export interface AuditCheckpoint {
  seq: number;
  /** The mac of record `seq` (64 zeros for seq 0). */
  mac: string;
  /** The checkpoint's own MAC under the log's key. */
  tag: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Parse a stored checkpoint.
 * @returns the checkpoint; undefined when there is none; "malformed" when the stored text is not one
 */
export function parseCheckpoint(text: string | undefined): AuditCheckpoint | undefined | "malformed" {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<AuditCheckpoint>;
    if (Number.isSafeInteger(v.seq) && v.seq! >= 0 && HEX64.test(v.mac ?? "") && HEX64.test(v.tag ?? "")) {
      return { seq: v.seq!, mac: v.mac!, tag: v.tag! };
    }
  } catch {
    /* below */
  }
  return "malformed";
}

/**
 * Where checkpoints are written: its own connection to `openkms.db` (the key store's file, WAL). {@link advance}
 * commits (writes the WAL); {@link durable} fsyncs that WAL on libuv's thread pool, so a write-ahead record's anchor
 * becomes durable without stopping the event loop; {@link close} fsyncs before it returns.
 */
export class CheckpointStore {
  private readonly db: Database.Database;
  private readonly wal: WalSync;
  private closed = false;
  private readonly upsert: Database.Statement<[string]>;
  private readonly select: Database.Statement<[], { value: string }>;

  /** @throws the driver's error when `openkms.db` cannot be opened (it must exist and hold the meta table) */
  constructor(keyDbPath: string) {
    this.db = new Database(keyDbPath, { fileMustExist: true });
    this.wal = walSyncFor(keyDbPath);
    try {
      // Commits write the WAL; durable() / close() fsync it (a checkpoint of the WAL into the file still syncs both).
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      // Only forward: a process that appended less recently must not move the checkpoint back.
      this.upsert = this.db.prepare(`INSERT INTO meta (name, value) VALUES ('${CHECKPOINT_META}', ?)
        ON CONFLICT(name) DO UPDATE SET value = excluded.value
        WHERE json_valid(meta.value) = 0 OR json_extract(meta.value, '$.seq') < json_extract(excluded.value, '$.seq')`);
      this.select = this.db.prepare(`SELECT value FROM meta WHERE name = '${CHECKPOINT_META}'`);
    } catch (e) {
      this.db.close();
      this.wal.unretain();
      throw e;
    }
  }

  read(): AuditCheckpoint | undefined | "malformed" {
    return parseCheckpoint(this.select.get()?.value);
  }

  /** Store `cp` unless the stored checkpoint is already at or past its seq; committed (not yet fsynced) on return. */
  advance(cp: AuditCheckpoint): void {
    this.upsert.run(JSON.stringify(cp));
  }

  /** Resolves once every checkpoint advanced so far is on disk (fdatasync of openkms.db's WAL, off the event loop). */
  durable(): Promise<void> {
    if (this.closed) return Promise.reject(new Error("checkpoint store is closed"));
    return this.wal.sync();
  }

  /** As {@link durable}, blocking (startup and shutdown). */
  durableSync(): void {
    this.wal.syncNow();
  }

  close(): void {
    if (this.closed) return;
    try {
      this.wal.syncNow();
    } finally {
      this.closed = true;
      this.db.close();
      this.wal.unretain();
    }
  }
}
