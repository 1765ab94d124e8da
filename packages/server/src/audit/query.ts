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
  /** `asc` (oldest first, default) or `desc`. */
  order?: "asc" | "desc";
}

/** Records matching every given filter, in log order (or reversed). */
export function queryAuditLog(log: SqliteAuditLog, f: AuditFilter = {}): AuditRecord[] {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: f.limit ?? 1000 };
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
  const cond = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const dir = f.order === "desc" ? "DESC" : "ASC";
  return log.db
    .prepare<Record<string, unknown>, AuditRow>(`SELECT * FROM audit_log ${cond} ORDER BY pos ${dir} LIMIT @limit`)
    .all(params)
    .map(rowToRecord);
}
