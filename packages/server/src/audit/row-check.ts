/**
 * Checking stored audit rows and heads against the log's MAC key — the same for the embedded log (log.ts) and the
 * cluster's log in PostgreSQL (pg-log.ts); verify.ts walks the chain with these answers.
 */
import { rowToRecord, type AuditHead, type AuditRow } from "./log.js";
import { headMac, recordMac } from "./record.js";

/**
 * Does the row's MAC match its content under `key` (32 bytes), and are its stored key ids and detail the canonical
 * JSON of what the MAC covers?
 */
export function rowMacMatches(key: Uint8Array, row: AuditRow): boolean {
  const rec = rowToRecord(row);
  return recordMac(key, rec.seq, rec.prevMac, rec) === row.mac && JSON.stringify(rec.keyIds) === row.key_ids &&
    (row.detail ?? null) === (rec.detail === undefined ? null : JSON.stringify(rec.detail));
}

/** Does the head's own MAC match its seq and mac under `key` (32 bytes)? */
export function headMacMatches(key: Uint8Array, head: AuditHead): boolean {
  return headMac(key, head.seq, head.mac) === head.headMac;
}

/** The head row as stored (`audit_head`: seq, mac, head_mac) as an {@link AuditHead}; undefined stays undefined. */
export function headFromRow(r: { seq: number; mac: string; head_mac: string } | undefined): AuditHead | undefined {
  return r ? { seq: r.seq, mac: r.mac, headMac: r.head_mac } : undefined;
}
