/**
 * The product gateway's store on SQLite (better-sqlite3), in the key store's file `openkms.db` (its own connection;
 * WAL lets the server and `openkms admin` use the file at once). `synchronous=FULL`: a revocation, once the command
 * returns, survives `kill -9`.
 */
import Database from "better-sqlite3";
import { TokenIdTakenError, type ProductKeyRef, type ProductMount, type ProductStore, type ProductTokenRecord, type ProductTokenStatus } from "./product-store.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS product_mounts (
  mount TEXT PRIMARY KEY,
  product TEXT NOT NULL,
  uin TEXT NOT NULL,
  key_id TEXT NOT NULL,
  rotation_days INTEGER NOT NULL,
  next_rotate_time INTEGER NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS product_tokens (
  token_id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  mount TEXT NOT NULL REFERENCES product_mounts(mount),
  product TEXT NOT NULL,
  status TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  revoke_time INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS product_keys (
  mount TEXT NOT NULL REFERENCES product_mounts(mount),
  name TEXT NOT NULL,
  data_key_id TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (mount, name)
);
`;

interface MountRow { mount: string; product: string; uin: string; key_id: string; rotation_days: number; next_rotate_time: number; create_time: number }
interface TokenRow { token_id: string; token_hash: string; mount: string; product: string; status: string; create_time: number; revoke_time: number }
interface KeyRow { mount: string; name: string; data_key_id: string; create_time: number }

const toMount = (r: MountRow): ProductMount => ({
  mount: r.mount, product: r.product, uin: r.uin, keyId: r.key_id, rotationDays: r.rotation_days,
  nextRotateTime: r.next_rotate_time, createTime: r.create_time,
});
const toToken = (r: TokenRow): ProductTokenRecord => ({
  tokenId: r.token_id, tokenHash: r.token_hash, mount: r.mount, product: r.product, status: r.status as ProductTokenStatus,
  createTime: r.create_time, revokeTime: r.revoke_time,
});
const toKeyRef = (r: KeyRow): ProductKeyRef => ({ mount: r.mount, name: r.name, dataKeyId: r.data_key_id, createTime: r.create_time });

/**
 * Open (creating the tables when missing) the product store in the SQLite file at `path`; `:memory:` for a
 * throwaway store.
 * @throws the driver's error when the file cannot be opened or is not a database
 */
export function openSqliteProductStore(path: string): ProductStore {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);

  const st = {
    getMount: db.prepare<[string], MountRow>("SELECT * FROM product_mounts WHERE mount = ?"),
    insertMount: db.prepare(`INSERT INTO product_mounts (mount, product, uin, key_id, rotation_days, next_rotate_time, create_time)
      VALUES (@mount, @product, @uin, @keyId, @rotationDays, @nextRotateTime, @createTime) ON CONFLICT(mount) DO NOTHING`),
    setRotation: db.prepare("UPDATE product_mounts SET rotation_days = ?, next_rotate_time = ? WHERE mount = ?"),
    claimRotation: db.prepare("UPDATE product_mounts SET next_rotate_time = ? WHERE mount = ? AND next_rotate_time = ? AND rotation_days > 0"),
    dueMounts: db.prepare<[number], MountRow>("SELECT * FROM product_mounts WHERE rotation_days > 0 AND next_rotate_time > 0 AND next_rotate_time <= ? ORDER BY mount"),
    listMounts: db.prepare<[], MountRow>("SELECT * FROM product_mounts ORDER BY create_time, mount"),
    insertToken: db.prepare(`INSERT INTO product_tokens (token_id, token_hash, mount, product, status, create_time, revoke_time)
      VALUES (@tokenId, @tokenHash, @mount, @product, @status, @createTime, @revokeTime)`),
    getToken: db.prepare<[string], TokenRow>("SELECT * FROM product_tokens WHERE token_id = ?"),
    listTokens: db.prepare<[], TokenRow>("SELECT * FROM product_tokens ORDER BY create_time, token_id"),
    revokeToken: db.prepare("UPDATE product_tokens SET status = 'Revoked', revoke_time = ? WHERE token_id = ? AND status = 'Active'"),
    getKeyRef: db.prepare<[string, string], KeyRow>("SELECT * FROM product_keys WHERE mount = ? AND name = ?"),
    insertKeyRef: db.prepare(`INSERT INTO product_keys (mount, name, data_key_id, create_time) VALUES (@mount, @name, @dataKeyId, @createTime)
      ON CONFLICT(mount, name) DO NOTHING`),
    listKeyRefs: db.prepare<[string], KeyRow>("SELECT * FROM product_keys WHERE mount = ? ORDER BY create_time, name"),
    countKeyRefs: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM product_keys WHERE mount = ?"),
  };

  let closed = false;
  const open = () => {
    if (closed) throw new Error("product store is closed");
  };

  return {
    async getMount(mount) {
      open();
      const r = st.getMount.get(mount);
      return r ? toMount(r) : undefined;
    },
    async putMountIfAbsent(m) {
      open();
      st.insertMount.run(m);
      return toMount(st.getMount.get(m.mount)!);
    },
    async setMountRotation(mount, rotationDays, nextRotateTime) {
      open();
      return st.setRotation.run(rotationDays, nextRotateTime, mount).changes > 0;
    },
    async claimRotation(mount, expected, next) {
      open();
      return st.claimRotation.run(next, mount, expected).changes > 0;
    },
    async dueMounts(nowSeconds) {
      open();
      return st.dueMounts.all(nowSeconds).map(toMount);
    },
    async listMounts() {
      open();
      return st.listMounts.all().map(toMount);
    },
    async insertToken(t) {
      open();
      try {
        st.insertToken.run(t);
      } catch (e) {
        if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") throw new TokenIdTakenError(`token id ${t.tokenId} is taken`);
        throw e;
      }
    },
    async getToken(tokenId) {
      open();
      const r = st.getToken.get(tokenId);
      return r ? toToken(r) : undefined;
    },
    async listTokens() {
      open();
      return st.listTokens.all().map(toToken);
    },
    async revokeToken(tokenId, nowSeconds) {
      open();
      return st.revokeToken.run(nowSeconds, tokenId).changes > 0;
    },
    async getKeyRef(mount, name) {
      open();
      const r = st.getKeyRef.get(mount, name);
      return r ? toKeyRef(r) : undefined;
    },
    async putKeyRefIfAbsent(ref) {
      open();
      st.insertKeyRef.run(ref);
      return toKeyRef(st.getKeyRef.get(ref.mount, ref.name)!);
    },
    async listKeyRefs(mount) {
      open();
      return st.listKeyRefs.all(mount).map(toKeyRef);
    },
    async countKeyRefs(mount) {
      open();
      return st.countKeyRefs.get(mount)!.n;
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
