/**
 * The key store on PostgreSQL, shared by every node of a cluster. Each method is one statement or one transaction
 * (READ COMMITTED); the conditional writes (rotation, scheduled deletion, material expiry) decide in the database —
 * `UPDATE … WHERE <still due>` or a `FOR UPDATE` row lock — so when several nodes' schedulers see the same due key,
 * exactly one changes it and the others get false. An action's change of a key it read (state, dates, alias, …) is
 * written only while the row still holds what was read (store/stale-record.ts: the action runs again on a change), so
 * concurrent changes of one key answer as if they came one after the other. A server's store reads keys and versions through its node cache
 * (read-cache.ts, kept coherent by LISTEN/NOTIFY); tools read the database every time.
 *
 * Deleted rows are not overwritten in place (PostgreSQL reclaims them at VACUUM); what they held was root-wrapped.
 */
import type pg from "pg";
import { ErrorCode, KmsError } from "../../errors.js";
import type { ImportTokenRecord, KeyListFilter, KeyRecord, KeyState, KeyStore, KeyVersionRecord } from "../types.js";
import { pgDataKeyMethods } from "./data-keys.js";
import { PgListFilter } from "./list-filter.js";
import { StaleRecordError } from "../stale-record.js";
import { inTransaction, rethrowNameTaken, type PgQueryable } from "./pool.js";
import { PgReadCache } from "./read-cache.js";

interface KeyRow {
  key_id: string; uin: string; alias: string; description: string; key_state: string; key_usage: string; origin: string;
  key_type: number; create_time: number; deletion_date: number; valid_to: number; rotation_enabled: boolean;
  rotate_days: number; next_rotate_time: number; last_rotate_time: number; current_version: number; owner: string;
  tags: KeyRecord["tags"];
}

interface VersionRow { key_id: string; version: number; algorithm: number; wrapped_material: Buffer; public_key: Buffer; create_time: number }
interface TokenRow {
  key_id: string; token_id: Buffer; wrapping_algorithm: string; wrapped_private_key: Buffer; public_key: Buffer;
  create_time: number; valid_to: number;
}

const KEY_COLUMNS = `key_id, uin, alias, description, key_state, key_usage, origin, key_type, create_time, deletion_date,
  valid_to, rotation_enabled, rotate_days, next_rotate_time, last_rotate_time, current_version, owner, tags`;

export function keyFromRow(r: KeyRow): KeyRecord {
  return {
    keyId: r.key_id, uin: r.uin, alias: r.alias, description: r.description,
    keyState: r.key_state as KeyState, keyUsage: r.key_usage, origin: r.origin as KeyRecord["origin"],
    keyType: r.key_type, createTime: r.create_time, deletionDate: r.deletion_date, validTo: r.valid_to,
    rotationEnabled: r.rotation_enabled, rotateDays: r.rotate_days, nextRotateTime: r.next_rotate_time,
    lastRotateTime: r.last_rotate_time, currentVersion: r.current_version, owner: r.owner,
    tags: r.tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })),
  };
}

export const versionFromRow = (r: VersionRow): KeyVersionRecord => ({
  keyId: r.key_id, version: r.version, algorithm: r.algorithm, wrappedMaterial: new Uint8Array(r.wrapped_material),
  publicKey: new Uint8Array(r.public_key), createTime: r.create_time,
});

export const tokenFromRow = (r: TokenRow): ImportTokenRecord => ({
  keyId: r.key_id, tokenId: new Uint8Array(r.token_id), wrappingAlgorithm: r.wrapping_algorithm,
  wrappedPrivateKey: new Uint8Array(r.wrapped_private_key), publicKey: new Uint8Array(r.public_key),
  createTime: r.create_time, validTo: r.valid_to,
});

const keyValues = (k: KeyRecord) => [
  k.keyId, k.uin, k.alias, k.description, k.keyState, k.keyUsage, k.origin, k.keyType, k.createTime, k.deletionDate,
  k.validTo, k.rotationEnabled, k.rotateDays, k.nextRotateTime, k.lastRotateTime, k.currentVersion, k.owner,
  JSON.stringify(k.tags),
];

const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const INSERT_KEY = `INSERT INTO keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb)`;
const UPDATE_KEY = `UPDATE keys SET alias = $3, description = $4, key_state = $5, key_usage = $6, origin = $7, key_type = $8,
  deletion_date = $9, valid_to = $10, rotation_enabled = $11, rotate_days = $12, next_rotate_time = $13,
  last_rotate_time = $14, current_version = $15, owner = $16, tags = $17::jsonb
  WHERE key_id = $1 AND uin = $2`;
/** {@link keyValues} without createTime (never changed). */
const updateValues = (k: KeyRecord) => keyValues(k).filter((_, i) => i !== 8);
const INSERT_VERSION = `INSERT INTO key_versions (key_id, version, algorithm, wrapped_material, public_key, create_time)
  VALUES ($1, $2, $3, $4, $5, $6)`;
const PUT_VERSION = `${INSERT_VERSION} ON CONFLICT (key_id, version) DO UPDATE SET algorithm = excluded.algorithm,
  wrapped_material = excluded.wrapped_material, public_key = excluded.public_key, create_time = excluded.create_time`;
/** {@link INSERT_KEY} and the key's first version ($19–$23: version, algorithm, material, public key, time). */
const INSERT_KEY_AND_VERSION = `WITH k AS (${INSERT_KEY} RETURNING key_id)
  INSERT INTO key_versions (key_id, version, algorithm, wrapped_material, public_key, create_time)
  SELECT k.key_id, $19, $20, $21, $22, $23 FROM k`;
const versionValues = (v: KeyVersionRecord) => [v.keyId, v.version, v.algorithm, buf(v.wrappedMaterial), buf(v.publicKey), v.createTime];

const aliasClash = (e: unknown, alias: string): never =>
  rethrowNameTaken(e, "keys_uin_alias_key", ErrorCode.InvalidParameterValueAliasAlreadyExists, `Alias ${alias} already exists`);

/** {@link UPDATE_KEY} while the written columns still hold what was read ($18–$32). */
const UPDATE_KEY_IF_UNCHANGED = `${UPDATE_KEY} AND (alias, description, key_state, key_usage, origin, key_type, deletion_date,
  valid_to, rotation_enabled, rotate_days, next_rotate_time, last_rotate_time, current_version, owner, tags)
  = ($18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32::jsonb)`;

/**
 * Write `key`; with `read` (the stored record it was derived from), only while the row is still `read` — else
 * StaleRecordError (store/stale-record.ts), nothing written: concurrent state changes of one key, on this node or
 * another, cannot both pass their checks against the same old state.
 */
async function updateKeyWith(q: PgQueryable, key: KeyRecord, read?: KeyRecord): Promise<void> {
  let written: number | null;
  try {
    written = (read ? await q.query(UPDATE_KEY_IF_UNCHANGED, [...updateValues(key), ...updateValues(read).slice(2)])
      : await q.query(UPDATE_KEY, updateValues(key))).rowCount;
  } catch (e) {
    return aliasClash(e, key.alias);
  }
  if (read && written !== 1) throw new StaleRecordError(key.keyId);
}

/**
 * The key store on an open, migrated pool (store/postgres/open.ts). `close()` does not end the pool.
 * @param cache the node cache (a server's); without one (tools), every read goes to the database
 */
export function pgKeyStore(pool: pg.Pool, cache: PgReadCache = new PgReadCache()): KeyStore {
  let closed = false;
  const open = () => {
    if (closed) throw new Error("key store is closed");
  };
  const tag = (keyId: string) => `k:${keyId}`;
  /** Run a write that changes `keyIds`, then drop them from this node's cache (the triggers tell the other nodes). */
  const writing = <T>(keyIds: string[], write: () => Promise<T>) => (open(), cache.writing(keyIds.map(tag), write));
  return {
    async getMeta(name) {
      open();
      const { rows } = await pool.query<{ value: string }>("SELECT value FROM meta WHERE name = $1", [name]);
      return rows[0]?.value;
    },
    async setMeta(name, value) {
      open();
      await pool.query("INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, value]);
    },
    async createKey(key, version) {
      open();
      try {
        // One statement (one round trip, its own transaction): the key and its first version, or neither.
        if (version) await pool.query(INSERT_KEY_AND_VERSION, [...keyValues(key), ...versionValues(version).slice(1)]);
        else await pool.query(INSERT_KEY, keyValues(key));
      } catch (e) {
        aliasClash(e, key.alias);
      }
    },
    async getKey(uin, keyId) {
      open();
      const row = await cache.get(tag(keyId), "key", async () =>
        (await pool.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM keys WHERE uin = $1 AND key_id = $2`, [uin, keyId])).rows[0]);
      return row && row.uin === uin ? keyFromRow(row) : undefined;
    },
    async updateKey(key, read) {
      await writing([key.keyId], () => updateKeyWith(pool, key, read));
    },
    async updateKeys(keys, read) {
      await writing(keys.map((k) => k.keyId), () =>
        inTransaction(pool, async (c) => {
          for (const [i, k] of keys.entries()) await updateKeyWith(c, k, read?.[i]);
        }));
    },
    async listKeys(uin, f: KeyListFilter) {
      open();
      const w = new PgListFilter(uin);
      if (f.states) w.and(`key_state = ANY(${w.param(f.states)}::text[])`);
      if (f.usages) w.and(`key_usage = ANY(${w.param(f.usages)}::text[])`);
      if (f.origin) w.and(`origin = ${w.param(f.origin)}`);
      if (f.serviceOnly) w.and("owner <> 'user'");
      if (f.search) w.search("key_id", "alias", f.search);
      w.tags("keys", f.tagFilters);
      const { total, rows } = await w.page<KeyRow>(pool, "keys", KEY_COLUMNS, f.order, f.limit, f.offset);
      return { total, keys: rows.map(keyFromRow) };
    },
    async countKeys(uin) {
      open();
      return (await pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM keys WHERE uin = $1", [uin])).rows[0]!.n;
    },
    async getKeyVersion(keyId, version) {
      open();
      const row = await cache.get(tag(keyId), `v${version}`, async () =>
        (await pool.query<VersionRow>("SELECT * FROM key_versions WHERE key_id = $1 AND version = $2", [keyId, version])).rows[0]);
      return row ? versionFromRow(row) : undefined;
    },
    async addKeyVersion(v) {
      await writing([v.keyId], () => pool.query(INSERT_VERSION, versionValues(v)));
    },
    async rotateKey(key, v) {
      open();
      if (v.version !== key.currentVersion) return false;
      return writing([key.keyId], () => inTransaction(pool, async (c) => {
        // Concurrent rotations of one key queue on its row; the later one re-checks and finds the version moved on.
        const { rowCount } = await c.query(
          `UPDATE keys SET current_version = $2, last_rotate_time = $3, next_rotate_time = $4
           WHERE key_id = $1 AND current_version = $2 - 1 AND key_state = 'Enabled' AND rotation_enabled`,
          [key.keyId, key.currentVersion, key.lastRotateTime, key.nextRotateTime],
        );
        if (rowCount !== 1) return false;
        const inserted = await c.query(`${INSERT_VERSION} ON CONFLICT DO NOTHING`, versionValues(v));
        if (inserted.rowCount !== 1) throw new Error(`key ${key.keyId} already has a version ${v.version}`);
        return true;
      }));
    },
    async destroyKeyIfDue(keyId, now) {
      return writing([keyId], () => inTransaction(pool, async (c) => {
        const { rows } = await c.query(
          `SELECT key_id FROM keys WHERE key_id = $1 AND key_state = 'PendingDelete' AND deletion_date > 0 AND deletion_date <= $2 FOR UPDATE`,
          [keyId, now],
        );
        if (rows.length === 0) return false;
        await c.query("DELETE FROM import_tokens WHERE key_id = $1", [keyId]);
        await c.query("DELETE FROM material_checks WHERE key_id = $1", [keyId]);
        await c.query("DELETE FROM cloud_bindings WHERE key_id = $1", [keyId]);
        await c.query("DELETE FROM key_versions WHERE key_id = $1", [keyId]);
        return (await c.query("DELETE FROM keys WHERE key_id = $1", [keyId])).rowCount === 1;
      }));
    },
    async expireMaterial(keyId, validTo, now) {
      return writing([keyId], () => inTransaction(pool, async (c) => {
        const { rows } = await c.query<{ key_state: KeyState }>(
          `UPDATE keys SET key_state = CASE key_state WHEN 'PendingDelete' THEN 'PendingDelete' ELSE 'PendingImport' END
           WHERE key_id = $1 AND origin = 'EXTERNAL' AND valid_to = $2 AND valid_to > 0 AND valid_to <= $3
           RETURNING key_state`,
          [keyId, validTo, now],
        );
        if (!rows[0]) return undefined;
        await c.query("DELETE FROM key_versions WHERE key_id = $1", [keyId]);
        return rows[0].key_state;
      }));
    },
    async dueKeys(now) {
      open();
      const { rows } = await pool.query<KeyRow>(
        `SELECT ${KEY_COLUMNS} FROM keys WHERE
          (key_state = 'PendingDelete' AND deletion_date > 0 AND deletion_date <= $1)
          OR (rotation_enabled AND key_state = 'Enabled' AND next_rotate_time <= $1)
          OR (origin = 'EXTERNAL' AND valid_to > 0 AND valid_to <= $1
              AND EXISTS (SELECT 1 FROM key_versions v WHERE v.key_id = keys.key_id))
          ORDER BY create_time, create_seq`,
        [now],
      );
      return rows.map(keyFromRow);
    },
    async putImportToken(t) {
      open();
      await pool.query(
        `INSERT INTO import_tokens (key_id, token_id, wrapping_algorithm, wrapped_private_key, public_key, create_time, valid_to)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key_id) DO UPDATE SET token_id = excluded.token_id,
         wrapping_algorithm = excluded.wrapping_algorithm, wrapped_private_key = excluded.wrapped_private_key,
         public_key = excluded.public_key, create_time = excluded.create_time, valid_to = excluded.valid_to`,
        [t.keyId, buf(t.tokenId), t.wrappingAlgorithm, buf(t.wrappedPrivateKey), buf(t.publicKey), t.createTime, t.validTo],
      );
    },
    async getImportToken(keyId) {
      open();
      const { rows } = await pool.query<TokenRow>("SELECT * FROM import_tokens WHERE key_id = $1", [keyId]);
      return rows[0] ? tokenFromRow(rows[0]) : undefined;
    },
    async deleteExpiredImportTokens(now) {
      open();
      const { rows } = await pool.query<{ key_id: string }>("DELETE FROM import_tokens WHERE valid_to <= $1 RETURNING key_id", [now]);
      return rows.map((r) => r.key_id);
    },
    async importMaterial(key, v, check, same, read) {
      await writing([key.keyId], () => inTransaction(pool, async (c) => {
        // The key's row lock serialises concurrent imports (on any node) of the same key.
        await c.query("SELECT 1 FROM keys WHERE key_id = $1 FOR UPDATE", [key.keyId]);
        const stored = (await c.query<{ wrapped_check: Buffer }>("SELECT wrapped_check FROM material_checks WHERE key_id = $1", [key.keyId])).rows[0];
        if (stored) {
          if (!same(new Uint8Array(stored.wrapped_check))) {
            throw new KmsError(ErrorCode.InvalidParameterValueMaterialNotMatch, "The key material differs from the material imported into this CMK before");
          }
        } else {
          await c.query("INSERT INTO material_checks (key_id, wrapped_check) VALUES ($1, $2)", [key.keyId, buf(check)]);
        }
        await c.query(PUT_VERSION, versionValues(v));
        await updateKeyWith(c, key, read);
      }));
    },
    async deleteMaterial(key, read) {
      await writing([key.keyId], () => inTransaction(pool, async (c) => {
        await updateKeyWith(c, key, read);
        await c.query("DELETE FROM key_versions WHERE key_id = $1", [key.keyId]);
      }));
    },
    ...pgDataKeyMethods(pool, open),
    async getServiceKey(uin, product) {
      open();
      const { rows } = await pool.query<KeyRow>(
        `SELECT ${KEY_COLUMNS} FROM keys WHERE uin = $1 AND owner = $2 AND owner <> 'user' ORDER BY create_seq LIMIT 1`,
        [uin, product],
      );
      return rows[0] ? keyFromRow(rows[0]) : undefined;
    },
    async close() {
      closed = true;
    },
  };
}
