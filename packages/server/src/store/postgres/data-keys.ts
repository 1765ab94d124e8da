/**
 * The PostgreSQL key store's hosted data keys (reference §3.12) and cloud-resource bindings (§3.11): the same
 * contract as the embedded store (store/types.ts), shared by every node. Creation counts the account's data keys and
 * inserts under a per-account advisory lock, so two nodes cannot both pass the limit; a data key rotation is a
 * conditional UPDATE (one node wins); a due data key is destroyed under its row lock (once across the cluster).
 */
import type pg from "pg";
import { ErrorCode, KmsError } from "../../errors.js";
import type { CloudBindingRecord, DataKeyListFilter, DataKeyRecord, DataKeyVersionRecord, KeyStore } from "../types.js";
import { PgListFilter } from "./list-filter.js";
import { StaleRecordError } from "../stale-record.js";
import { inTransaction, rethrowNameTaken, type PgQueryable } from "./pool.js";

interface DataKeyRow {
  data_key_id: string; uin: string; key_id: string; name: string; description: string; key_state: string; origin: string;
  number_of_bytes: number; create_time: number; deletion_date: number; owner: string; current_version: number; tags: DataKeyRecord["tags"];
}
interface DataKeyVersionRow { data_key_id: string; version: number; ciphertext_blob: Buffer; create_time: number }
interface BindingRow { key_id: string; uin: string; product_id: string; resource_id: string; create_time: number }

const DATA_KEY_COLUMNS = `data_key_id, uin, key_id, name, description, key_state, origin, number_of_bytes, create_time,
  deletion_date, owner, current_version, tags`;

export const dataKeyFromRow = (r: DataKeyRow): DataKeyRecord => ({
  dataKeyId: r.data_key_id, uin: r.uin, keyId: r.key_id, name: r.name, description: r.description,
  keyState: r.key_state as DataKeyRecord["keyState"], origin: r.origin as DataKeyRecord["origin"], numberOfBytes: r.number_of_bytes,
  createTime: r.create_time, deletionDate: r.deletion_date, owner: r.owner, currentVersion: r.current_version,
  tags: r.tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })),
});
const versionFromRow = (r: DataKeyVersionRow): DataKeyVersionRecord => ({
  dataKeyId: r.data_key_id, version: r.version, ciphertextBlob: new Uint8Array(r.ciphertext_blob), createTime: r.create_time,
});
const bindingFromRow = (r: BindingRow): CloudBindingRecord => ({
  keyId: r.key_id, uin: r.uin, productId: r.product_id, resourceId: r.resource_id, createTime: r.create_time,
});
const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const nameClash = (e: unknown, name: string): never =>
  rethrowNameTaken(e, "data_keys_uin_name_key", ErrorCode.InvalidParameterValueDataKeyNameAlreadyExists, `DataKeyName ${name} already exists`);

const UPDATE_DATA_KEY = "UPDATE data_keys SET name = $3, description = $4, key_state = $5, deletion_date = $6, tags = $7::jsonb WHERE data_key_id = $1 AND uin = $2";
/** {@link UPDATE_DATA_KEY} while the written columns still hold what was read ($8–$12). */
const UPDATE_DATA_KEY_IF_UNCHANGED = `${UPDATE_DATA_KEY} AND (name, description, key_state, deletion_date, tags) = ($8, $9, $10, $11, $12::jsonb)`;
const dataKeyValues = (d: DataKeyRecord) => [d.name, d.description, d.keyState, d.deletionDate, JSON.stringify(d.tags)];

/** Write `d`; with `read`, only while the row is still `read` (else StaleRecordError, nothing written). */
async function updateDataKeyWith(q: PgQueryable, d: DataKeyRecord, read?: DataKeyRecord): Promise<void> {
  let written: number | null;
  try {
    const head = [d.dataKeyId, d.uin, ...dataKeyValues(d)];
    written = (read ? await q.query(UPDATE_DATA_KEY_IF_UNCHANGED, [...head, ...dataKeyValues(read)]) : await q.query(UPDATE_DATA_KEY, head)).rowCount;
  } catch (e) {
    return nameClash(e, d.name);
  }
  if (read && written !== 1) throw new StaleRecordError(d.dataKeyId);
}

type DataKeyMethods = Pick<KeyStore,
  | "createDataKey" | "getDataKey" | "getDataKeyByName" | "updateDataKey" | "updateDataKeys" | "listDataKeys" | "countDataKeys"
  | "getDataKeyVersion" | "listDataKeyVersions" | "addDataKeyVersion" | "dueDataKeys" | "destroyDataKeyIfDue"
  | "bindCloudResource" | "unbindCloudResource" | "listCloudBindings">;

/** Lock-id namespace of per-account data key creation (`pg_advisory_xact_lock(ns, hashtext(uin))`). */
const DATA_KEY_LIMIT_LOCK = 0x6f6b6d03;

/** The data key and binding methods of {@link pgKeyStore} (keys.ts); `open()` throws once the store is closed. */
export function pgDataKeyMethods(pool: pg.Pool, open: () => void): DataKeyMethods {
  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => (await pool.query<R>(sql, params)).rows[0];
  return {
    async createDataKey(d, v, max) {
      open();
      try {
        await inTransaction(pool, async (c) => {
          await c.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [DATA_KEY_LIMIT_LOCK, d.uin]);
          const n = (await c.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM data_keys WHERE uin = $1 AND key_state <> 'PendingDelete'", [d.uin])).rows[0]!.n;
          if (n >= max) throw new KmsError(ErrorCode.LimitExceededDataKeyLimitExceeded, `This account already has ${max} data keys`);
          await c.query(
            `INSERT INTO data_keys (${DATA_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)`,
            [d.dataKeyId, d.uin, d.keyId, d.name, d.description, d.keyState, d.origin, d.numberOfBytes, d.createTime, d.deletionDate, d.owner, d.currentVersion, JSON.stringify(d.tags)],
          );
          await c.query("INSERT INTO data_key_versions (data_key_id, version, ciphertext_blob, create_time) VALUES ($1, $2, $3, $4)", [
            v.dataKeyId, v.version, buf(v.ciphertextBlob), v.createTime,
          ]);
        });
      } catch (e) {
        nameClash(e, d.name);
      }
    },
    async getDataKey(uin, id) {
      open();
      const r = await one<DataKeyRow>(`SELECT ${DATA_KEY_COLUMNS} FROM data_keys WHERE uin = $1 AND data_key_id = $2`, [uin, id]);
      return r ? dataKeyFromRow(r) : undefined;
    },
    async getDataKeyByName(uin, name) {
      open();
      const r = await one<DataKeyRow>(`SELECT ${DATA_KEY_COLUMNS} FROM data_keys WHERE uin = $1 AND name = $2`, [uin, name]);
      return r ? dataKeyFromRow(r) : undefined;
    },
    async updateDataKey(d, read) {
      open();
      await updateDataKeyWith(pool, d, read);
    },
    async updateDataKeys(ds, read) {
      open();
      await inTransaction(pool, async (c) => {
        for (const [i, d] of ds.entries()) await updateDataKeyWith(c, d, read?.[i]);
      });
    },
    async listDataKeys(uin, f: DataKeyListFilter) {
      open();
      const w = new PgListFilter(uin);
      if (f.states) w.and(`key_state = ANY(${w.param(f.states)}::text[])`);
      if (f.serviceOnly) w.and("owner <> 'user'");
      if (f.keyId !== undefined) w.and(`key_id = ${w.param(f.keyId)}`);
      if (f.origin) w.and(`origin = ${w.param(f.origin)}`);
      if (f.numberOfBytes !== undefined) w.and(`number_of_bytes = ${w.param(f.numberOfBytes)}`);
      if (f.search) w.search("data_key_id", "name", f.search);
      w.tags("data_keys", f.tagFilters);
      const { total, rows } = await w.page<DataKeyRow>(pool, "data_keys", DATA_KEY_COLUMNS, f.order, f.limit, f.offset);
      return { total, dataKeys: rows.map(dataKeyFromRow) };
    },
    async countDataKeys(uin) {
      open();
      return (await one<{ n: number }>("SELECT COUNT(*)::int AS n FROM data_keys WHERE uin = $1 AND key_state <> 'PendingDelete'", [uin]))!.n;
    },
    async getDataKeyVersion(id, version) {
      open();
      const r = await one<DataKeyVersionRow>("SELECT * FROM data_key_versions WHERE data_key_id = $1 AND version = $2", [id, version]);
      return r ? versionFromRow(r) : undefined;
    },
    async listDataKeyVersions(id) {
      open();
      return (await pool.query<DataKeyVersionRow>("SELECT * FROM data_key_versions WHERE data_key_id = $1 ORDER BY version", [id])).rows.map(versionFromRow);
    },
    async addDataKeyVersion(v) {
      open();
      return inTransaction(pool, async (c) => {
        const { rowCount } = await c.query(
          "UPDATE data_keys SET current_version = $2 WHERE data_key_id = $1 AND current_version = $2 - 1 AND key_state <> 'PendingDelete'",
          [v.dataKeyId, v.version],
        );
        if (rowCount !== 1) return false;
        const inserted = await c.query(
          "INSERT INTO data_key_versions (data_key_id, version, ciphertext_blob, create_time) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
          [v.dataKeyId, v.version, buf(v.ciphertextBlob), v.createTime],
        );
        if (inserted.rowCount !== 1) throw new Error(`data key ${v.dataKeyId} already has a version ${v.version}`);
        return true;
      });
    },
    async dueDataKeys(now) {
      open();
      const { rows } = await pool.query<DataKeyRow>(
        `SELECT ${DATA_KEY_COLUMNS} FROM data_keys WHERE key_state = 'PendingDelete' AND deletion_date > 0 AND deletion_date <= $1
         ORDER BY create_time, create_seq`,
        [now],
      );
      return rows.map(dataKeyFromRow);
    },
    async destroyDataKeyIfDue(id, now) {
      open();
      return inTransaction(pool, async (c) => {
        const { rows } = await c.query(
          "SELECT 1 FROM data_keys WHERE data_key_id = $1 AND key_state = 'PendingDelete' AND deletion_date > 0 AND deletion_date <= $2 FOR UPDATE",
          [id, now],
        );
        if (rows.length === 0) return false;
        await c.query("DELETE FROM data_key_versions WHERE data_key_id = $1", [id]);
        return (await c.query("DELETE FROM data_keys WHERE data_key_id = $1", [id])).rowCount === 1;
      });
    },
    async bindCloudResource(b) {
      open();
      const { rowCount } = await pool.query(
        `INSERT INTO cloud_bindings (key_id, uin, product_id, resource_id, create_time) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key_id, product_id, resource_id) DO NOTHING`,
        [b.keyId, b.uin, b.productId, b.resourceId, b.createTime],
      );
      return rowCount === 1;
    },
    async unbindCloudResource(keyId, productId, resourceId) {
      open();
      return (await pool.query("DELETE FROM cloud_bindings WHERE key_id = $1 AND product_id = $2 AND resource_id = $3", [keyId, productId, resourceId])).rowCount === 1;
    },
    async listCloudBindings(filter) {
      open();
      const cols = "key_id, uin, product_id, resource_id, create_time";
      if (filter.keyId !== undefined) {
        const { rows } = filter.uin === undefined
          ? await pool.query<BindingRow>(`SELECT ${cols} FROM cloud_bindings WHERE key_id = $1 ORDER BY create_seq`, [filter.keyId])
          : await pool.query<BindingRow>(`SELECT ${cols} FROM cloud_bindings WHERE key_id = $1 AND uin = $2 ORDER BY create_seq`, [filter.keyId, filter.uin]);
        return rows.map(bindingFromRow);
      }
      if (filter.uin !== undefined) {
        return (await pool.query<BindingRow>(`SELECT ${cols} FROM cloud_bindings WHERE uin = $1 ORDER BY create_seq`, [filter.uin])).rows.map(bindingFromRow);
      }
      throw new TypeError("listCloudBindings: give keyId or uin");
    },
  };
}
