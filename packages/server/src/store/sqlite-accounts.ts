/**
 * Embedded account store on SQLite (better-sqlite3), in the same database file as the key store (its own
 * connection; WAL lets the server and `openkms admin` use the file at once). Every write is fsynced before it resolves
 * (`synchronous=NORMAL` plus an fdatasync of the WAL off the event loop: wal-sync.ts). `secure_delete=ON`: a deleted credential's (root-wrapped) SecretKey is overwritten in the file.
 */
import Database from "better-sqlite3";
import { SqliteRowCache } from "./sqlite-row-cache.js";
import { durableWrites, walSyncFor } from "./wal-sync.js";
import type { AccountRecord, AccountStore, CredentialRecord, PolicyRecord, PrincipalStatus } from "./accounts.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (
  uin TEXT PRIMARY KEY,
  owner_uin TEXT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS credentials (
  secret_id TEXT PRIMARY KEY,
  uin TEXT NOT NULL,
  wrapped_secret_key BLOB NOT NULL,
  status TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS credentials_by_uin ON credentials (uin);
CREATE TABLE IF NOT EXISTS policies (
  uin TEXT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (uin, name)
);
`;

interface AccountRow { uin: string; owner_uin: string; name: string; status: string; create_time: number }
interface CredentialRow { secret_id: string; uin: string; wrapped_secret_key: Buffer; status: string; create_time: number }
interface PolicyRow { uin: string; name: string; document: string; create_time: number }

const toAccount = (r: AccountRow): AccountRecord => ({
  uin: r.uin, ownerUin: r.owner_uin, name: r.name, status: r.status as PrincipalStatus, createTime: r.create_time,
});
const toCredential = (r: CredentialRow): CredentialRecord => ({
  secretId: r.secret_id, uin: r.uin, wrappedSecretKey: new Uint8Array(r.wrapped_secret_key),
  status: r.status as PrincipalStatus, createTime: r.create_time,
});
const toPolicy = (r: PolicyRow): PolicyRecord => ({ uin: r.uin, name: r.name, document: r.document, createTime: r.create_time });

/**
 * Open (creating the tables when missing) the account store in the SQLite file at `path`; `:memory:` for a
 * throwaway store.
 * @throws the driver's error when the file cannot be opened or is not a database
 */
export function openSqliteAccountStore(path: string): AccountStore {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // Commits write the WAL; durableWrites (wal-sync.ts) fsyncs it, off the event loop, before a write resolves.
  db.pragma("synchronous = NORMAL");
  const wal = walSyncFor(path);
  db.pragma("busy_timeout = 5000");
  db.pragma("secure_delete = ON");
  db.exec(SCHEMA);

  const st = {
    insertAccount: db.prepare("INSERT INTO accounts (uin, owner_uin, name, status, create_time) VALUES (?, ?, ?, ?, ?)"),
    getAccount: db.prepare<[string], AccountRow>("SELECT * FROM accounts WHERE uin = ?"),
    findAccount: db.prepare<[string], AccountRow>("SELECT * FROM accounts WHERE name = ?"),
    listAccounts: db.prepare<[], AccountRow>("SELECT * FROM accounts ORDER BY create_time, rowid"),
    setAccountStatus: db.prepare("UPDATE accounts SET status = ? WHERE uin = ?"),
    deleteAccount: db.prepare("DELETE FROM accounts WHERE uin = ?"),
    deleteAccountCredentials: db.prepare("DELETE FROM credentials WHERE uin = ?"),
    deleteAccountPolicies: db.prepare("DELETE FROM policies WHERE uin = ?"),
    putCredential: db.prepare(`INSERT INTO credentials (secret_id, uin, wrapped_secret_key, status, create_time)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT(secret_id) DO UPDATE SET uin = excluded.uin,
      wrapped_secret_key = excluded.wrapped_secret_key, status = excluded.status`),
    getCredential: db.prepare<[string], CredentialRow>("SELECT * FROM credentials WHERE secret_id = ?"),
    listCredentials: db.prepare<[], CredentialRow>("SELECT * FROM credentials ORDER BY create_time, rowid"),
    listCredentialsOf: db.prepare<[string], CredentialRow>("SELECT * FROM credentials WHERE uin = ? ORDER BY create_time, rowid"),
    setCredentialStatus: db.prepare("UPDATE credentials SET status = ? WHERE secret_id = ?"),
    deleteCredential: db.prepare("DELETE FROM credentials WHERE secret_id = ?"),
    putPolicy: db.prepare(`INSERT INTO policies (uin, name, document, create_time) VALUES (?, ?, ?, ?)
      ON CONFLICT(uin, name) DO UPDATE SET document = excluded.document, create_time = excluded.create_time`),
    deletePolicy: db.prepare("DELETE FROM policies WHERE uin = ? AND name = ?"),
    listPolicies: db.prepare<[string], PolicyRow>("SELECT * FROM policies WHERE uin = ? ORDER BY name"),
  };

  const deleteAccountTx = db.transaction((uin: string) => {
    st.deleteAccountCredentials.run(uin);
    st.deleteAccountPolicies.run(uin);
    return st.deleteAccount.run(uin).changes > 0;
  });

  let closed = false;
  const open = () => {
    if (closed) throw new Error("account store is closed");
  };
  /** Accounts and credentials read on every request (sqlite-row-cache.ts: never stale). */
  const cache = new SqliteRowCache(db);

  const store: AccountStore = {
    async createAccount(a) {
      open();
      st.insertAccount.run(a.uin, a.ownerUin, a.name, a.status, a.createTime);
    },
    async getAccount(uin) {
      open();
      const r = cache.get(`a\u0000${uin}`, () => st.getAccount.get(uin));
      return r ? toAccount(r) : undefined;
    },
    async findAccountByName(name) {
      open();
      const r = st.findAccount.get(name);
      return r ? toAccount(r) : undefined;
    },
    async listAccounts() {
      open();
      return st.listAccounts.all().map(toAccount);
    },
    async setAccountStatus(uin, status) {
      open();
      return st.setAccountStatus.run(status, uin).changes > 0;
    },
    async deleteAccount(uin) {
      open();
      return deleteAccountTx(uin);
    },
    async putCredential(c) {
      open();
      st.putCredential.run(c.secretId, c.uin, c.wrappedSecretKey, c.status, c.createTime);
    },
    async getCredential(secretId) {
      open();
      const r = cache.get(`c\u0000${secretId}`, () => st.getCredential.get(secretId));
      return r ? toCredential(r) : undefined;
    },
    async listCredentials(uin) {
      open();
      return (uin === undefined ? st.listCredentials.all() : st.listCredentialsOf.all(uin)).map(toCredential);
    },
    async setCredentialStatus(secretId, status) {
      open();
      return st.setCredentialStatus.run(status, secretId).changes > 0;
    },
    async deleteCredential(secretId) {
      open();
      return st.deleteCredential.run(secretId).changes > 0;
    },
    async putPolicy(p) {
      open();
      st.putPolicy.run(p.uin, p.name, p.document, p.createTime);
    },
    async deletePolicy(uin, name) {
      open();
      return st.deletePolicy.run(uin, name).changes > 0;
    },
    async listPolicies(uin) {
      open();
      return st.listPolicies.all(uin).map(toPolicy);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        wal.syncNow();
      } finally {
        db.close();
        wal.unretain();
      }
    },
  };
  return durableWrites(store, db, wal, ["getCredential", "getAccount", "listPolicies"]);
}
