/**
 * `openkms admin rewrap --to <new root>`: move every value wrapped under the root key of an embedded data dir to
 * another root of trust (a key file ↔ a PKCS#11 token), with the server stopped.
 *
 * What is wrapped under the root (and so moved): every key version's material (`key_versions`), import wrapping keys
 * (`import_tokens`), imported-material checks (`material_checks`), access keys' SecretKeys (`credentials`), the root
 * check (meta `root-check`) and the audit log's MAC key (`audit.db`). Hosted data keys are wrapped under their CMK,
 * not the root, and need no move.
 *
 * Resumable: each value is moved in its own transaction, and a value that already opens under the new root is left
 * as it is, so running the same command again after an interruption finishes the job. While a move is unfinished
 * the data dir carries meta `rewrap-target` and the server refuses to start on it. Verified: every value is
 * unwrapped again under the new root after it is written (and compared), and a final pass opens every value under
 * the new root before the marker is cleared and the root check is rewritten.
 */
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { constantTimeEqual, wipe } from "@openkms/crypto/constant-time";
import { AUDIT_KEY_LABEL } from "../audit/log.js";
import { credentialLabel } from "../credentials.js";
import { materialCheckLabel } from "../keys/imported-material.js";
import { wrappingKeyLabel } from "../keys/import-token.js";
import { materialLabel } from "../keys/symmetric.js";
import { RootKeyError, type RootOfTrust } from "../root-key.js";

/** Meta row set while a rewrap is unfinished (the server refuses to start). */
export const REWRAP_MARKER = "rewrap-target";

export interface RewrapReport {
  /** Values moved now, and values found already under the new root (an earlier, interrupted run). */
  moved: number;
  alreadyMoved: number;
  /** Values checked under the new root in the final pass. */
  verified: number;
}

/** One wrapped value: where it lives, its label, and how to write it back. */
interface WrappedValue {
  label: string;
  value: Uint8Array;
  write(wrapped: Uint8Array): void;
}

function* wrappedValues(keyDb: Database.Database, auditDb: Database.Database | undefined, rootCheckLabel: string): Generator<WrappedValue> {
  const asBytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (const r of keyDb.prepare<[], { key_id: string; version: number; wrapped_material: Buffer }>(
    "SELECT key_id, version, wrapped_material FROM key_versions ORDER BY key_id, version").all()) {
    if (r.wrapped_material.length === 0) continue;
    yield { label: materialLabel(r.key_id, r.version), value: asBytes(r.wrapped_material),
      write: (w) => void keyDb.prepare("UPDATE key_versions SET wrapped_material = ? WHERE key_id = ? AND version = ?").run(w, r.key_id, r.version) };
  }
  for (const r of keyDb.prepare<[], { key_id: string; token_id: Buffer; wrapped_private_key: Buffer }>(
    "SELECT key_id, token_id, wrapped_private_key FROM import_tokens ORDER BY key_id").all()) {
    yield { label: wrappingKeyLabel(r.key_id, asBytes(r.token_id)), value: asBytes(r.wrapped_private_key),
      write: (w) => void keyDb.prepare("UPDATE import_tokens SET wrapped_private_key = ? WHERE key_id = ?").run(w, r.key_id) };
  }
  for (const r of keyDb.prepare<[], { key_id: string; wrapped_check: Buffer }>("SELECT key_id, wrapped_check FROM material_checks ORDER BY key_id").all()) {
    yield { label: materialCheckLabel(r.key_id), value: asBytes(r.wrapped_check),
      write: (w) => void keyDb.prepare("UPDATE material_checks SET wrapped_check = ? WHERE key_id = ?").run(w, r.key_id) };
  }
  for (const r of keyDb.prepare<[], { secret_id: string; wrapped_secret_key: Buffer }>(
    "SELECT secret_id, wrapped_secret_key FROM credentials ORDER BY secret_id").all()) {
    yield { label: credentialLabel(r.secret_id), value: asBytes(r.wrapped_secret_key),
      write: (w) => void keyDb.prepare("UPDATE credentials SET wrapped_secret_key = ? WHERE secret_id = ?").run(w, r.secret_id) };
  }
  if (auditDb) {
    const stored = auditDb.prepare<[], { value: string }>("SELECT value FROM audit_meta WHERE name = 'mac-key'").get()?.value;
    if (stored !== undefined) {
      yield { label: AUDIT_KEY_LABEL, value: new Uint8Array(Buffer.from(stored, "base64")),
        write: (w) => void auditDb.prepare("UPDATE audit_meta SET value = ? WHERE name = 'mac-key'").run(Buffer.from(w).toString("base64")) };
    }
  }
  const check = keyDb.prepare<[], { value: string }>("SELECT value FROM meta WHERE name = 'root-check'").get()?.value;
  if (check !== undefined) {
    yield { label: rootCheckLabel, value: new Uint8Array(Buffer.from(check, "base64")),
      write: (w) => void keyDb.prepare("UPDATE meta SET value = ? WHERE name = 'root-check'").run(Buffer.from(w).toString("base64")) };
  }
}

/** Unwrap under `root`, or undefined when the value is not wrapped by it. */
export function tryUnwrap(root: RootOfTrust, value: Uint8Array, label: string): Uint8Array | undefined {
  try {
    return root.unwrap(value, label);
  } catch (e) {
    if (e instanceof RootKeyError) return undefined;
    throw e;
  }
}

export class RewrapError extends Error {
  override name = "RewrapError";
}

/**
 * One value's move: `value` (wrapped under `from` for `label`) wrapped again under `to`, read back and compared.
 * The plaintext is zeroed before returning.
 * @returns the value wrapped under `to` to store in its place, or undefined when `value` is already under `to` (an
 *   earlier, interrupted run moved it)
 * @throws RewrapError when `value` opens under neither root, or the new wrapping does not read back; the roots' own
 *   errors (RootUnavailableError) pass through
 */
export function rewrapValue(from: RootOfTrust, to: RootOfTrust, label: string, value: Uint8Array): Uint8Array | undefined {
  const done = tryUnwrap(to, value, label);
  if (done) {
    wipe(done);
    return undefined;
  }
  const plain = tryUnwrap(from, value, label);
  if (!plain) throw new RewrapError(`${label} opens under neither the current root (${from.source}) nor the new one (${to.source})`);
  try {
    const wrapped = to.wrap(plain, label);
    const back = to.unwrap(wrapped, label);
    const same = back.length === plain.length && constantTimeEqual(back, plain);
    wipe(back);
    if (!same) throw new RewrapError(`${label} did not read back under the new root`);
    return wrapped;
  } finally {
    wipe(plain);
  }
}

/**
 * The final pass: `value` must open under `to`.
 * @throws RewrapError when it does not
 */
export function verifyUnder(to: RootOfTrust, label: string, value: Uint8Array): void {
  const plain = tryUnwrap(to, value, label);
  if (!plain) throw new RewrapError(`verification: ${label} does not open under the new root`);
  wipe(plain);
}

/**
 * Move every root-wrapped value of the data dir at `dataDir` from `from` to `to`. The server must not be running.
 * @param rootCheckLabel the label of the root check (data-dir.ts `ROOT_CHECK_LABEL`)
 * @throws RewrapError when a value opens under neither root (the data dir is not `from`'s), or a written value does
 *   not read back; the root's own errors (e.g. RootUnavailableError) pass through. Either way the run can be repeated.
 */
export function rewrapDataDir(dataDir: string, from: RootOfTrust, to: RootOfTrust, rootCheckLabel: string, onProgress?: (done: number) => void): RewrapReport {
  const keyDb = new Database(join(dataDir, "openkms.db"), { fileMustExist: true });
  const auditPath = join(dataDir, "audit.db");
  const auditDb = existsSync(auditPath) ? new Database(auditPath, { fileMustExist: true }) : undefined;
  try {
    for (const db of [keyDb, auditDb]) db?.pragma("busy_timeout = 5000");
    // Before anything is written: the data dir must be `from`'s (or already moved, part or whole, to `to`), and an unfinished
    // move to yet another root must be finished first.
    const pending = keyDb.prepare<[string], { value: string }>("SELECT value FROM meta WHERE name = ?").get(REWRAP_MARKER)?.value;
    if (pending !== undefined && pending !== to.source) throw new RewrapError(`an unfinished move to ${pending} must be finished first`);
    const check = keyDb.prepare<[], { value: string }>("SELECT value FROM meta WHERE name = 'root-check'").get()?.value;
    if (check === undefined) throw new RewrapError("this data dir has no root check: start the server on it once first");
    const checkValue = new Uint8Array(Buffer.from(check, "base64"));
    // Under `to` already: a finished or interrupted move to it (running it again verifies / finishes it).
    const opened = tryUnwrap(from, checkValue, rootCheckLabel) ?? tryUnwrap(to, checkValue, rootCheckLabel);
    if (!opened) throw new RewrapError(`the current root (${from.source}) is not the one this data dir was created with`);
    wipe(opened);
    keyDb.prepare("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value").run(REWRAP_MARKER, to.source);
    const report: RewrapReport = { moved: 0, alreadyMoved: 0, verified: 0 };
    for (const item of wrappedValues(keyDb, auditDb, rootCheckLabel)) {
      const wrapped = rewrapValue(from, to, item.label, item.value);
      if (!wrapped) {
        report.alreadyMoved++;
        continue;
      }
      item.write(wrapped);
      report.moved++;
      onProgress?.(report.moved + report.alreadyMoved);
    }
    for (const item of wrappedValues(keyDb, auditDb, rootCheckLabel)) {
      verifyUnder(to, item.label, item.value);
      report.verified++;
    }
    keyDb.prepare("DELETE FROM meta WHERE name = ?").run(REWRAP_MARKER);
    return report;
  } finally {
    auditDb?.close();
    keyDb.close();
  }
}
