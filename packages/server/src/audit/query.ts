/**
 * `openkms audit query`: audit records filtered by time, action, key, account and result.
 *
 * Both kinds of record are returned: write-ahead records (code `Started`, before a state-changing action ran) and
 * final records (`Success` or the error code). `result: "error"` means final records with an error code, never
 * `Started`; `phase` and `unfinished` select by kind.
 */
import { rowToRecord, type AuditRow, type SqliteAuditLog } from "./log.js";
import { STARTED, type AuditRecord } from "./record.js";

export interface AuditFilter {
  /** Records at or after this Unix time in ms. */
  sinceMs?: number;
  /** Records before this Unix time in ms. */
  untilMs?: number;
  /** Exact action name (`Encrypt`, `admin.create-user`). */
  action?: string;
  /** Records naming this key id (case-insensitive). */
  keyId?: string;
  /** Records of this uin, as the caller or as the owning account. */
  account?: string;
  /** Records of requests on this account's keys (the owning account only: its root and its sub-users). */
  ownerUin?: string;
  /** Records signed with this SecretId. */
  secretId?: string;
  /**
   * `success` (code `Success`), `error` (anything else), or a code: exact, or a prefix before a dot
   * (`AuthFailure` matches `AuthFailure.SignatureFailure`); `Started` selects write-ahead records.
   */
  result?: string;
  /** `started`: write-ahead records only; `final`: final records only. */
  phase?: "started" | "final";
  /**
   * Only `Started` records that no final record of the same RequestId follows: attempts whose outcome was not
   * recorded (the server died, or the final write failed). Scans the log after each such record.
   */
  unfinished?: boolean;
  /** Most records returned (default 1000). */
  limit?: number;
  /** Matching records skipped before the first one returned, in the chosen order (default 0). */
  offset?: number;
  /** `asc` (oldest first, default) or `desc`. */
  order?: "asc" | "desc";
}

/** The SQL condition and parameters of a filter (limit, offset and order aside). */
function auditWhere(f: AuditFilter): { cond: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.sinceMs !== undefined) {
    where.push("time_ms >= @since");
    params.since = f.sinceMs;
  }
  if (f.untilMs !== undefined) {
    where.push("time_ms < @until");
    params.until = f.untilMs;
  }
  if (f.action !== undefined) {
    where.push("action = @action");
    params.action = f.action;
  }
  if (f.keyId !== undefined) {
    where.push("EXISTS (SELECT 1 FROM json_each(audit_log.key_ids) k WHERE k.value = @keyId)");
    params.keyId = f.keyId.toLowerCase();
  }
  if (f.account !== undefined) {
    where.push("(uin = @account OR owner_uin = @account)");
    params.account = f.account;
  }
  if (f.ownerUin !== undefined) {
    where.push("owner_uin = @ownerUin");
    params.ownerUin = f.ownerUin;
  }
  if (f.secretId !== undefined) {
    where.push("secret_id = @secretId");
    params.secretId = f.secretId;
  }
  if (f.result !== undefined) {
    const r = f.result.toLowerCase();
    if (r === "success") where.push("code = 'Success'");
    else if (r === "error") where.push(`code NOT IN ('Success', '${STARTED}')`);
    else {
      where.push("(code = @code OR substr(code, 1, length(@code) + 1) = @code || '.')");
      params.code = f.result;
    }
  }
  if (f.phase === "started" || f.unfinished) where.push(`code = '${STARTED}'`);
  else if (f.phase === "final") where.push(`code <> '${STARTED}'`);
  if (f.unfinished) {
    where.push("NOT EXISTS (SELECT 1 FROM audit_log f WHERE f.pos > audit_log.pos AND f.request_id = audit_log.request_id)");
  }
  return { cond: where.length ? `WHERE ${where.join(" AND ")}` : "", params };
}

/** Records matching every given filter, in log order (or reversed), after `offset` of them, at most `limit`. */
export function queryAuditLog(log: SqliteAuditLog, f: AuditFilter = {}): AuditRecord[] {
  const { cond, params } = auditWhere(f);
  const dir = f.order === "desc" ? "DESC" : "ASC";
  return log.db
    .prepare<Record<string, unknown>, AuditRow>(`SELECT * FROM audit_log ${cond} ORDER BY pos ${dir} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: f.limit ?? 1000, offset: f.offset ?? 0 })
    .map(rowToRecord);
}

/** How many records match every given filter (limit, offset and order ignored). */
export function countAuditLog(log: SqliteAuditLog, f: AuditFilter = {}): number {
  const { cond, params } = auditWhere(f);
  return log.db.prepare<Record<string, unknown>, { n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${cond}`).get(params)!.n;
}

/** Reads audit records for an API action (`OpenKMS.ListAuditRecords`): one page and the count of all matches. */
export interface AuditReader {
  /** Synchronous on the embedded log, a promise on PostgreSQL (audit/pg-verify.ts pgAuditReader). */
  page(f: AuditFilter): { total: number; records: AuditRecord[] } | Promise<{ total: number; records: AuditRecord[] }>;
}

/** An {@link AuditReader} over an open SQLite audit log. */
export function sqliteAuditReader(log: SqliteAuditLog): AuditReader {
  return { page: (f) => ({ total: countAuditLog(log, f), records: queryAuditLog(log, f) }) };
}
