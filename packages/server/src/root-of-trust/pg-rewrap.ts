/**
 * `openkms admin rewrap --to <new root> --store postgres://…`: move every value wrapped under the root key of a
 * PostgreSQL store to another root of trust (a key file ↔ a PKCS#11 token). The same values as on the embedded store
 * (rewrap.ts): key versions' material (`key_versions`), import wrapping keys (`import_tokens`), imported-material
 * checks (`material_checks`), access keys' SecretKeys (`credentials`), the audit log's MAC key (`audit_meta`
 * `mac-key`) and the root check (`meta` `root-check`). Hosted data keys (`data_key_versions`) are wrapped under their
 * CMK and product tokens are stored as hashes: neither involves the root, so neither moves.
 *
 * Nodes: the move first writes meta {@link REWRAP_MARKER} (the new root's source). From then on a node does not start
 * (data-dir.ts `checkRootKey`), and a running node notices the marker within a second (root-fence.ts) and answers
 * every request with `InternalError` until it is restarted with the new root; the move waits {@link REWRAP_GRACE_MS}
 * after writing the marker so that running nodes have stopped writing before values move. After the move the root
 * check is under the new root: a node still on the old root stays fenced, and a restart with the old root is refused.
 *
 * Resumable: every value is written by its own statement, only if it still holds what was read (a value changed
 * meanwhile stops the run); a value already under the new root is left alone, so running the command again after an
 * interruption finishes the job. Verified: every new wrapping is read back before it is written, and a final pass
 * opens every value under the new root before the marker is removed.
 */
import type pg from "pg";
import { wipe } from "@openkms/crypto/constant-time";
import { AUDIT_KEY_LABEL } from "../audit/log.js";
import { credentialLabel } from "../credentials.js";
import { materialCheckLabel } from "../keys/imported-material.js";
import { wrappingKeyLabel } from "../keys/import-token.js";
import { materialLabel } from "../keys/symmetric.js";
import type { RootOfTrust } from "../root-key.js";
import { REWRAP_MARKER, RewrapError, rewrapValue, tryUnwrap, verifyUnder, type RewrapReport } from "./rewrap.js";
import { ROOT_FENCE_POLL_MS } from "./root-fence.js";

/** How long the move waits after writing the marker before it moves anything: running nodes fence themselves. */
export const REWRAP_GRACE_MS = 3 * ROOT_FENCE_POLL_MS;

/** One wrapped value of the store: its label, its bytes, and how to replace them (only if unchanged). */
interface PgWrappedValue {
  label: string;
  value: Uint8Array;
  /** Resolves false when the row no longer holds `value`. */
  write(wrapped: Uint8Array): Promise<boolean>;
}

const asBytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

async function wrappedValues(pool: pg.Pool, rootCheckLabel: string): Promise<PgWrappedValue[]> {
  const out: PgWrappedValue[] = [];
  const changed = async (sql: string, params: unknown[]) => ((await pool.query(sql, params)).rowCount ?? 0) === 1;
  const versions = await pool.query<{ key_id: string; version: number; wrapped_material: Buffer }>(
    "SELECT key_id, version, wrapped_material FROM key_versions WHERE length(wrapped_material) > 0 ORDER BY key_id, version");
  for (const r of versions.rows) {
    out.push({ label: materialLabel(r.key_id, r.version), value: asBytes(r.wrapped_material),
      write: (w) => changed("UPDATE key_versions SET wrapped_material = $1 WHERE key_id = $2 AND version = $3 AND wrapped_material = $4",
        [Buffer.from(w), r.key_id, r.version, r.wrapped_material]) });
  }
  const tokens = await pool.query<{ key_id: string; token_id: Buffer; wrapped_private_key: Buffer }>(
    "SELECT key_id, token_id, wrapped_private_key FROM import_tokens ORDER BY key_id");
  for (const r of tokens.rows) {
    out.push({ label: wrappingKeyLabel(r.key_id, asBytes(r.token_id)), value: asBytes(r.wrapped_private_key),
      write: (w) => changed("UPDATE import_tokens SET wrapped_private_key = $1 WHERE key_id = $2 AND wrapped_private_key = $3",
        [Buffer.from(w), r.key_id, r.wrapped_private_key]) });
  }
  const checks = await pool.query<{ key_id: string; wrapped_check: Buffer }>("SELECT key_id, wrapped_check FROM material_checks ORDER BY key_id");
  for (const r of checks.rows) {
    out.push({ label: materialCheckLabel(r.key_id), value: asBytes(r.wrapped_check),
      write: (w) => changed("UPDATE material_checks SET wrapped_check = $1 WHERE key_id = $2 AND wrapped_check = $3", [Buffer.from(w), r.key_id, r.wrapped_check]) });
  }
  const creds = await pool.query<{ secret_id: string; wrapped_secret_key: Buffer }>("SELECT secret_id, wrapped_secret_key FROM credentials ORDER BY secret_id");
  for (const r of creds.rows) {
    out.push({ label: credentialLabel(r.secret_id), value: asBytes(r.wrapped_secret_key),
      write: (w) => changed("UPDATE credentials SET wrapped_secret_key = $1 WHERE secret_id = $2 AND wrapped_secret_key = $3",
        [Buffer.from(w), r.secret_id, r.wrapped_secret_key]) });
  }
  const macKey = (await pool.query<{ value: string }>("SELECT value FROM audit_meta WHERE name = 'mac-key'")).rows[0]?.value;
  if (macKey !== undefined) {
    out.push({ label: AUDIT_KEY_LABEL, value: new Uint8Array(Buffer.from(macKey, "base64")),
      write: (w) => changed("UPDATE audit_meta SET value = $1 WHERE name = 'mac-key' AND value = $2", [b64(w), macKey]) });
  }
  // The root check last: until it moves, a start with the old root is refused by the marker, not by the check.
  const check = (await pool.query<{ value: string }>("SELECT value FROM meta WHERE name = 'root-check'")).rows[0]?.value;
  if (check !== undefined) {
    out.push({ label: rootCheckLabel, value: new Uint8Array(Buffer.from(check, "base64")),
      write: (w) => changed("UPDATE meta SET value = $1 WHERE name = 'root-check' AND value = $2", [b64(w), check]) });
  }
  return out;
}

export interface PgRewrapOptions {
  /** ms to wait after writing the marker (default {@link REWRAP_GRACE_MS}); tests with no node running pass 0. */
  graceMs?: number;
  /** Hears the count of values handled so far. */
  onProgress?: (done: number) => void;
}

/**
 * Move every root-wrapped value of the PostgreSQL store behind `pool` from `from` to `to`. Nodes serving the store
 * stop answering (InternalError) from the marker on and must be restarted with `to`.
 * @param rootCheckLabel the label of the root check (data-dir.ts `ROOT_CHECK_LABEL`)
 * @returns how many values were moved now, found already moved, and verified under `to`
 * @throws RewrapError when the store was never initialised, an unfinished move to another root is pending, a value
 *   opens under neither root, a written value does not read back, or a value changed while being moved; the roots'
 *   errors (RootUnavailableError) and the driver's errors pass through. Either way the run can be repeated.
 */
export async function rewrapPgStore(pool: pg.Pool, from: RootOfTrust, to: RootOfTrust, rootCheckLabel: string, opts: PgRewrapOptions = {}): Promise<RewrapReport> {
  const meta = async (name: string) => (await pool.query<{ value: string }>("SELECT value FROM meta WHERE name = $1", [name])).rows[0]?.value;
  const pending = await meta(REWRAP_MARKER);
  if (pending !== undefined && pending !== to.source) throw new RewrapError(`an unfinished move to ${pending} must be finished first`);
  const check = await meta("root-check");
  if (check === undefined) throw new RewrapError("this store has no root check: start a node on it once first");
  const checkValue = new Uint8Array(Buffer.from(check, "base64"));
  const opened = tryUnwrap(from, checkValue, rootCheckLabel) ?? tryUnwrap(to, checkValue, rootCheckLabel);
  if (!opened) throw new RewrapError(`the current root (${from.source}) is not the one this store was created with`);
  wipe(opened);
  if (pending === undefined) {
    await pool.query("INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [REWRAP_MARKER, to.source]);
    const grace = opts.graceMs ?? REWRAP_GRACE_MS;
    if (grace > 0) await new Promise((r) => setTimeout(r, grace));
  }
  const report: RewrapReport = { moved: 0, alreadyMoved: 0, verified: 0 };
  for (const item of await wrappedValues(pool, rootCheckLabel)) {
    const wrapped = rewrapValue(from, to, item.label, item.value);
    if (!wrapped) {
      report.alreadyMoved++;
      continue;
    }
    if (!(await item.write(wrapped))) {
      throw new RewrapError(`${item.label} changed while it was being moved (is a node still writing with the old root?)`);
    }
    report.moved++;
    opts.onProgress?.(report.moved + report.alreadyMoved);
  }
  for (const item of await wrappedValues(pool, rootCheckLabel)) {
    verifyUnder(to, item.label, item.value);
    report.verified++;
  }
  await pool.query("DELETE FROM meta WHERE name = $1", [REWRAP_MARKER]);
  return report;
}
