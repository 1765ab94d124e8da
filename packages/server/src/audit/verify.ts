/**
 * `openkms audit verify`: walk the audit log in file order and report the first record that was edited, removed or
 * reordered (see record.ts for the chain).
 *
 * - edited: a row's MAC does not match its content (any column changed, or a row forged without the key);
 * - reordered: a record sits at the wrong place (its seq is lower than expected, or the expected seq appears later);
 * - removed: the expected seq appears nowhere (a gap, a missing first record, or records missing at the end while
 *   the head says they existed);
 * - head: the head row is missing, edited, or disagrees with the last record.
 *
 * Limits: whoever holds the root key can rewrite the whole log; a copy of an older, complete file swapped in whole
 * is consistent by itself. Compare the reported head (seq + mac) with one noted elsewhere to catch that.
 */
import { GENESIS_MAC } from "./record.js";
import type { SqliteAuditLog } from "./log.js";

export type AuditProblemKind = "edited" | "removed" | "reordered" | "head";

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
  problem?: AuditProblem;
}

/** Verify the whole log; reads every row once (plus one lookup when a seq is missing from its place). */
export function verifyAuditLog(log: SqliteAuditLog): AuditVerification {
  let expected = 1;
  let lastMac = GENESIS_MAC;
  let records = 0;
  const fail = (kind: AuditProblemKind, seq: number, detail: string): AuditVerification => ({
    ok: false, records, lastSeq: expected - 1, lastMac, problem: { kind, seq, detail },
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
  if (!head) {
    return last === 0 ? { ok: true, records, lastSeq: 0, lastMac } : fail("head", last, `the head record is missing (the log ends with record ${last})`);
  }
  if (!log.headMatches(head)) return fail("head", last, `the head record does not match its MAC: it was edited (the log ends with record ${last})`);
  if (head.seq > last) {
    const missing = head.seq === expected ? `record ${expected} is missing` : `records ${expected}-${head.seq} are missing`;
    return fail("removed", expected, `${missing} at the end (the head names record ${head.seq})`);
  }
  if (head.seq < last || head.mac !== lastMac) {
    return fail("head", head.seq, `the head names record ${head.seq}, but the log ends with record ${last}`);
  }
  return { ok: true, records, lastSeq: last, lastMac };
}
