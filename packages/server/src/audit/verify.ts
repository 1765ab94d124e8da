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
import type { SqliteAuditLog } from "./log.js";

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

/** Verify the whole log; reads every row once (plus one lookup when a seq is missing from its place). */
export function verifyAuditLog(log: SqliteAuditLog, options: VerifyOptions = {}): AuditVerification {
  let expected = 1;
  let lastMac = GENESIS_MAC;
  let records = 0;
  const started = new Set<string>();
  const checked = options.checkpoint && typeof options.checkpoint === "object" ? { checkpoint: { seq: options.checkpoint.seq } } : {};
  const fail = (kind: AuditProblemKind, seq: number, detail: string): AuditVerification => ({
    ok: false, records, lastSeq: expected - 1, lastMac, unfinished: started.size, ...checked, problem: { kind, seq, detail },
  });
  const seqExists = log.db.prepare<[number], { n: number }>("SELECT 1 AS n FROM audit_log WHERE seq = ? LIMIT 1");

  for (const row of log.rows()) {
    records++;
    if (!log.macMatches(row)) {
      return fail("edited", expected, `record ${expected} (position ${row.pos}) does not match its MAC: it was edited or forged`);
    }
    if (row.seq === expected) {
      if (row.prev_mac !== lastMac) {
        return fail("reordered", expected, `record ${expected} does not follow record ${expected - 1}: the chain is broken here`);
      }
      expected++;
      lastMac = row.mac;
      if (row.code === STARTED) started.add(row.request_id);
      else started.delete(row.request_id);
      continue;
    }
    if (row.seq < expected) {
      return fail("reordered", row.seq, `record ${row.seq} appears again after record ${expected - 1}`);
    }
    if (seqExists.get(expected)) {
      return fail("reordered", expected, `record ${expected} is out of place: record ${row.seq} comes before it`);
    }
    const missing = row.seq - 1 === expected ? `record ${expected} is missing` : `records ${expected}-${row.seq - 1} are missing`;
    return fail("removed", expected, `${missing} (record ${row.seq} follows record ${expected - 1})`);
  }

  const head = log.head();
  const last = expected - 1;
  const checkpoint = () => {
    const p = options.checkpoint === undefined ? undefined : checkpointProblem(log, options.checkpoint, last);
    return p ? fail(p.kind, p.seq, p.detail) : { ok: true, records, lastSeq: last, lastMac, unfinished: started.size, ...checked };
  };
  if (!head) {
    return last === 0 ? checkpoint() : fail("head", last, `the head record is missing (the log ends with record ${last})`);
  }
  if (!log.headMatches(head)) return fail("head", last, `the head record does not match its MAC: it was edited (the log ends with record ${last})`);
  if (head.seq > last) {
    const missing = head.seq === expected ? `record ${expected} is missing` : `records ${expected}-${head.seq} are missing`;
    return fail("removed", expected, `${missing} at the end (the head names record ${head.seq})`);
  }
  if (head.seq < last || head.mac !== lastMac) {
    return fail("head", head.seq, `the head names record ${head.seq}, but the log ends with record ${last}`);
  }
  return checkpoint();
}
