/**
 * The backup file of every store (`openkms backup`): one gzipped tar holding `manifest.json` (format
 * {@link BACKUP_FORMAT}: what store it is of, when it was taken, and the SHA-256 and size of every other file) and the
 * files it names. Written to a temporary name beside the target and renamed (mode 0600); read back by extracting only
 * the names the reader asks for (regular files, no links, no absolute or `..` paths) and checking every checksum.
 *
 * The embedded store's backup (sqlite-backup.ts) holds `openkms.db` and `audit.db`; a PostgreSQL store's
 * (postgres/backup.ts) holds one JSON-lines file per table under `tables/`.
 */
import { createHash, randomUUID } from "node:crypto";
import { chmodSync, createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as tar from "tar";

export const BACKUP_FORMAT = "openkms-backup/1";

/** A backup that cannot be made or restored: the message is one line for the operator. */
export class BackupError extends Error {
  override name = "BackupError";
}

export interface BackupFile {
  /** Path inside the archive. */
  name: string;
  bytes: number;
  /** SHA-256 of the file, hex. */
  sha256: string;
}

/** What every manifest holds; the stores add their own fields. */
export interface ManifestBase {
  format: typeof BACKUP_FORMAT;
  /** `postgres` for a PostgreSQL store's backup; absent for the embedded store's. */
  store?: "postgres";
  /** ISO 8601 time the copy was taken. */
  createdAt: string;
  edition: string | undefined;
  files: BackupFile[];
}

/** SHA-256 of a file, hex (streamed: table files can be large). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The manifest entry of `name` inside `work`. */
export async function describeFile(work: string, name: string): Promise<BackupFile> {
  const path = join(work, name);
  return { name, bytes: statSync(path).size, sha256: await sha256File(path) };
}

/**
 * Refuse a target that exists or whose directory does not.
 * @throws BackupError
 */
export function checkBackupTarget(file: string): void {
  if (existsSync(file)) throw new BackupError(`${file} exists: choose a new file name`);
  if (!existsSync(dirname(file))) throw new BackupError(`the directory of ${file} does not exist`);
}

/**
 * Write `manifest.json` into `work`, then `work`'s manifest and files into the gzipped tar `file` (0600), atomically.
 */
export async function writeBackupArchive(file: string, work: string, manifest: ManifestBase): Promise<void> {
  writeFileSync(join(work, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  const partial = join(dirname(file), `.${basename(file)}.${randomUUID()}.partial`);
  try {
    await tar.create({ gzip: true, file: partial, cwd: work, portable: true, mode: 0o600 } as tar.TarOptionsWithAliasesAsyncFile,
      ["manifest.json", ...manifest.files.map((f) => f.name)]);
    chmodSync(partial, 0o600);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * Extract `manifest.json` and the regular files `wanted` accepts from the archive `file` into `work`, and read the
 * manifest.
 * @throws BackupError for a file that is not an OpenKMS backup (not a gzipped tar, damaged, no manifest, another format)
 */
export async function openBackupArchive(file: string, work: string, wanted: (path: string) => boolean): Promise<ManifestBase & Record<string, unknown>> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  try {
    await tar.extract({
      file, cwd: work, strict: true, preservePaths: false,
      filter: (path, entry) => (path === "manifest.json" || wanted(path)) && (entry as { type?: string }).type === "File",
    } as tar.TarOptionsWithAliasesAsyncFile);
  } catch (e) {
    throw new BackupError(`${file} is not an OpenKMS backup (${(e as Error).message})`);
  }
  let manifest: ManifestBase & Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(join(work, "manifest.json"), "utf8"));
  } catch {
    throw new BackupError(`${file} is not an OpenKMS backup (no readable manifest.json)`);
  }
  if (manifest?.format !== BACKUP_FORMAT) throw new BackupError(`${file}: unknown backup format ${String(manifest?.format)}`);
  if (!Array.isArray(manifest.files)) throw new BackupError(`${file}: the manifest lists no files`);
  return manifest;
}

/**
 * Check that `name` was extracted into `work` and matches its manifest checksum.
 * @throws BackupError naming the file when it is missing or damaged
 */
export async function checkBackupFile(file: string, work: string, manifest: ManifestBase, name: string): Promise<void> {
  const entry = manifest.files.find((f) => f.name === name);
  const path = join(work, name);
  if (!entry || !existsSync(path)) throw new BackupError(`${file}: ${name} is missing from the backup`);
  if ((await sha256File(path)) !== entry.sha256) throw new BackupError(`${file}: ${name} does not match its checksum (damaged backup)`);
}
