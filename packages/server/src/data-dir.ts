/**
 * The data dir: opening it — the root key, the key store and account store (`openkms.db`), the audit log
 * (`audit.db`) and the first root account — for the server and for the `openkms admin` / `openkms audit` commands,
 * which open the same files while the server runs (SQLite WAL); and its file-system hygiene: the stores are created
 * readable by their owner only, and a data dir or root key file that others can read is reported (the operator may
 * have chosen it; the server does not change it).
 *
 * Layout: `root.key` (0600, unless OPENKMS_ROOT_KEY is given), `openkms.db` (+ WAL files), `audit.db` (+ WAL files),
 * `credentials.json` (written by the server).
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { randomBytes } from "@openkms/crypto/random";
import { SqliteAuditLog } from "./audit/log.js";
import { rootUin } from "./credentials.js";
import { loadRootKey, RootKeyError, type RootOfTrust } from "./root-key.js";
import type { AccountStore } from "./store/accounts.js";
import { openSqliteStore } from "./store/sqlite.js";
import { openSqliteAccountStore } from "./store/sqlite-accounts.js";
import type { KeyStore } from "./store/types.js";

/** Create `path` empty with mode 0600 when it does not exist yet (an existing file is left as it is). */
export function createPrivateFile(path: string): void {
  if (existsSync(path)) return;
  closeSync(openSync(path, "wx", 0o600));
}

/** Log a warning for a data dir or key file that group or others can access. */
export function warnIfExposed(logger: Logger, dataDir: string, keyFile: string | undefined): void {
  for (const path of [dataDir, keyFile]) {
    if (!path || !existsSync(path)) continue;
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) logger.warn({ path, mode: mode.toString(8) }, "accessible to other users: restrict it (chmod go-rwx)");
  }
}

/** A startup problem the operator must fix (wrong root key, edition mismatch, bad credential, not a data dir). */
export class StartupError extends Error {
  override name = "StartupError";
}

export const KEY_DB = "openkms.db";
export const AUDIT_DB = "audit.db";
export const ROOT_KEY_FILE = "root.key";

export interface DataDirOptions {
  dataDir: string;
  /** Base64 of a 32-byte root key (OPENKMS_ROOT_KEY); otherwise `<dataDir>/root.key`. */
  rootKey?: string | undefined;
  /** true: create the dir, root key and stores when missing (the server); false: they must exist (admin tools). */
  create: boolean;
  /** Unix seconds, for the root account's CreateTime. */
  nowSeconds: number;
}

export interface DataDir {
  readonly path: string;
  readonly root: RootOfTrust;
  /** Whether the root key file was created now. */
  readonly rootKeyCreated: boolean;
  readonly store: KeyStore;
  readonly accounts: AccountStore;
  readonly audit: SqliteAuditLog;
  /** The first root account's uin. */
  readonly rootUin: string;
  /** Close the stores and the audit log (committing what is queued) and zero the root key. */
  close(): Promise<void>;
}

const ROOT_CHECK_LABEL = "openkms/root-check/v1";

async function checkRootKey(store: KeyStore, root: RootOfTrust): Promise<void> {
  const stored = await store.getMeta("root-check");
  if (!stored) {
    await store.setMeta("root-check", Buffer.from(root.wrap(randomBytes(16), ROOT_CHECK_LABEL)).toString("base64"));
    return;
  }
  try {
    root.unwrap(new Uint8Array(Buffer.from(stored, "base64")), ROOT_CHECK_LABEL).fill(0);
  } catch (e) {
    if (e instanceof RootKeyError) throw new StartupError(`the root key (${root.source}) is not the one this data dir was created with`);
    throw e;
  }
}

/** Make sure the first root account has its account row (data dirs from before accounts existed lack it). */
async function ensureRootAccount(accounts: AccountStore, uin: string, nowSeconds: number): Promise<void> {
  if (await accounts.getAccount(uin)) return;
  const name = (await accounts.findAccountByName("root")) ? `root-${uin}` : "root";
  await accounts.createAccount({ uin, ownerUin: uin, name, status: "Enabled", createTime: nowSeconds });
}

/**
 * Open a data dir.
 * @throws StartupError when `create` is false and the dir has no key store or no root key, or when the root key is
 *   not the one the dir was created with; RootKeyError for a malformed root key
 */
export async function openDataDir(opts: DataDirOptions): Promise<DataDir> {
  const keyFile = join(opts.dataDir, ROOT_KEY_FILE);
  const keyDb = join(opts.dataDir, KEY_DB);
  const auditDb = join(opts.dataDir, AUDIT_DB);
  if (!opts.create && !existsSync(keyDb)) {
    throw new StartupError(`${opts.dataDir} is not an OpenKMS data dir (no ${KEY_DB}); run openkms serve with it once first`);
  }
  if (!opts.rootKey && !existsSync(keyFile) && existsSync(keyDb)) {
    throw new StartupError(`the root key file ${keyFile} is missing: this data dir's keys cannot be opened without it (restore it, or give OPENKMS_ROOT_KEY)`);
  }
  if (opts.create) mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  // SQLite gives the -wal and -shm files the database file's mode.
  createPrivateFile(keyDb);
  createPrivateFile(auditDb);
  const { root, created } = loadRootKey({ keyFile, envValue: opts.rootKey });
  const opened: { close(): Promise<void> }[] = [];
  try {
    const store = openSqliteStore(keyDb);
    opened.push(store);
    await checkRootKey(store, root);
    const accounts = openSqliteAccountStore(keyDb);
    opened.push(accounts);
    const uin = await rootUin(store);
    await ensureRootAccount(accounts, uin, opts.nowSeconds);
    const audit = SqliteAuditLog.open(auditDb, root);
    opened.push(audit);
    let closed = false;
    return {
      path: opts.dataDir, root, rootKeyCreated: created, store, accounts, audit, rootUin: uin,
      async close() {
        if (closed) return;
        closed = true;
        await audit.close();
        await accounts.close();
        await store.close();
        root.close();
      },
    };
  } catch (e) {
    for (const o of opened.reverse()) await o.close();
    root.close();
    if (e instanceof RootKeyError) throw new StartupError(`the root key (${root.source}) does not open this data dir's audit log`);
    throw e;
  }
}
