/**
 * Online backup and restore of an embedded data dir (`openkms backup <file>`, `openkms restore <file> --data-dir`).
 *
 * Backup, while the server serves: `openkms.db` is copied first, then `audit.db`, each with `VACUUM INTO` (one read
 * transaction: a consistent snapshot of each database, WAL writers go on meanwhile). In that order the audit
 * checkpoint kept in openkms.db never names a record the copied audit.db lacks, so a restored dir passes `openkms
 * audit verify`. The two copies and a manifest (`openkms-backup/1`: time, edition, SHA-256 and size of each file) go
 * into one gzipped tar file (backup-archive.ts), written to a temporary name and renamed (0600).
 *
 * What is not in a backup: the root key (`root.key`, OPENKMS_ROOT_KEY or the PKCS#11 token) — back it up apart; a
 * restored dir opens only with it. Everything in the backup is as protected as the live store: key material and
 * access-key secrets only wrapped under the root key.
 *
 * Restore: into a new or empty data dir (0700, files 0600); only the manifest's files are taken from the archive (no
 * other paths, no links), their SHA-256 must match, and SQLite's integrity check must pass. A PostgreSQL store's
 * backup (postgres/backup.ts) is turned into the same two files first (postgres/backup-to-data-dir.ts).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import {
  BACKUP_FORMAT, BackupError, checkBackupFile, checkBackupTarget, describeFile, openBackupArchive, writeBackupArchive, type ManifestBase,
} from "./backup-archive.js";
import { TABLE_FILES, type PgBackupManifest } from "./postgres/backup.js";
import { dataDirFilesFromPgBackup } from "./postgres/backup-to-data-dir.js";

export { BACKUP_FORMAT, BackupError };
const FILES = ["openkms.db", "audit.db"] as const;

/** An embedded store's manifest (or, from restoreDataDir, a PostgreSQL store's, restored into a data dir). */
export type BackupManifest = ManifestBase;

/** Copy one SQLite database consistently with `VACUUM INTO`. */
function snapshot(source: string, target: string): void {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    db.prepare("VACUUM INTO ?").run(target);
  } finally {
    db.close();
  }
}

/**
 * Back up the data dir at `dataDir` into `file` (gzipped tar), online.
 * @returns the manifest written
 * @throws BackupError when `dataDir` is not a data dir or `file` exists; the driver's / file system's errors
 */
export async function backupDataDir(dataDir: string, file: string): Promise<BackupManifest> {
  for (const f of FILES) if (!existsSync(join(dataDir, f))) throw new BackupError(`${dataDir} is not an OpenKMS data dir with an embedded store (no ${f})`);
  checkBackupTarget(file);
  const work = mkdtempSync(join(dirname(file), ".openkms-backup-"));
  try {
    for (const f of FILES) snapshot(join(dataDir, f), join(work, f)); // openkms.db first: see the module comment
    const keyDb = new Database(join(work, "openkms.db"), { readonly: true });
    let edition: string | undefined;
    try {
      edition = keyDb.prepare<[], { value: string }>("SELECT value FROM meta WHERE name = 'edition'").get()?.value;
    } finally {
      keyDb.close();
    }
    const files = [];
    for (const name of FILES) files.push(await describeFile(work, name));
    const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), edition, files };
    await writeBackupArchive(file, work, manifest);
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `dataDir` must be missing or an empty directory. @throws BackupError naming what is wrong */
function checkRestoreTarget(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  if (!statSync(dataDir).isDirectory()) throw new BackupError(`${dataDir} is not a directory`);
  const entries = readdirSync(dataDir);
  if (entries.some((f) => f === "openkms.db" || f === "audit.db")) {
    throw new BackupError(`${dataDir} already holds a store: restore into a new or empty directory`);
  }
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? `, … (${entries.length} entries)` : "");
    throw new BackupError(`${dataDir} is not empty (${shown}): restore into a new or empty directory`);
  }
}

/**
 * Restore a backup into `dataDir` (created when missing, else an empty directory; left 0700, its files 0600).
 * @returns the backup's manifest
 * @throws BackupError for a file that is not an OpenKMS backup, a checksum or integrity
 *   failure, a `dataDir` that is not a directory or not empty, or one that cannot be created — nothing is left in `dataDir` then (beyond what was there)
 */
export async function restoreDataDir(file: string, dataDir: string): Promise<BackupManifest> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  checkRestoreTarget(dataDir);
  const created = !existsSync(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new BackupError(`cannot create ${dataDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const work = mkdtempSync(join(dataDir, ".restore-"));
  let restored = false;
  try {
    const wanted = new Set<string>(FILES);
    const manifest = await openBackupArchive(file, work, (path) => wanted.has(path) || TABLE_FILES.has(path));
    if (manifest.store === "postgres") await dataDirFilesFromPgBackup(file, work, manifest as unknown as PgBackupManifest);
    for (const name of FILES) {
      if (manifest.store !== "postgres") await checkBackupFile(file, work, manifest, name);
      const db = new Database(join(work, name), { readonly: true });
      try {
        const result = db.pragma("integrity_check", { simple: true });
        if (result !== "ok") throw new BackupError(`${file}: ${name} fails SQLite's integrity check: ${String(result)}`);
      } finally {
        db.close();
      }
    }
    for (const name of FILES) {
      renameSync(join(work, name), join(dataDir, name));
      chmodSync(join(dataDir, name), 0o600);
    }
    chmodSync(dataDir, 0o700); // also an existing empty directory: a data dir is the owner's alone
    restored = true;
    return manifest as BackupManifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
    // A failed restore leaves nothing behind: not even the directory, when it made it.
    if (!restored && created) rmSync(dataDir, { recursive: true, force: true });
  }
}
