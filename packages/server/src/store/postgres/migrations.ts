/**
 * The PostgreSQL schema, as numbered migrations. Every node runs {@link migrate} at start: under a transaction-level
 * advisory lock (so nodes starting together apply each migration once), it applies the migrations the database has
 * not seen, each in the same transaction as its row in `openkms_schema`. A database whose schema is newer than this
 * code (a newer OpenKMS migrated it) is refused with {@link SchemaTooNewError}: an older node must not write into a
 * schema it does not know. Migrations only ever add; a released migration is never edited.
 */
import type pg from "pg";
import { inTransaction } from "./pool.js";

/** Lock id of schema migrations (`pg_advisory_xact_lock`). */
const MIGRATION_LOCK = 0x6f6b6d01;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "keys, versions, import parameters, accounts, credentials, policies, rate-limit buckets, audit log",
    sql: `
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE keys (
  key_id TEXT PRIMARY KEY,
  uin TEXT NOT NULL,
  alias TEXT NOT NULL,
  description TEXT NOT NULL,
  key_state TEXT NOT NULL,
  key_usage TEXT NOT NULL,
  origin TEXT NOT NULL,
  key_type INTEGER NOT NULL,
  create_time BIGINT NOT NULL,
  create_seq BIGSERIAL NOT NULL,
  deletion_date BIGINT NOT NULL,
  valid_to BIGINT NOT NULL,
  rotation_enabled BOOLEAN NOT NULL,
  rotate_days INTEGER NOT NULL,
  next_rotate_time BIGINT NOT NULL,
  last_rotate_time BIGINT NOT NULL,
  current_version INTEGER NOT NULL,
  owner TEXT NOT NULL,
  tags JSONB NOT NULL,
  UNIQUE (uin, alias)
);
CREATE INDEX keys_by_uin_time ON keys (uin, create_time, create_seq);
CREATE INDEX keys_due_deletion ON keys (deletion_date) WHERE key_state = 'PendingDelete';
CREATE INDEX keys_due_rotation ON keys (next_rotate_time) WHERE rotation_enabled AND key_state = 'Enabled';
CREATE TABLE key_versions (
  key_id TEXT NOT NULL REFERENCES keys(key_id),
  version INTEGER NOT NULL,
  algorithm INTEGER NOT NULL,
  wrapped_material BYTEA NOT NULL,
  public_key BYTEA NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (key_id, version)
);
CREATE TABLE import_tokens (
  key_id TEXT PRIMARY KEY REFERENCES keys(key_id),
  token_id BYTEA NOT NULL,
  wrapping_algorithm TEXT NOT NULL,
  wrapped_private_key BYTEA NOT NULL,
  public_key BYTEA NOT NULL,
  create_time BIGINT NOT NULL,
  valid_to BIGINT NOT NULL
);
CREATE TABLE material_checks (
  key_id TEXT PRIMARY KEY REFERENCES keys(key_id),
  wrapped_check BYTEA NOT NULL
);
CREATE TABLE accounts (
  uin TEXT PRIMARY KEY,
  owner_uin TEXT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  create_seq BIGSERIAL NOT NULL
);
CREATE TABLE credentials (
  secret_id TEXT PRIMARY KEY,
  uin TEXT NOT NULL,
  wrapped_secret_key BYTEA NOT NULL,
  status TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  create_seq BIGSERIAL NOT NULL
);
CREATE INDEX credentials_by_uin ON credentials (uin);
CREATE TABLE policies (
  uin TEXT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (uin, name)
);
CREATE TABLE rate_buckets (
  bucket TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_ms BIGINT NOT NULL
);
-- One token bucket read-modify-write under the row lock: refill since updated_ms, grant up to p_want whole tokens.
CREATE FUNCTION openkms_take_tokens(p_bucket TEXT, p_want INTEGER, p_rate DOUBLE PRECISION, p_capacity DOUBLE PRECISION, p_now BIGINT)
RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  avail DOUBLE PRECISION;
  last BIGINT;
  granted INTEGER;
BEGIN
  INSERT INTO rate_buckets (bucket, tokens, updated_ms) VALUES (p_bucket, p_capacity, p_now) ON CONFLICT (bucket) DO NOTHING;
  SELECT tokens, updated_ms INTO avail, last FROM rate_buckets WHERE bucket = p_bucket FOR UPDATE;
  IF p_now > last THEN
    avail := LEAST(p_capacity, avail + (p_now - last) * p_rate / 1000.0);
    last := p_now;
  END IF;
  granted := GREATEST(0, LEAST(p_want, floor(avail)::INTEGER));
  UPDATE rate_buckets SET tokens = avail - granted, updated_ms = last WHERE bucket = p_bucket;
  RETURN granted;
END $$;
CREATE TABLE audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE audit_log (
  pos BIGSERIAL PRIMARY KEY,
  seq BIGINT NOT NULL,
  time_ms BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  action TEXT NOT NULL,
  secret_id TEXT NOT NULL,
  uin TEXT NOT NULL,
  owner_uin TEXT NOT NULL,
  source_address TEXT NOT NULL,
  key_ids TEXT NOT NULL,
  code TEXT NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  prev_mac TEXT NOT NULL,
  mac TEXT NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (time_ms);
CREATE INDEX audit_log_by_seq ON audit_log (seq);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  mac TEXT NOT NULL,
  head_mac TEXT NOT NULL
);
CREATE FUNCTION openkms_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION openkms_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION openkms_audit_append_only();
`,
  },
  {
    version: 2,
    description: "hosted data keys and their versions, cloud-resource bindings; audit summary records (count)",
    sql: `
ALTER TABLE audit_log ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
CREATE TABLE data_keys (
  data_key_id TEXT PRIMARY KEY,
  uin TEXT NOT NULL,
  key_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  key_state TEXT NOT NULL,
  origin TEXT NOT NULL,
  number_of_bytes INTEGER NOT NULL,
  create_time BIGINT NOT NULL,
  create_seq BIGSERIAL NOT NULL,
  deletion_date BIGINT NOT NULL,
  owner TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  tags JSONB NOT NULL,
  UNIQUE (uin, name)
);
CREATE INDEX data_keys_by_uin_time ON data_keys (uin, create_time, create_seq);
CREATE INDEX data_keys_due_deletion ON data_keys (deletion_date) WHERE key_state = 'PendingDelete';
CREATE TABLE data_key_versions (
  data_key_id TEXT NOT NULL REFERENCES data_keys(data_key_id),
  version INTEGER NOT NULL,
  ciphertext_blob BYTEA NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (data_key_id, version)
);
CREATE TABLE cloud_bindings (
  key_id TEXT NOT NULL,
  uin TEXT NOT NULL,
  product_id TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  create_seq BIGSERIAL NOT NULL,
  PRIMARY KEY (key_id, product_id, resource_id)
);
CREATE INDEX cloud_bindings_by_uin ON cloud_bindings (uin);
`,
  },
  {
    version: 3,
    description: "product gateway: mounts, product tokens, product key names; audit record details",
    sql: `
ALTER TABLE audit_log ADD COLUMN detail TEXT;
CREATE TABLE product_mounts (
  mount TEXT PRIMARY KEY,
  product TEXT NOT NULL,
  uin TEXT NOT NULL,
  key_id TEXT NOT NULL,
  rotation_days INTEGER NOT NULL,
  next_rotate_time BIGINT NOT NULL,
  create_time BIGINT NOT NULL
);
CREATE TABLE product_tokens (
  token_id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  mount TEXT NOT NULL REFERENCES product_mounts(mount),
  product TEXT NOT NULL,
  status TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  revoke_time BIGINT NOT NULL
);
CREATE TABLE product_keys (
  mount TEXT NOT NULL REFERENCES product_mounts(mount),
  name TEXT NOT NULL,
  data_key_id TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (mount, name)
);
`,
  },
  {
    version: 4,
    description: "change notifications for node caches; one-statement audit appends",
    sql: `
-- Every committed change to what nodes cache notifies the tag it touches (store/postgres/read-cache.ts). Inserts of
-- keys, versions, accounts and credentials need none (a missing row is never cached); a policy insert changes the
-- account's policy list.
CREATE FUNCTION openkms_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('openkms_changes', '*');
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME IN ('keys', 'key_versions') THEN PERFORM pg_notify('openkms_changes', 'k:' || r.key_id);
  ELSIF TG_TABLE_NAME = 'credentials' THEN PERFORM pg_notify('openkms_changes', 'c:' || r.secret_id);
  ELSIF TG_TABLE_NAME = 'accounts' THEN PERFORM pg_notify('openkms_changes', 'a:' || r.uin);
  ELSIF TG_TABLE_NAME = 'policies' THEN PERFORM pg_notify('openkms_changes', 'p:' || r.uin);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER keys_changed AFTER UPDATE OR DELETE ON keys FOR EACH ROW EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER key_versions_changed AFTER UPDATE OR DELETE ON key_versions FOR EACH ROW EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER credentials_changed AFTER UPDATE OR DELETE ON credentials FOR EACH ROW EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER accounts_changed AFTER UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER policies_changed AFTER INSERT OR UPDATE OR DELETE ON policies FOR EACH ROW EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER keys_truncated AFTER TRUNCATE ON keys FOR EACH STATEMENT EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER key_versions_truncated AFTER TRUNCATE ON key_versions FOR EACH STATEMENT EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER credentials_truncated AFTER TRUNCATE ON credentials FOR EACH STATEMENT EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER accounts_truncated AFTER TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION openkms_notify_change();
CREATE TRIGGER policies_truncated AFTER TRUNCATE ON policies FOR EACH STATEMENT EXECUTE FUNCTION openkms_notify_change();

-- One audit commit in one statement (audit/pg-log.ts): under the head's row lock, when the head is still the one the
-- caller chained after (p_prev_seq, p_prev_mac), insert the records and move the head; either way return the head
-- as it now is (the caller's new head on success; the head to chain after otherwise; NULLs when there is no head).
CREATE FUNCTION openkms_audit_append(
  p_prev_seq BIGINT, p_prev_mac TEXT, p_seq BIGINT, p_mac TEXT, p_head_mac TEXT,
  r_seq BIGINT[], r_time_ms BIGINT[], r_request_id TEXT[], r_action TEXT[], r_secret_id TEXT[], r_uin TEXT[],
  r_owner_uin TEXT[], r_source_address TEXT[], r_key_ids TEXT[], r_code TEXT[], r_latency_ms DOUBLE PRECISION[],
  r_prev_mac TEXT[], r_mac TEXT[], r_count INTEGER[], r_detail TEXT[])
RETURNS TABLE (o_seq BIGINT, o_mac TEXT) LANGUAGE plpgsql AS $$
DECLARE
  cur_seq BIGINT;
  cur_mac TEXT;
BEGIN
  SELECT h.seq, h.mac INTO cur_seq, cur_mac FROM audit_head h WHERE h.id = 1 FOR UPDATE;
  IF cur_seq IS NULL OR cur_seq <> p_prev_seq OR cur_mac <> p_prev_mac THEN
    RETURN QUERY SELECT cur_seq, cur_mac;
    RETURN;
  END IF;
  INSERT INTO audit_log (seq, time_ms, request_id, action, secret_id, uin, owner_uin, source_address, key_ids, code,
    latency_ms, prev_mac, mac, count, detail)
  SELECT * FROM unnest(r_seq, r_time_ms, r_request_id, r_action, r_secret_id, r_uin, r_owner_uin, r_source_address,
    r_key_ids, r_code, r_latency_ms, r_prev_mac, r_mac, r_count, r_detail) AS r ORDER BY 1;
  UPDATE audit_head SET seq = p_seq, mac = p_mac, head_mac = p_head_mac WHERE id = 1;
  RETURN QUERY SELECT p_seq, p_mac;
END $$;
`,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The database was migrated by a newer OpenKMS than this one. */
export class SchemaTooNewError extends Error {
  override name = "SchemaTooNewError";
}

/**
 * Bring the database's schema up to {@link SCHEMA_VERSION}.
 * @returns the versions applied now (empty when it was current)
 * @throws SchemaTooNewError when the database is at a newer version; the driver's error when it cannot connect
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  return inTransaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await c.query(`CREATE TABLE IF NOT EXISTS openkms_schema (
      version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await c.query<{ v: number | null }>("SELECT MAX(version) AS v FROM openkms_schema");
    const current = rows[0]?.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new SchemaTooNewError(
        `the database schema is at version ${current}, newer than this OpenKMS knows (${SCHEMA_VERSION}): upgrade this node to the version the other nodes run`,
      );
    }
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await c.query(m.sql);
      await c.query("INSERT INTO openkms_schema (version, description) VALUES ($1, $2)", [m.version, m.description]);
      applied.push(m.version);
    }
    return applied;
  });
}
