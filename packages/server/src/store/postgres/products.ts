/**
 * The product gateway's store (gateway/product-store.ts: mounts, product tokens, product key names) on PostgreSQL,
 * shared by every node: a token issued or revoked on one node (or with `openkms admin --store`) applies on every
 * node's next request; a mount's scheduled rotation is claimed by one node (conditional UPDATE).
 */
import type pg from "pg";
import { TokenIdTakenError, type ProductKeyRef, type ProductMount, type ProductStore, type ProductTokenRecord, type ProductTokenStatus } from "../../gateway/product-store.js";
import { isPgUniqueViolation } from "./pool.js";

interface MountRow { mount: string; product: string; uin: string; key_id: string; rotation_days: number; next_rotate_time: number; create_time: number }
interface TokenRow { token_id: string; token_hash: string; mount: string; product: string; status: string; create_time: number; revoke_time: number }
interface KeyRefRow { mount: string; name: string; data_key_id: string; create_time: number }

const toMount = (r: MountRow): ProductMount => ({
  mount: r.mount, product: r.product, uin: r.uin, keyId: r.key_id, rotationDays: r.rotation_days, nextRotateTime: r.next_rotate_time, createTime: r.create_time,
});
const toToken = (r: TokenRow): ProductTokenRecord => ({
  tokenId: r.token_id, tokenHash: r.token_hash, mount: r.mount, product: r.product, status: r.status as ProductTokenStatus,
  createTime: r.create_time, revokeTime: r.revoke_time,
});
const toKeyRef = (r: KeyRefRow): ProductKeyRef => ({ mount: r.mount, name: r.name, dataKeyId: r.data_key_id, createTime: r.create_time });

/** The product store on an open, migrated pool (migration 3). `close()` does not end the pool. */
export function pgProductStore(pool: pg.Pool): ProductStore {
  let closed = false;
  const open = () => {
    if (closed) throw new Error("product store is closed");
  };
  const rows = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await pool.query<R>(sql, params)).rows;
  return {
    async getMount(mount) {
      open();
      const [r] = await rows<MountRow>("SELECT * FROM product_mounts WHERE mount = $1", [mount]);
      return r ? toMount(r) : undefined;
    },
    async putMountIfAbsent(m) {
      open();
      await pool.query(
        `INSERT INTO product_mounts (mount, product, uin, key_id, rotation_days, next_rotate_time, create_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (mount) DO NOTHING`,
        [m.mount, m.product, m.uin, m.keyId, m.rotationDays, m.nextRotateTime, m.createTime],
      );
      return toMount((await rows<MountRow>("SELECT * FROM product_mounts WHERE mount = $1", [m.mount]))[0]!);
    },
    async setMountRotation(mount, rotationDays, nextRotateTime) {
      open();
      return ((await pool.query("UPDATE product_mounts SET rotation_days = $1, next_rotate_time = $2 WHERE mount = $3", [rotationDays, nextRotateTime, mount])).rowCount ?? 0) > 0;
    },
    async claimRotation(mount, expected, next) {
      open();
      const r = await pool.query("UPDATE product_mounts SET next_rotate_time = $1 WHERE mount = $2 AND next_rotate_time = $3 AND rotation_days > 0", [next, mount, expected]);
      return (r.rowCount ?? 0) > 0;
    },
    async dueMounts(now) {
      open();
      return (await rows<MountRow>("SELECT * FROM product_mounts WHERE rotation_days > 0 AND next_rotate_time > 0 AND next_rotate_time <= $1 ORDER BY mount", [now])).map(toMount);
    },
    async listMounts() {
      open();
      return (await rows<MountRow>("SELECT * FROM product_mounts ORDER BY create_time, mount")).map(toMount);
    },
    async insertToken(t) {
      open();
      try {
        await pool.query(
          `INSERT INTO product_tokens (token_id, token_hash, mount, product, status, create_time, revoke_time) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [t.tokenId, t.tokenHash, t.mount, t.product, t.status, t.createTime, t.revokeTime],
        );
      } catch (e) {
        if (isPgUniqueViolation(e)) throw new TokenIdTakenError(`token id ${t.tokenId} is taken`);
        throw e;
      }
    },
    async getToken(tokenId) {
      open();
      const [r] = await rows<TokenRow>("SELECT * FROM product_tokens WHERE token_id = $1", [tokenId]);
      return r ? toToken(r) : undefined;
    },
    async listTokens() {
      open();
      return (await rows<TokenRow>("SELECT * FROM product_tokens ORDER BY create_time, token_id")).map(toToken);
    },
    async revokeToken(tokenId, now) {
      open();
      return ((await pool.query("UPDATE product_tokens SET status = 'Revoked', revoke_time = $1 WHERE token_id = $2 AND status = 'Active'", [now, tokenId])).rowCount ?? 0) > 0;
    },
    async getKeyRef(mount, name) {
      open();
      const [r] = await rows<KeyRefRow>("SELECT * FROM product_keys WHERE mount = $1 AND name = $2", [mount, name]);
      return r ? toKeyRef(r) : undefined;
    },
    async putKeyRefIfAbsent(ref) {
      open();
      await pool.query("INSERT INTO product_keys (mount, name, data_key_id, create_time) VALUES ($1, $2, $3, $4) ON CONFLICT (mount, name) DO NOTHING", [
        ref.mount, ref.name, ref.dataKeyId, ref.createTime,
      ]);
      return toKeyRef((await rows<KeyRefRow>("SELECT * FROM product_keys WHERE mount = $1 AND name = $2", [ref.mount, ref.name]))[0]!);
    },
    async listKeyRefs(mount) {
      open();
      return (await rows<KeyRefRow>("SELECT * FROM product_keys WHERE mount = $1 ORDER BY create_time, name", [mount])).map(toKeyRef);
    },
    async countKeyRefs(mount) {
      open();
      return (await rows<{ n: number }>("SELECT COUNT(*)::int AS n FROM product_keys WHERE mount = $1", [mount]))[0]!.n;
    },
    async close() {
      closed = true;
    },
  };
}
