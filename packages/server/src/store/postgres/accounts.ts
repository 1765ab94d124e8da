/**
 * The account store on PostgreSQL: accounts, credentials and policies shared by every node. A server reads them
 * through its node cache (read-cache.ts): a request's credential read first waits for the change feed's barrier, so
 * a credential or account disabled (by any node or `openkms admin`) or a policy changed before the request was sent is
 * honoured by every node. A taken uin, name or SecretId throws the driver's error with `code` `23505`
 * (unique_violation).
 */
import type pg from "pg";
import type { AccountRecord, AccountStore, CredentialRecord, PolicyRecord, PrincipalStatus } from "../accounts.js";
import { inTransaction } from "./pool.js";
import { ALL, PgReadCache } from "./read-cache.js";

interface AccountRow { uin: string; owner_uin: string; name: string; status: string; create_time: number }
interface CredentialRow { secret_id: string; uin: string; wrapped_secret_key: Buffer; status: string; create_time: number }
interface PolicyRow { uin: string; name: string; document: string; create_time: number }

export const accountFromRow = (r: AccountRow): AccountRecord => ({
  uin: r.uin, ownerUin: r.owner_uin, name: r.name, status: r.status as PrincipalStatus, createTime: r.create_time,
});
export const credentialFromRow = (r: CredentialRow): CredentialRecord => ({
  secretId: r.secret_id, uin: r.uin, wrappedSecretKey: new Uint8Array(r.wrapped_secret_key),
  status: r.status as PrincipalStatus, createTime: r.create_time,
});
export const policyFromRow = (r: PolicyRow): PolicyRecord => ({ uin: r.uin, name: r.name, document: r.document, createTime: r.create_time });

const ACCOUNT = "uin, owner_uin, name, status, create_time";
const CREDENTIAL = "secret_id, uin, wrapped_secret_key, status, create_time";
const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * The account store on an open, migrated pool (store/postgres/open.ts). `close()` does not end the pool.
 * @param cache the node cache (a server's); without one (tools), every read goes to the database
 */
export function pgAccountStore(pool: pg.Pool, cache: PgReadCache = new PgReadCache()): AccountStore {
  let closed = false;
  const open = () => {
    if (closed) throw new Error("account store is closed");
  };
  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => (await pool.query<R>(sql, params)).rows[0];
  /** Run a write, then drop `tags` from this node's cache (the triggers tell the other nodes). */
  const writing = <T>(tags: string[], write: () => Promise<T>) => (open(), cache.writing(tags, write));
  const changed = (r: pg.QueryResult) => (r.rowCount ?? 0) > 0;
  return {
    async createAccount(a) {
      await writing([`a:${a.uin}`], () =>
        pool.query(`INSERT INTO accounts (${ACCOUNT}) VALUES ($1, $2, $3, $4, $5)`, [a.uin, a.ownerUin, a.name, a.status, a.createTime]));
    },
    async getAccount(uin) {
      open();
      const r = await cache.get(`a:${uin}`, "account", () => one<AccountRow>(`SELECT ${ACCOUNT} FROM accounts WHERE uin = $1`, [uin]));
      return r ? accountFromRow(r) : undefined;
    },
    async findAccountByName(name) {
      open();
      const r = await one<AccountRow>(`SELECT ${ACCOUNT} FROM accounts WHERE name = $1`, [name]);
      return r ? accountFromRow(r) : undefined;
    },
    async listAccounts() {
      open();
      return (await pool.query<AccountRow>(`SELECT ${ACCOUNT} FROM accounts ORDER BY create_time, create_seq`)).rows.map(accountFromRow);
    },
    async setAccountStatus(uin, status) {
      return changed(await writing([`a:${uin}`], () => pool.query("UPDATE accounts SET status = $1 WHERE uin = $2", [status, uin])));
    },
    async deleteAccount(uin) {
      // Its credentials go too, by SecretId: forget everything.
      return writing([ALL], () => inTransaction(pool, async (c) => {
        await c.query("DELETE FROM credentials WHERE uin = $1", [uin]);
        await c.query("DELETE FROM policies WHERE uin = $1", [uin]);
        return changed(await c.query("DELETE FROM accounts WHERE uin = $1", [uin]));
      }));
    },
    async putCredential(c) {
      await writing([`c:${c.secretId}`], () => pool.query(
        `INSERT INTO credentials (${CREDENTIAL}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (secret_id) DO UPDATE SET
         uin = excluded.uin, wrapped_secret_key = excluded.wrapped_secret_key, status = excluded.status`,
        [c.secretId, c.uin, buf(c.wrappedSecretKey), c.status, c.createTime],
      ));
    },
    async getCredential(secretId) {
      open();
      // A request's first read: wait until every change committed before it is reflected in the node cache.
      await cache.sync();
      const r = await cache.get(`c:${secretId}`, "credential", () => one<CredentialRow>(`SELECT ${CREDENTIAL} FROM credentials WHERE secret_id = $1`, [secretId]));
      return r ? credentialFromRow(r) : undefined;
    },
    async listCredentials(uin) {
      open();
      const { rows } = uin === undefined
        ? await pool.query<CredentialRow>(`SELECT ${CREDENTIAL} FROM credentials ORDER BY create_time, create_seq`)
        : await pool.query<CredentialRow>(`SELECT ${CREDENTIAL} FROM credentials WHERE uin = $1 ORDER BY create_time, create_seq`, [uin]);
      return rows.map(credentialFromRow);
    },
    async setCredentialStatus(secretId, status) {
      return changed(await writing([`c:${secretId}`], () => pool.query("UPDATE credentials SET status = $1 WHERE secret_id = $2", [status, secretId])));
    },
    async deleteCredential(secretId) {
      return changed(await writing([`c:${secretId}`], () => pool.query("DELETE FROM credentials WHERE secret_id = $1", [secretId])));
    },
    async putPolicy(p) {
      await writing([`p:${p.uin}`], () => pool.query(
        `INSERT INTO policies (uin, name, document, create_time) VALUES ($1, $2, $3, $4)
         ON CONFLICT (uin, name) DO UPDATE SET document = excluded.document, create_time = excluded.create_time`,
        [p.uin, p.name, p.document, p.createTime],
      ));
    },
    async deletePolicy(uin, name) {
      return changed(await writing([`p:${uin}`], () => pool.query("DELETE FROM policies WHERE uin = $1 AND name = $2", [uin, name])));
    },
    async listPolicies(uin) {
      open();
      const rows = await cache.get(`p:${uin}`, "policies", async () =>
        (await pool.query<PolicyRow>("SELECT uin, name, document, create_time FROM policies WHERE uin = $1 ORDER BY name", [uin])).rows);
      return (rows ?? []).map(policyFromRow);
    },
    async close() {
      closed = true;
    },
  };
}
