/**
 * `openkms audit verify`: walk the audit log in file order and report the first record that was edited, removed or
 * reordered (see record.ts for the chain).
 *
 * - edited: a row's MAC does not match its content (any column changed, or a row forged without the key);
 * - reordered: a record sits at the wrong place (its seq is lower than expected, or the expected seq appears later);
 * - removed: the expected seq appears nowhere (a gap, a missing first record, or records missing at the end while
 *   the head says they existed);
 * - head: the head row is missing, edited, or disagrees with the last record;
 * - against the checkpoint kept in openkms.db (checkpoint.ts), when given: `removed` when the log ends before the
 *   record it names (cut back, emptied, an older copy swapped in), `checkpoint` when it is missing, malformed or
 *   edited, or names a record this log does not hold (the log was replaced);
 * - missing: audit.db is missing or holds no audit log ({@link missingAuditLog}).
 *
 * `Started` (write-ahead) records are part of the chain like any other; those without a final record are counted.
 *
 * Limits: whoever holds the root key can rewrite the whole log and its checkpoint; records after the last checkpoint
 * of read-only traffic (at most 1000 records or about a second, see checkpoint.ts) can be cut off unnoticed.
 */
import { CHECKPOINT_META, type AuditCheckpoint } from "./checkpoint.js";
import { GENESIS_MAC, STARTED } from "./record.js";
import type { AuditHead, AuditRow, SqliteAuditLog } from "./log.js";

export type AuditProblemKind = "edited" | "removed" | "reordered" | "head" | "checkpoint" | "missing";

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The seq of the first record affected (the one expected at that place). */
  seq: number;
  detail: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Rows read. */
  records: number;
  /** The last good record's seq and mac (the head to note elsewhere). */
  lastSeq: number;
  lastMac: string;
  /** `Started` records with no final record after them (attempts whose outcome was not recorded). */
  unfinished: number;
  /** The checkpoint checked against (when one was given). */
  checkpoint?: { seq: number };
  problem?: AuditProblem;
}

export interface VerifyOptions {
  /**
   * The checkpoint from openkms.db: undefined = do not check (a log on its own); null = there should be one and there
   * is none; "malformed" = the stored value does not parse.
   */
  checkpoint?: AuditCheckpoint | null | "malformed";
}

/** The verification of a data dir whose audit.db is missing or holds no log. */
export function missingAuditLog(detail: string): AuditVerification {
  return { ok: false, records: 0, lastSeq: 0, lastMac: GENESIS_MAC, unfinished: 0, problem: { kind: "missing", seq: 1, detail } };
}

/**
 * Compare a log that ends with record `lastSeq` with its checkpoint (one or two lookups; used at start and by
 * {@link verifyAuditLog}).
 * @returns the problem, or undefined when the log holds the record the checkpoint names
 */
export function checkpointProblem(log: SqliteAuditLog, cp: AuditCheckpoint | null | "malformed", lastSeq: number): AuditProblem | undefined {
  if (cp === null) {
    return { kind: "checkpoint", seq: lastSeq, detail: `openkms.db holds no audit checkpoint (meta ${CHECKPOINT_META}): it was removed, or the data dir was never served by a version that writes one (run openkms serve once)` };
  }
  if (cp === "malformed") return { kind: "checkpoint", seq: lastSeq, detail: `the audit checkpoint in openkms.db (meta ${CHECKPOINT_META}) is malformed: it was edited` };
  if (lastSeq < cp.seq) {
    const missing = lastSeq + 1 === cp.seq ? `record ${cp.seq} is missing` : `records ${lastSeq + 1}-${cp.seq} are missing`;
    return { kind: "removed", seq: lastSeq + 1, detail: `${missing}: the checkpoint in openkms.db names record ${cp.seq}, the log ends with record ${lastSeq} (it was cut back, emptied or replaced by an older copy)` };
  }
  if (!log.checkpointMatches(cp)) {
    return { kind: "checkpoint", seq: cp.seq, detail: `the audit checkpoint in openkms.db (record ${cp.seq}) does not match this log's key: audit.db was replaced by another log, or the checkpoint was edited` };
  }
  const mac = cp.seq === 0 ? GENESIS_MAC : log.db.prepare<[number], { mac: string }>("SELECT mac FROM audit_log WHERE seq = ? LIMIT 1").get(cp.seq)?.mac;
  if (mac !== cp.mac) {
    return { kind: "checkpoint", seq: cp.seq, detail: `record ${cp.seq} is not the one the checkpoint in openkms.db names: the log was rewritten from there` };
  }
  return undefined;
}

/**
 * The chain check itself, fed rows in position order by a log of any backend (SQLite here, PostgreSQL in
 * pg-verify.ts): {@link step} per row, {@link gap} when a row's seq is past the expected one, {@link end} after the
 * last row.
 */
export class ChainWalk {
  expected = 1;
  lastMac = GENESIS_MAC;
  records = 0;
  private readonly started = new Set<string>();

  constructor(private readonly checked: { checkpoint?: { seq: number } } = {}) {}

  fail(kind: AuditProblemKind, seq: number, detail: string): AuditVerification {
    return {
      ok: false, records: this.records, lastSeq: this.expected - 1, lastMac: this.lastMac, unfinished: this.started.size, ...this.checked,
      problem: { kind, seq, detail },
    };
  }

  ok(): AuditVerification {
    return { ok: true, records: this.records, lastSeq: this.expected - 1, lastMac: this.lastMac, unfinished: this.started.size, ...this.checked };
  }

  /**
   * One row, with whether its MAC matches its content.
   * @returns undefined to go on; the failed verification; or "gap" when the row's seq is past {@link expected} (the
   *   caller looks up whether record {@link expected} exists elsewhere and calls {@link gap})
   */
  step(row: AuditRow, macMatches: boolean): AuditVerification | "gap" | undefined {
    const expected = this.expected;
    this.records++;
    if (!macMatches) return this.fail("edited", expected, `record ${expected} (position ${row.pos}) does not match its MAC: it was edited or forged`);
    if (row.seq === expected) {
      if (row.prev_mac !== this.lastMac) {
        return this.fail("reordered", expected, `record ${expected} does not follow record ${expected - 1}: the chain is broken here`);
      }
      this.expected++;
      this.lastMac = row.mac;
      if (row.code === STARTED) this.started.add(row.request_id);
      else this.started.delete(row.request_id);
      return undefined;
    }
    if (row.seq < expected) return this.fail("reordered", row.seq, `record ${row.seq} appears again after record ${expected - 1}`);
    return "gap";
  }

  /** The verdict on a row whose seq is past the expected one: `expectedExists` = record {@link expected} is elsewhere. */
  gap(row: AuditRow, expectedExists: boolean): AuditVerification {
    const expected = this.expected;
    if (expectedExists) return this.fail("reordered", expected, `record ${expected} is out of place: record ${row.seq} comes before it`);
    const missing = row.seq - 1 === expected ? `record ${expected} is missing` : `records ${expected}-${row.seq - 1} are missing`;
    return this.fail("removed", expected, `${missing} (record ${row.seq} follows record ${expected - 1})`);
  }

  /** After the last row: compare with the head (`headMatches`: its MAC matches) and, when given, the checkpoint. */
  end(head: AuditHead | undefined, headMatches: boolean, checkpoint: () => AuditProblem | undefined): AuditVerification {
    const last = this.expected - 1;
    const withCheckpoint = () => {
      const p = checkpoint();
      return p ? this.fail(p.kind, p.seq, p.detail) : this.ok();
    };
    if (!head) return last === 0 ? withCheckpoint() : this.fail("head", last, `the head record is missing (the log ends with record ${last})`);
    if (!headMatches) return this.fail("head", last, `the head record does not match its MAC: it was edited (the log ends with record ${last})`);
    if (head.seq > last) {
      const missing = head.seq === this.expected ? `record ${this.expected} is missing` : `records ${this.expected}-${head.seq} are missing`;
      return this.fail("removed", this.expected, `${missing} at the end (the head names record ${head.seq})`);
    }
    if (head.seq < last || head.mac !== this.lastMac) return this.fail("head", head.seq, `the head names record ${head.seq}, but the log ends with record ${last}`);
    return withCheckpoint();
  }
}

/** Verify the whole log; reads every row once (plus one lookup when a seq is missing from its place). */
export function verifyAuditLog(log: SqliteAuditLog, options: VerifyOptions = {}): AuditVerification {
  const checked = options.checkpoint && typeof options.checkpoint === "object" ? { checkpoint: { seq: options.checkpoint.seq } } : {};
  const walk = new ChainWalk(checked);
  const seqExists = log.db.prepare<[number], { n: number }>("SELECT 1 AS n FROM audit_log WHERE seq = ? LIMIT 1");
  for (const row of log.rows()) {
    const r = walk.step(row, log.macMatches(row));
    if (r === "gap") return walk.gap(row, seqExists.get(walk.expected) !== undefined);
    if (r) return r;
  }
  const head = log.head();
  return walk.end(head, head ? log.headMatches(head) : false, () =>
    options.checkpoint === undefined ? undefined : checkpointProblem(log, options.checkpoint, walk.expected - 1),
  );
}
