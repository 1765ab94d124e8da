/**
 * The audit log of a cluster, in PostgreSQL (tables `audit_log`, `audit_head`, `audit_meta`; store/postgres/
 * migrations.ts): one hash chain (record.ts) for every node.
 *
 * Appends are serialised across nodes by the row lock on the chain head, held only while one statement runs: a node
 * chains its records after the head it last saw and sends them in one statement (`openkms_audit_append`, migration
 * 4), which, under the lock, inserts them and moves the head if the head is still that one, or else returns the
 * head as it now is — the node then chains the records again after it and retries. One round trip per commit when
 * one node writes (its head is always current); a retry when another node committed meanwhile. A node commits the
 * records queued while its previous commit ran together (group commit), so under load one statement carries many
 * records. `append` resolves only after the statement's commit (durable with PostgreSQL's default synchronous_commit),
 * so a write-ahead `Started` record exists before its action runs. The head lives in the same database as the
 * records, so there is no separate checkpoint (the SQLite log's checkpoint guards against losing audit.db apart from
 * openkms.db). Triggers refuse UPDATE, DELETE and TRUNCATE of records; someone who drops them can still edit rows,
 * which `openkms audit verify` (pg-verify.ts) reports.
 */
import type pg from "pg";
import { randomBytes } from "@openkms/crypto/random";
import { wipe } from "@openkms/crypto/constant-time";
import type { RootOfTrust } from "../root-key.js";
import { AuditLogUnavailableError, rowToRecord, type AppendOptions, type AuditHead, type AuditRow, type AuditSink } from "./log.js";
import { checkAuditDetail, GENESIS_MAC, headMac, recordMac, type AuditEvent } from "./record.js";

const KEY_LABEL = "openkms/audit-mac-key/v1";
/** Most records per commit. */
const MAX_ROWS_PER_COMMIT = 1000;
/** Retries of one commit when other nodes keep moving the head (each retry follows a commit by another node). */
const MAX_ATTEMPTS = 1000;
const APPEND = `SELECT o_seq, o_mac FROM openkms_audit_append(${Array.from({ length: 20 }, (_, i) => `$${i + 1}`).join(", ")})`;
const COLUMNS = "seq, time_ms, request_id, action, secret_id, uin, owner_uin, source_address, key_ids, code, latency_ms, prev_mac, mac, count, detail";

interface Pending {
  event: AuditEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class PgAuditLog implements AuditSink {
  private queue: Pending[] = [];
  private pumping: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly key: Uint8Array,
    /** The head this node chains its next records after (the last it wrote or was told of). */
    private known: { seq: number; mac: string },
  ) {}

  /**
   * Open the cluster's audit log. With `create` (default), its MAC key (random, stored wrapped under the root key)
   * and its empty head are made when missing — by whichever node comes first.
   * @throws RootKeyError when the stored MAC key does not open under `root`; AuditLogUnavailableError when, without
   *   `create`, there is no key; the driver's error when the database cannot be reached
   */
  static async open(pool: pg.Pool, root: RootOfTrust, options: { create?: boolean } = {}): Promise<PgAuditLog> {
    if (options.create ?? true) {
      const fresh = randomBytes(32);
      try {
        await pool.query("INSERT INTO audit_meta (name, value) VALUES ('mac-key', $1) ON CONFLICT (name) DO NOTHING", [
          Buffer.from(root.wrap(fresh, KEY_LABEL)).toString("base64"),
        ]);
      } finally {
        wipe(fresh);
      }
    }
    const stored = (await pool.query<{ value: string }>("SELECT value FROM audit_meta WHERE name = 'mac-key'")).rows[0]?.value;
    if (stored === undefined) throw new AuditLogUnavailableError("the database holds no audit key: the audit log was never started or was emptied");
    const key = root.unwrap(new Uint8Array(Buffer.from(stored, "base64")), KEY_LABEL);
    if (options.create ?? true) {
      await pool.query("INSERT INTO audit_head (id, seq, mac, head_mac) VALUES (1, 0, $1, $2) ON CONFLICT (id) DO NOTHING", [
        GENESIS_MAC, headMac(key, 0, GENESIS_MAC),
      ]);
    }
    const head = (await pool.query<{ seq: number; mac: string }>("SELECT seq, mac FROM audit_head WHERE id = 1")).rows[0];
    return new PgAuditLog(pool, key, head ?? { seq: 0, mac: GENESIS_MAC });
  }

  /**
   * Queue one record; it is committed with the others queued meanwhile. `options.anchor` needs nothing more here:
   * the commit itself is the anchor (head and records share the database).
   * @returns resolves once committed; rejects with the driver's error when the commit fails (none of that batch was
   *   written) or when the log is closed
   */
  append(event: AuditEvent, _options: AppendOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new Error("audit log is closed"));
    if (event.detail !== undefined) {
      try {
        checkAuditDetail(event.detail);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.pumping ??= new Promise<void>((r) => setImmediate(r)).then(() => this.pump());
    });
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_ROWS_PER_COMMIT);
        try {
          await this.commit(batch.map((p) => p.event));
        } catch (e) {
          for (const p of batch) p.reject(e);
          continue;
        }
        for (const p of batch) p.resolve();
      }
    } finally {
      this.pumping = undefined;
    }
  }

  private async commit(events: AuditEvent[]): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { seq: prevSeq, mac: prevMac } = this.known;
      const cols: unknown[][] = Array.from({ length: 15 }, () => []);
      let seq = prevSeq;
      let mac = prevMac;
      for (const e of events) {
        const next = seq + 1;
        const nextMac = recordMac(this.key, next, mac, e);
        const row = [
          next, e.time, e.requestId, e.action, e.secretId, e.uin, e.ownerUin, e.sourceAddress, JSON.stringify(e.keyIds), e.code, e.latencyMs, mac, nextMac,
          e.count ?? 1, e.detail === undefined ? null : JSON.stringify(e.detail),
        ];
        for (let i = 0; i < 15; i++) cols[i]!.push(row[i]);
        seq = next;
        mac = nextMac;
      }
      const head = (await this.pool.query<{ o_seq: number | null; o_mac: string | null }>(APPEND, [prevSeq, prevMac, seq, mac, headMac(this.key, seq, mac), ...cols])).rows[0];
      if (!head || head.o_seq === null || head.o_mac === null) throw new AuditLogUnavailableError("the audit head is missing: the audit log was tampered with");
      this.known = { seq: head.o_seq, mac: head.o_mac };
      if (head.o_seq === seq && head.o_mac === mac) return;
    }
    throw new AuditLogUnavailableError(`the audit head kept moving: ${MAX_ATTEMPTS} attempts to commit failed`);
  }

  /** Up to `limit` rows after position `afterPos`, in position order (for verification). */
  async rowsAfter(afterPos: number, limit: number): Promise<AuditRow[]> {
    return (await this.pool.query<AuditRow>(`SELECT pos, ${COLUMNS} FROM audit_log WHERE pos > $1 ORDER BY pos LIMIT $2`, [afterPos, limit])).rows;
  }

  async seqExists(seq: number): Promise<boolean> {
    return (await this.pool.query("SELECT 1 FROM audit_log WHERE seq = $1 LIMIT 1", [seq])).rows.length > 0;
  }

  /** The head row, or undefined when there is none. */
  async head(): Promise<AuditHead | undefined> {
    const r = (await this.pool.query<{ seq: number; mac: string; head_mac: string }>("SELECT seq, mac, head_mac FROM audit_head WHERE id = 1")).rows[0];
    return r ? { seq: r.seq, mac: r.mac, headMac: r.head_mac } : undefined;
  }

  /** Does the row's MAC match its content under this log's key? */
  macMatches(row: AuditRow): boolean {
    const rec = rowToRecord(row);
    return recordMac(this.key, rec.seq, rec.prevMac, rec) === row.mac && JSON.stringify(rec.keyIds) === row.key_ids &&
      (row.detail ?? null) === (rec.detail === undefined ? null : JSON.stringify(rec.detail));
  }

  headMatches(head: AuditHead): boolean {
    return headMac(this.key, head.seq, head.mac) === head.headMac;
  }

  /** Commit what is queued and zero the MAC key (the pool belongs to the caller). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.pumping) await this.pumping;
    wipe(this.key);
  }
}
