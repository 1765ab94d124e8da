/**
 * `openkms audit verify` and `query` on a cluster's audit log in PostgreSQL: the same chain check as verify.ts
 * (ChainWalk), rows read in pages of {@link PAGE} by position; the same filters as query.ts.
 */
import { ChainWalk, type AuditVerification } from "./verify.js";
import { rowToRecord, type AuditRow } from "./log.js";
import type { PgAuditLog } from "./pg-log.js";
import type { AuditFilter, AuditReader } from "./query.js";
import { STARTED, type AuditRecord } from "./record.js";

const PAGE = 5000;

/** Verify the whole chain and its head; reads every row once. */
export async function verifyPgAuditLog(log: PgAuditLog): Promise<AuditVerification> {
  const walk = new ChainWalk();
  let after = 0;
  for (;;) {
    const rows = await log.rowsAfter(after, PAGE);
    for (const row of rows) {
      const r = walk.step(row, log.macMatches(row));
      if (r === "gap") return walk.gap(row, await log.seqExists(walk.expected));
      if (r) return r;
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.pos;
  }
  const head = await log.head();
  return walk.end(head, head ? log.headMatches(head) : false, () => undefined);
}

function pgAuditWhere(f: AuditFilter): { cond: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (f.sinceMs !== undefined) where.push(`time_ms >= ${p(f.sinceMs)}`);
  if (f.untilMs !== undefined) where.push(`time_ms < ${p(f.untilMs)}`);
  if (f.action !== undefined) where.push(`action = ${p(f.action)}`);
  if (f.keyId !== undefined) where.push(`key_ids::jsonb ? ${p(f.keyId.toLowerCase())}`);
  if (f.account !== undefined) {
    const a = p(f.account);
    where.push(`(uin = ${a} OR owner_uin = ${a})`);
  }
  if (f.ownerUin !== undefined) where.push(`owner_uin = ${p(f.ownerUin)}`);
  if (f.secretId !== undefined) where.push(`secret_id = ${p(f.secretId)}`);
  if (f.result !== undefined) {
    const r = f.result.toLowerCase();
    if (r === "success") where.push("code = 'Success'");
    else if (r === "error") where.push(`code NOT IN ('Success', '${STARTED}')`);
    else {
      const c = p(f.result);
      where.push(`(code = ${c} OR left(code, length(${c}) + 1) = ${c} || '.')`);
    }
  }
  if (f.phase === "started" || f.unfinished) where.push(`code = '${STARTED}'`);
  else if (f.phase === "final") where.push(`code <> '${STARTED}'`);
  if (f.unfinished) where.push("NOT EXISTS (SELECT 1 FROM audit_log f WHERE f.pos > audit_log.pos AND f.request_id = audit_log.request_id)");
  return { cond: where.length ? `WHERE ${where.join(" AND ")}` : "", params };
}

/** Records matching every given filter (query.ts), in log order (or reversed), from `offset` on. */
export async function queryPgAuditLog(log: PgAuditLog, f: AuditFilter = {}): Promise<AuditRecord[]> {
  const { cond, params } = pgAuditWhere(f);
  const dir = f.order === "desc" ? "DESC" : "ASC";
  const n = params.length;
  const { rows } = await log.pool.query<AuditRow>(
    `SELECT * FROM audit_log ${cond} ORDER BY pos ${dir} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, f.limit ?? 1000, f.offset ?? 0],
  );
  return rows.map(rowToRecord);
}

/** How many records match the filter (its limit and offset aside). */
export async function countPgAuditLog(log: PgAuditLog, f: AuditFilter = {}): Promise<number> {
  const { cond, params } = pgAuditWhere(f);
  return (await log.pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM audit_log ${cond}`, params)).rows[0]!.n;
}

/** An {@link AuditReader} over the cluster's audit log (OpenKMS.ListAuditRecords on PostgreSQL). */
export function pgAuditReader(log: PgAuditLog): AuditReader {
  return {
    async page(f) {
      const [total, records] = await Promise.all([countPgAuditLog(log, f), queryPgAuditLog(log, f)]);
      return { total, records };
    },
  };
}
