/**
 * Embedded key store on SQLite (better-sqlite3): one file in the data dir, WAL journal, every write fsynced before it
 * resolves (`synchronous=NORMAL` plus an fdatasync of the WAL off the event loop: wal-sync.ts) so a
 * committed write survives `kill -9` and power loss. `secure_delete=ON` overwrites deleted rows with zeros, and every
 * destructive write (key deletion, material deletion, replaced or expired import parameters) is followed by a WAL
 * checkpoint so the old pages do not linger in the WAL file either. (Everything destroyed was root-wrapped anyway.)
 */
import Database from "better-sqlite3";
import { SqliteRowCache } from "./sqlite-row-cache.js";
import { durableWrites, walSyncFor } from "./wal-sync.js";
import { ErrorCode, KmsError } from "../errors.js";
import type {
  CloudBindingRecord, DataKeyListFilter, DataKeyRecord, DataKeyVersionRecord, ImportTokenRecord, KeyListFilter, KeyRecord,
  KeyState, KeyStore, KeyVersionRecord, TagFilter,
} from "./types.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys (
  key_id TEXT PRIMARY KEY,
  uin TEXT NOT NULL,
  alias TEXT NOT NULL,
  description TEXT NOT NULL,
  key_state TEXT NOT NULL,
  key_usage TEXT NOT NULL,
  origin TEXT NOT NULL,
  key_type INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  create_seq INTEGER NOT NULL,
  deletion_date INTEGER NOT NULL,
  valid_to INTEGER NOT NULL,
  rotation_enabled INTEGER NOT NULL,
  rotate_days INTEGER NOT NULL,
  next_rotate_time INTEGER NOT NULL,
  last_rotate_time INTEGER NOT NULL,
  current_version INTEGER NOT NULL,
  owner TEXT NOT NULL,
  tags TEXT NOT NULL,
  UNIQUE (uin, alias)
);
CREATE INDEX IF NOT EXISTS keys_by_uin_time ON keys (uin, create_time, create_seq);
CREATE TABLE IF NOT EXISTS key_versions (
  key_id TEXT NOT NULL REFERENCES keys(key_id),
  version INTEGER NOT NULL,
  algorithm INTEGER NOT NULL,
  wrapped_material BLOB NOT NULL,
  public_key BLOB NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (key_id, version)
);
CREATE TABLE IF NOT EXISTS import_tokens (
  key_id TEXT PRIMARY KEY REFERENCES keys(key_id),
  token_id BLOB NOT NULL,
  wrapping_algorithm TEXT NOT NULL,
  wrapped_private_key BLOB NOT NULL,
  public_key BLOB NOT NULL,
  create_time INTEGER NOT NULL,
  valid_to INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS material_checks (
  key_id TEXT PRIMARY KEY REFERENCES keys(key_id),
  wrapped_check BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS data_keys (
  data_key_id TEXT PRIMARY KEY,
  uin TEXT NOT NULL,
  key_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  key_state TEXT NOT NULL,
  origin TEXT NOT NULL,
  number_of_bytes INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  create_seq INTEGER NOT NULL,
  deletion_date INTEGER NOT NULL,
  owner TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  tags TEXT NOT NULL,
  UNIQUE (uin, name)
);
CREATE INDEX IF NOT EXISTS data_keys_by_uin_time ON data_keys (uin, create_time, create_seq);
CREATE TABLE IF NOT EXISTS data_key_versions (
  data_key_id TEXT NOT NULL REFERENCES data_keys(data_key_id),
  version INTEGER NOT NULL,
  ciphertext_blob BLOB NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (data_key_id, version)
);
CREATE TABLE IF NOT EXISTS cloud_bindings (
  key_id TEXT NOT NULL,
  uin TEXT NOT NULL,
  product_id TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  create_seq INTEGER NOT NULL,
  PRIMARY KEY (key_id, product_id, resource_id)
);
CREATE INDEX IF NOT EXISTS cloud_bindings_by_uin ON cloud_bindings (uin);
`;

interface KeyRow {
  key_id: string; uin: string; alias: string; description: string; key_state: string; key_usage: string; origin: string;
  key_type: number; create_time: number; deletion_date: number; valid_to: number; rotation_enabled: number;
  rotate_days: number; next_rotate_time: number; last_rotate_time: number; current_version: number; owner: string; tags: string;
}

interface TokenRow {
  key_id: string; token_id: Buffer; wrapping_algorithm: string; wrapped_private_key: Buffer; public_key: Buffer;
  create_time: number; valid_to: number;
}

function toRecord(r: KeyRow): KeyRecord {
  return {
    keyId: r.key_id, uin: r.uin, alias: r.alias, description: r.description,
    keyState: r.key_state as KeyRecord["keyState"], keyUsage: r.key_usage, origin: r.origin as KeyRecord["origin"],
    keyType: r.key_type, createTime: r.create_time, deletionDate: r.deletion_date, validTo: r.valid_to,
    rotationEnabled: r.rotation_enabled === 1, rotateDays: r.rotate_days, nextRotateTime: r.next_rotate_time,
    lastRotateTime: r.last_rotate_time, currentVersion: r.current_version, owner: r.owner, tags: JSON.parse(r.tags),
  };
}

function toParams(k: KeyRecord) {
  return {
    key_id: k.keyId, uin: k.uin, alias: k.alias, description: k.description, key_state: k.keyState,
    key_usage: k.keyUsage, origin: k.origin, key_type: k.keyType, create_time: k.createTime,
    deletion_date: k.deletionDate, valid_to: k.validTo, rotation_enabled: k.rotationEnabled ? 1 : 0,
    rotate_days: k.rotateDays, next_rotate_time: k.nextRotateTime, last_rotate_time: k.lastRotateTime,
    current_version: k.currentVersion, owner: k.owner, tags: JSON.stringify(k.tags),
  };
}

interface DataKeyRow {
  data_key_id: string; uin: string; key_id: string; name: string; description: string; key_state: string; origin: string;
  number_of_bytes: number; create_time: number; deletion_date: number; owner: string; current_version: number; tags: string;
}

function toDataKey(r: DataKeyRow): DataKeyRecord {
  return {
    dataKeyId: r.data_key_id, uin: r.uin, keyId: r.key_id, name: r.name, description: r.description,
    keyState: r.key_state as DataKeyRecord["keyState"], origin: r.origin as DataKeyRecord["origin"],
    numberOfBytes: r.number_of_bytes, createTime: r.create_time, deletionDate: r.deletion_date, owner: r.owner,
    currentVersion: r.current_version, tags: JSON.parse(r.tags),
  };
}

function dataKeyParams(d: DataKeyRecord) {
  return {
    data_key_id: d.dataKeyId, uin: d.uin, key_id: d.keyId, name: d.name, description: d.description, key_state: d.keyState,
    origin: d.origin, number_of_bytes: d.numberOfBytes, create_time: d.createTime, deletion_date: d.deletionDate,
    owner: d.owner, current_version: d.currentVersion, tags: JSON.stringify(d.tags),
  };
}

interface DataKeyVersionRow { data_key_id: string; version: number; ciphertext_blob: Buffer; create_time: number }

const toDataKeyVersion = (r: DataKeyVersionRow): DataKeyVersionRecord => ({
  dataKeyId: r.data_key_id, version: r.version, ciphertextBlob: new Uint8Array(r.ciphertext_blob), createTime: r.create_time,
});

interface BindingRow { key_id: string; uin: string; product_id: string; resource_id: string; create_time: number }

const toBinding = (r: BindingRow): CloudBindingRecord => ({
  keyId: r.key_id, uin: r.uin, productId: r.product_id, resourceId: r.resource_id, createTime: r.create_time,
});

function nameClash(e: unknown, name: string): never {
  if (e instanceof Error && (e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
    throw new KmsError(ErrorCode.InvalidParameterValueDataKeyNameAlreadyExists, `DataKeyName ${name} already exists`);
  }
  throw e;
}

/** SQL for "every tag filter matches one tag" over a JSON `tags` column; adds its parameters to `params`. */
function tagConditions(table: string, filters: TagFilter[] | undefined, params: Record<string, unknown>): string[] {
  return (filters ?? []).map((tf, i) => {
    params[`tk${i}`] = tf.TagKey;
    let valueCond = "";
    if (tf.TagValue.length) {
      const vs = tf.TagValue.map((v, j) => {
        params[`tv${i}_${j}`] = v;
        return `@tv${i}_${j}`;
      });
      valueCond = ` AND json_extract(t.value, '$.TagValue') IN (${vs.join(", ")})`;
    }
    return `EXISTS (SELECT 1 FROM json_each(${table}.tags) t WHERE json_extract(t.value, '$.TagKey') = @tk${i}${valueCond})`;
  });
}

function aliasClash(e: unknown, alias: string): never {
  if (e instanceof Error && (e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
    throw new KmsError(ErrorCode.InvalidParameterValueAliasAlreadyExists, `Alias ${alias} already exists`);
  }
  throw e;
}

/**
 * Open (creating when missing) the SQLite key store at `path`; `:memory:` for a throwaway store.
 * @throws the driver's error when the file cannot be opened or is not a database
 */
export function openSqliteStore(path: string): KeyStore {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // Commits write the WAL; durableWrites (wal-sync.ts) fsyncs it, off the event loop, before a write resolves.
  db.pragma("synchronous = NORMAL");
  const wal = walSyncFor(path);
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma("secure_delete = ON");
  db.exec(SCHEMA);

  const st = {
    getMeta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE name = ?"),
    setMeta: db.prepare("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value"),
    insertKey: db.prepare(`INSERT INTO keys (key_id, uin, alias, description, key_state, key_usage, origin, key_type,
      create_time, create_seq, deletion_date, valid_to, rotation_enabled, rotate_days, next_rotate_time, last_rotate_time,
      current_version, owner, tags) VALUES (@key_id, @uin, @alias, @description, @key_state, @key_usage, @origin, @key_type,
      @create_time, (SELECT COALESCE(MAX(create_seq), 0) + 1 FROM keys), @deletion_date, @valid_to, @rotation_enabled,
      @rotate_days, @next_rotate_time, @last_rotate_time, @current_version, @owner, @tags)`),
    updateKey: db.prepare(`UPDATE keys SET alias = @alias, description = @description, key_state = @key_state,
      key_usage = @key_usage, origin = @origin, key_type = @key_type, deletion_date = @deletion_date, valid_to = @valid_to,
      rotation_enabled = @rotation_enabled, rotate_days = @rotate_days, next_rotate_time = @next_rotate_time,
      last_rotate_time = @last_rotate_time, current_version = @current_version, owner = @owner, tags = @tags
      WHERE key_id = @key_id AND uin = @uin`),
    getKey: db.prepare<[string, string], KeyRow>("SELECT * FROM keys WHERE uin = ? AND key_id = ?"),
    countKeys: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM keys WHERE uin = ?"),
    insertVersion: db.prepare(`INSERT INTO key_versions (key_id, version, algorithm, wrapped_material, public_key, create_time)
      VALUES (?, ?, ?, ?, ?, ?)`),
    getVersion: db.prepare<[string, number], { key_id: string; version: number; algorithm: number; wrapped_material: Buffer; public_key: Buffer; create_time: number }>(
      "SELECT * FROM key_versions WHERE key_id = ? AND version = ?"),
    setRotation: db.prepare(`UPDATE keys SET current_version = @current_version, last_rotate_time = @last_rotate_time,
      next_rotate_time = @next_rotate_time WHERE key_id = @key_id AND current_version = @current_version - 1
      AND key_state = 'Enabled' AND rotation_enabled = 1`),
    setExpired: db.prepare(`UPDATE keys SET key_state = CASE key_state WHEN 'PendingDelete' THEN 'PendingDelete' ELSE 'PendingImport' END
      WHERE key_id = @keyId AND origin = 'EXTERNAL' AND valid_to = @validTo AND valid_to > 0 AND valid_to <= @now
      RETURNING key_state`),
    deleteKeyIfDue: db.prepare(`DELETE FROM keys WHERE key_id = ? AND key_state = 'PendingDelete' AND deletion_date > 0
      AND deletion_date <= ?`),
    isDue: db.prepare<[string, number], { key_id: string }>(`SELECT key_id FROM keys WHERE key_id = ?
      AND key_state = 'PendingDelete' AND deletion_date > 0 AND deletion_date <= ?`),
    putVersion: db.prepare(`INSERT INTO key_versions (key_id, version, algorithm, wrapped_material, public_key, create_time)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key_id, version) DO UPDATE SET algorithm = excluded.algorithm,
      wrapped_material = excluded.wrapped_material, public_key = excluded.public_key, create_time = excluded.create_time`),
    deleteVersions: db.prepare("DELETE FROM key_versions WHERE key_id = ?"),
    dueKeys: db.prepare<{ now: number }, KeyRow>(`SELECT * FROM keys WHERE
      (key_state = 'PendingDelete' AND deletion_date > 0 AND deletion_date <= @now)
      OR (rotation_enabled = 1 AND key_state = 'Enabled' AND next_rotate_time <= @now)
      OR (origin = 'EXTERNAL' AND valid_to > 0 AND valid_to <= @now
          AND EXISTS (SELECT 1 FROM key_versions v WHERE v.key_id = keys.key_id))
      ORDER BY create_time, create_seq`),
    putToken: db.prepare(`INSERT INTO import_tokens (key_id, token_id, wrapping_algorithm, wrapped_private_key, public_key,
      create_time, valid_to) VALUES (@key_id, @token_id, @wrapping_algorithm, @wrapped_private_key, @public_key,
      @create_time, @valid_to) ON CONFLICT(key_id) DO UPDATE SET token_id = excluded.token_id,
      wrapping_algorithm = excluded.wrapping_algorithm, wrapped_private_key = excluded.wrapped_private_key,
      public_key = excluded.public_key, create_time = excluded.create_time, valid_to = excluded.valid_to`),
    getToken: db.prepare<[string], TokenRow>("SELECT * FROM import_tokens WHERE key_id = ?"),
    expiredTokens: db.prepare<[number], { key_id: string }>("SELECT key_id FROM import_tokens WHERE valid_to <= ?"),
    deleteToken: db.prepare("DELETE FROM import_tokens WHERE key_id = ?"),
    getCheck: db.prepare<[string], { wrapped_check: Buffer }>("SELECT wrapped_check FROM material_checks WHERE key_id = ?"),
    insertCheck: db.prepare("INSERT INTO material_checks (key_id, wrapped_check) VALUES (?, ?)"),
    deleteCheck: db.prepare("DELETE FROM material_checks WHERE key_id = ?"),
    deleteBindingsOfKey: db.prepare("DELETE FROM cloud_bindings WHERE key_id = ?"),
    insertDataKey: db.prepare(`INSERT INTO data_keys (data_key_id, uin, key_id, name, description, key_state, origin,
      number_of_bytes, create_time, create_seq, deletion_date, owner, current_version, tags) VALUES (@data_key_id, @uin,
      @key_id, @name, @description, @key_state, @origin, @number_of_bytes, @create_time,
      (SELECT COALESCE(MAX(create_seq), 0) + 1 FROM data_keys), @deletion_date, @owner, @current_version, @tags)`),
    updateDataKey: db.prepare(`UPDATE data_keys SET name = @name, description = @description, key_state = @key_state,
      deletion_date = @deletion_date, tags = @tags WHERE data_key_id = @data_key_id AND uin = @uin`),
    getDataKey: db.prepare<[string, string], DataKeyRow>("SELECT * FROM data_keys WHERE uin = ? AND data_key_id = ?"),
    getDataKeyByName: db.prepare<[string, string], DataKeyRow>("SELECT * FROM data_keys WHERE uin = ? AND name = ?"),
    countDataKeys: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM data_keys WHERE uin = ? AND key_state <> 'PendingDelete'"),
    insertDataKeyVersion: db.prepare("INSERT INTO data_key_versions (data_key_id, version, ciphertext_blob, create_time) VALUES (?, ?, ?, ?)"),
    getDataKeyVersion: db.prepare<[string, number], DataKeyVersionRow>("SELECT * FROM data_key_versions WHERE data_key_id = ? AND version = ?"),
    listDataKeyVersions: db.prepare<[string], DataKeyVersionRow>("SELECT * FROM data_key_versions WHERE data_key_id = ? ORDER BY version"),
    setDataKeyVersion: db.prepare(`UPDATE data_keys SET current_version = @version WHERE data_key_id = @id
      AND current_version = @version - 1 AND key_state <> 'PendingDelete'`),
    dueDataKeys: db.prepare<{ now: number }, DataKeyRow>(`SELECT * FROM data_keys WHERE key_state = 'PendingDelete'
      AND deletion_date > 0 AND deletion_date <= @now ORDER BY create_time, create_seq`),
    deleteDataKeyVersions: db.prepare("DELETE FROM data_key_versions WHERE data_key_id = ?"),
    deleteDataKeyIfDue: db.prepare(`DELETE FROM data_keys WHERE data_key_id = ? AND key_state = 'PendingDelete'
      AND deletion_date > 0 AND deletion_date <= ?`),
    isDataKeyDue: db.prepare<[string, number], { data_key_id: string }>(`SELECT data_key_id FROM data_keys WHERE data_key_id = ?
      AND key_state = 'PendingDelete' AND deletion_date > 0 AND deletion_date <= ?`),
    insertBinding: db.prepare(`INSERT INTO cloud_bindings (key_id, uin, product_id, resource_id, create_time, create_seq)
      VALUES (@key_id, @uin, @product_id, @resource_id, @create_time, (SELECT COALESCE(MAX(create_seq), 0) + 1 FROM cloud_bindings))
      ON CONFLICT (key_id, product_id, resource_id) DO NOTHING`),
    deleteBinding: db.prepare("DELETE FROM cloud_bindings WHERE key_id = ? AND product_id = ? AND resource_id = ?"),
    bindingsOfKey: db.prepare<[string], BindingRow>("SELECT * FROM cloud_bindings WHERE key_id = ? ORDER BY create_seq"),
    bindingsOfUin: db.prepare<[string], BindingRow>("SELECT * FROM cloud_bindings WHERE uin = ? ORDER BY create_seq"),
    getServiceKey: db.prepare<[string, string], KeyRow>("SELECT * FROM keys WHERE uin = ? AND owner = ? AND owner <> 'user' ORDER BY create_seq LIMIT 1"),
  };

  const createKeyTx = db.transaction((key: KeyRecord, v: KeyVersionRecord | undefined) => {
    st.insertKey.run(toParams(key));
    if (v) st.insertVersion.run(v.keyId, v.version, v.algorithm, v.wrappedMaterial, v.publicKey, v.createTime);
  });
  const rotateTx = db.transaction((key: KeyRecord, v: KeyVersionRecord): boolean => {
    if (v.version !== key.currentVersion || st.getVersion.get(v.keyId, v.version)) return false;
    const changed = st.setRotation.run({
      key_id: key.keyId, current_version: key.currentVersion, last_rotate_time: key.lastRotateTime, next_rotate_time: key.nextRotateTime,
    }).changes;
    if (changed !== 1) return false;
    st.insertVersion.run(v.keyId, v.version, v.algorithm, v.wrappedMaterial, v.publicKey, v.createTime);
    return true;
  });
  const destroyTx = db.transaction((keyId: string, now: number): boolean => {
    if (!st.isDue.get(keyId, now)) return false;
    st.deleteToken.run(keyId);
    st.deleteCheck.run(keyId);
    st.deleteVersions.run(keyId);
    st.deleteBindingsOfKey.run(keyId);
    return st.deleteKeyIfDue.run(keyId, now).changes === 1;
  });
  const createDataKeyTx = db.transaction((d: DataKeyRecord, v: DataKeyVersionRecord, max: number) => {
    if (st.countDataKeys.get(d.uin)!.n >= max) {
      throw new KmsError(ErrorCode.LimitExceededDataKeyLimitExceeded, `This account already has ${max} data keys`);
    }
    st.insertDataKey.run(dataKeyParams(d));
    st.insertDataKeyVersion.run(v.dataKeyId, v.version, v.ciphertextBlob, v.createTime);
  });
  const updateDataKeysTx = db.transaction((ds: DataKeyRecord[]) => {
    for (const d of ds) st.updateDataKey.run(dataKeyParams(d));
  });
  const addDataKeyVersionTx = db.transaction((v: DataKeyVersionRecord): boolean => {
    if (st.getDataKeyVersion.get(v.dataKeyId, v.version)) return false;
    if (st.setDataKeyVersion.run({ id: v.dataKeyId, version: v.version }).changes !== 1) return false;
    st.insertDataKeyVersion.run(v.dataKeyId, v.version, v.ciphertextBlob, v.createTime);
    return true;
  });
  const destroyDataKeyTx = db.transaction((id: string, now: number): boolean => {
    if (!st.isDataKeyDue.get(id, now)) return false;
    st.deleteDataKeyVersions.run(id);
    return st.deleteDataKeyIfDue.run(id, now).changes === 1;
  });
  const expireTx = db.transaction((keyId: string, validTo: number, now: number): KeyState | undefined => {
    const row = st.setExpired.get({ keyId, validTo, now }) as { key_state: KeyState } | undefined;
    if (!row) return undefined;
    st.deleteVersions.run(keyId);
    return row.key_state;
  });
  const importTx = db.transaction((key: KeyRecord, v: KeyVersionRecord, check: Uint8Array, same: (stored: Uint8Array) => boolean) => {
    const stored = st.getCheck.get(key.keyId);
    if (stored) {
      if (!same(new Uint8Array(stored.wrapped_check))) {
        throw new KmsError(ErrorCode.InvalidParameterValueMaterialNotMatch, "The key material differs from the material imported into this CMK before");
      }
    } else {
      st.insertCheck.run(key.keyId, check);
    }
    st.putVersion.run(v.keyId, v.version, v.algorithm, v.wrappedMaterial, v.publicKey, v.createTime);
    st.updateKey.run(toParams(key));
  });
  const deleteMaterialTx = db.transaction((key: KeyRecord) => {
    st.deleteVersions.run(key.keyId);
    st.updateKey.run(toParams(key));
  });
  const expireTokensTx = db.transaction((now: number): string[] => {
    const ids = st.expiredTokens.all(now).map((r) => r.key_id);
    for (const id of ids) st.deleteToken.run(id);
    return ids;
  });
  /** Push destroyed pages out of the WAL (best effort: readers may hold a snapshot; the next checkpoint finishes). */
  const scrub = () => {
    db.pragma("wal_checkpoint(TRUNCATE)");
  };
  const updateKeysTx = db.transaction((keys: KeyRecord[]) => {
    for (const k of keys) st.updateKey.run(toParams(k));
  });

  let closed = false;
  const open = () => {
    if (closed) throw new Error("key store is closed");
  };
  /** Keys and versions read on every request (sqlite-row-cache.ts: never stale). */
  const cache = new SqliteRowCache(db);

  const store: KeyStore = {
    async getMeta(name) {
      open();
      return st.getMeta.get(name)?.value;
    },
    async setMeta(name, value) {
      open();
      st.setMeta.run(name, value);
    },
    async createKey(key, version) {
      open();
      try {
        createKeyTx(key, version);
      } catch (e) {
        aliasClash(e, key.alias);
      }
    },
    async getKey(uin, keyId) {
      open();
      const row = cache.get(`k\u0000${uin}\u0000${keyId}`, () => st.getKey.get(uin, keyId));
      return row ? toRecord(row) : undefined;
    },
    async updateKey(key) {
      open();
      try {
        st.updateKey.run(toParams(key));
      } catch (e) {
        aliasClash(e, key.alias);
      }
    },
    async updateKeys(keys) {
      open();
      updateKeysTx(keys);
    },
    async listKeys(uin, f: KeyListFilter) {
      open();
      const where: string[] = ["uin = @uin"];
      const params: Record<string, unknown> = { uin, limit: f.limit, offset: f.offset };
      const inList = (name: string, column: string, values: string[]) => {
        const names = values.map((v, i) => {
          params[`${name}${i}`] = v;
          return `@${name}${i}`;
        });
        where.push(names.length ? `${column} IN (${names.join(", ")})` : "0");
      };
      if (f.states) inList("state", "key_state", f.states);
      if (f.usages) inList("usage", "key_usage", f.usages);
      if (f.origin) {
        where.push("origin = @origin");
        params.origin = f.origin;
      }
      if (f.search) {
        where.push("(instr(lower(key_id), lower(@search)) > 0 OR instr(lower(alias), lower(@search)) > 0)");
        params.search = f.search;
      }
      where.push(...tagConditions("keys", f.tagFilters, params));
      if (f.serviceOnly) where.push("owner <> 'user'");
      const dir = f.order === "asc" ? "ASC" : "DESC";
      const cond = where.join(" AND ");
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM keys WHERE ${cond}`).get(params) as { n: number }).n;
      const rows = db
        .prepare(`SELECT * FROM keys WHERE ${cond} ORDER BY create_time ${dir}, create_seq ${dir} LIMIT @limit OFFSET @offset`)
        .all(params) as KeyRow[];
      return { total, keys: rows.map(toRecord) };
    },
    async countKeys(uin) {
      open();
      return st.countKeys.get(uin)!.n;
    },
    async getKeyVersion(keyId, version) {
      open();
      const r = cache.get(`v\u0000${keyId}\u0000${version}`, () => st.getVersion.get(keyId, version));
      if (!r) return undefined;
      return {
        keyId: r.key_id, version: r.version, algorithm: r.algorithm,
        wrappedMaterial: new Uint8Array(r.wrapped_material), publicKey: new Uint8Array(r.public_key), createTime: r.create_time,
      };
    },
    async addKeyVersion(v) {
      open();
      st.insertVersion.run(v.keyId, v.version, v.algorithm, v.wrappedMaterial, v.publicKey, v.createTime);
    },
    async rotateKey(key, v) {
      open();
      return rotateTx(key, v);
    },
    async destroyKeyIfDue(keyId, now) {
      open();
      const destroyed = destroyTx(keyId, now);
      if (destroyed) scrub();
      return destroyed;
    },
    async expireMaterial(keyId, validTo, now) {
      open();
      const state = expireTx(keyId, validTo, now);
      if (state) scrub();
      return state;
    },
    async dueKeys(now) {
      open();
      return st.dueKeys.all({ now }).map(toRecord);
    },
    async putImportToken(t: ImportTokenRecord) {
      open();
      st.putToken.run({
        key_id: t.keyId, token_id: t.tokenId, wrapping_algorithm: t.wrappingAlgorithm, wrapped_private_key: t.wrappedPrivateKey,
        public_key: t.publicKey, create_time: t.createTime, valid_to: t.validTo,
      });
      scrub();
    },
    async getImportToken(keyId) {
      open();
      const r = st.getToken.get(keyId);
      if (!r) return undefined;
      return {
        keyId: r.key_id, tokenId: new Uint8Array(r.token_id), wrappingAlgorithm: r.wrapping_algorithm,
        wrappedPrivateKey: new Uint8Array(r.wrapped_private_key), publicKey: new Uint8Array(r.public_key),
        createTime: r.create_time, validTo: r.valid_to,
      };
    },
    async deleteExpiredImportTokens(now) {
      open();
      const ids = expireTokensTx(now);
      if (ids.length) scrub();
      return ids;
    },
    async importMaterial(key, v, check, same) {
      open();
      importTx(key, v, check, same);
    },
    async deleteMaterial(key) {
      open();
      deleteMaterialTx(key);
      scrub();
    },
    async createDataKey(d, v, max) {
      open();
      try {
        createDataKeyTx(d, v, max);
      } catch (e) {
        nameClash(e, d.name);
      }
    },
    async getDataKey(uin, id) {
      open();
      const row = st.getDataKey.get(uin, id);
      return row ? toDataKey(row) : undefined;
    },
    async getDataKeyByName(uin, name) {
      open();
      const row = st.getDataKeyByName.get(uin, name);
      return row ? toDataKey(row) : undefined;
    },
    async updateDataKey(d) {
      open();
      try {
        st.updateDataKey.run(dataKeyParams(d));
      } catch (e) {
        nameClash(e, d.name);
      }
    },
    async updateDataKeys(ds) {
      open();
      try {
        updateDataKeysTx(ds);
      } catch (e) {
        nameClash(e, ds.map((d) => d.name).join(", "));
      }
    },
    async listDataKeys(uin, f: DataKeyListFilter) {
      open();
      const where: string[] = ["uin = @uin"];
      const params: Record<string, unknown> = { uin, limit: f.limit, offset: f.offset };
      if (f.states) {
        const names = f.states.map((v, i) => {
          params[`state${i}`] = v;
          return `@state${i}`;
        });
        where.push(names.length ? `key_state IN (${names.join(", ")})` : "0");
      }
      if (f.serviceOnly) where.push("owner <> 'user'");
      if (f.keyId !== undefined) {
        where.push("key_id = @keyId");
        params.keyId = f.keyId;
      }
      if (f.origin) {
        where.push("origin = @origin");
        params.origin = f.origin;
      }
      if (f.numberOfBytes !== undefined) {
        where.push("number_of_bytes = @numberOfBytes");
        params.numberOfBytes = f.numberOfBytes;
      }
      if (f.search) {
        where.push("(instr(lower(data_key_id), lower(@search)) > 0 OR instr(lower(name), lower(@search)) > 0)");
        params.search = f.search;
      }
      where.push(...tagConditions("data_keys", f.tagFilters, params));
      const dir = f.order === "asc" ? "ASC" : "DESC";
      const cond = where.join(" AND ");
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM data_keys WHERE ${cond}`).get(params) as { n: number }).n;
      const rows = db
        .prepare(`SELECT * FROM data_keys WHERE ${cond} ORDER BY create_time ${dir}, create_seq ${dir} LIMIT @limit OFFSET @offset`)
        .all(params) as DataKeyRow[];
      return { total, dataKeys: rows.map(toDataKey) };
    },
    async countDataKeys(uin) {
      open();
      return st.countDataKeys.get(uin)!.n;
    },
    async getDataKeyVersion(id, version) {
      open();
      const r = st.getDataKeyVersion.get(id, version);
      return r ? toDataKeyVersion(r) : undefined;
    },
    async listDataKeyVersions(id) {
      open();
      return st.listDataKeyVersions.all(id).map(toDataKeyVersion);
    },
    async addDataKeyVersion(v) {
      open();
      return addDataKeyVersionTx(v);
    },
    async dueDataKeys(now) {
      open();
      return st.dueDataKeys.all({ now }).map(toDataKey);
    },
    async destroyDataKeyIfDue(id, now) {
      open();
      const destroyed = destroyDataKeyTx(id, now);
      if (destroyed) scrub();
      return destroyed;
    },
    async bindCloudResource(b) {
      open();
      return st.insertBinding.run({
        key_id: b.keyId, uin: b.uin, product_id: b.productId, resource_id: b.resourceId, create_time: b.createTime,
      }).changes === 1;
    },
    async unbindCloudResource(keyId, productId, resourceId) {
      open();
      return st.deleteBinding.run(keyId, productId, resourceId).changes === 1;
    },
    async listCloudBindings(filter) {
      open();
      if (filter.keyId !== undefined) {
        const rows = st.bindingsOfKey.all(filter.keyId);
        return (filter.uin === undefined ? rows : rows.filter((r) => r.uin === filter.uin)).map(toBinding);
      }
      if (filter.uin !== undefined) return st.bindingsOfUin.all(filter.uin).map(toBinding);
      throw new TypeError("listCloudBindings: give keyId or uin");
    },
    async getServiceKey(uin, product) {
      open();
      const row = st.getServiceKey.get(uin, product);
      return row ? toRecord(row) : undefined;
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
  return durableWrites(store, db, wal, ["getKey", "getKeyVersion", "getMeta"]);
}
