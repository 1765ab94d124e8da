/**
 * The data dir: opening it — the root key, the key store and account store (`openkms.db`), the audit log
 * (`audit.db`) and the first root account — for the server and for the `openkms admin` / `openkms audit` commands,
 * which open the same files while the server runs (SQLite WAL); and its file-system hygiene: the stores are created
 * readable by their owner only, and a data dir or root key file that others can read is reported (the operator may
 * have chosen it; the server does not change it).
 *
 * Layout: `root.key` (0600, unless OPENKMS_ROOT_KEY is given), `openkms.db` (+ WAL files), `audit.db` (+ WAL files),
 * `credentials.json` (written by the server).
 *
 * The audit log is anchored in `openkms.db` (audit/checkpoint.ts): a data dir's first start writes the checkpoint of
 * the empty log (the marker that a log exists), and every open compares audit.db with the stored checkpoint. When
 * audit.db is missing, empty or behind it, the dir still opens — a new log is started so requests stay audited — but
 * {@link DataDir.auditProblem} names the problem and the checkpoint is left as it is (not advanced), so `openkms audit
 * verify` keeps reporting it. {@link inspectAuditLog} opens the log for reading without ever creating it.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { randomBytes } from "@openkms/crypto/random";
import { CHECKPOINT_META, CheckpointStore, parseCheckpoint, type AuditCheckpoint } from "./audit/checkpoint.js";
import { AuditLogUnavailableError, SqliteAuditLog } from "./audit/log.js";
import { checkpointProblem } from "./audit/verify.js";
import { rootUin } from "./credentials.js";
import { loadRootKey, RootKeyError, type RootOfTrust } from "./root-key.js";
import { Pkcs11UriError } from "./root-of-trust/pkcs11-uri.js";
import { REWRAP_MARKER } from "./root-of-trust/rewrap.js";
import type { AccountStore } from "./store/accounts.js";
import { openSqliteStore } from "./store/sqlite.js";
import { openSqliteAccountStore } from "./store/sqlite-accounts.js";
import type { KeyStore } from "./store/types.js";
import type { ProductStore } from "./gateway/product-store.js";
import { openSqliteProductStore } from "./gateway/sqlite-product-store.js";

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
  /**
   * `--root-key` / OPENKMS_ROOT_KEY_URI: the root key in a PKCS#11 token (`pkcs11:token=…;object=…?module-path=…&
   * pin-source=…`, RFC 7512) or a key file elsewhere (`file:<path>`). Takes precedence over `rootKey`.
   */
  rootKeyUri?: string | undefined;
  /** true: create the dir, root key and stores when missing (the server); false: they must exist (admin tools). */
  create: boolean;
  /** Unix seconds, for the root account's CreateTime. */
  nowSeconds: number;
  /** Hears of periodic audit checkpoints that could not be written (the server logs them). */
  onCheckpointError?: (e: unknown) => void;
}

export interface DataDir {
  readonly path: string;
  readonly root: RootOfTrust;
  /** Whether the root key file was created now. */
  readonly rootKeyCreated: boolean;
  readonly store: KeyStore;
  readonly accounts: AccountStore;
  /** The product gateway's mounts, product tokens and key names (gateway/product-store.ts). */
  readonly products: ProductStore;
  readonly audit: SqliteAuditLog;
  /** The first root account's uin. */
  readonly rootUin: string;
  /**
   * Why the audit log does not match its checkpoint in openkms.db (missing, emptied, cut back, replaced), or
   * undefined when it does. While set, the log is written but not anchored: the checkpoint keeps the evidence.
   */
  readonly auditProblem: string | undefined;
  /** Close the stores and the audit log (committing what is queued) and zero the root key. */
  close(): Promise<void>;
}

export const ROOT_CHECK_LABEL = "openkms/root-check/v1";

export async function checkRootKey(store: KeyStore, root: RootOfTrust): Promise<void> {
  const rewrapTo = await store.getMeta(REWRAP_MARKER);
  if (rewrapTo) {
    throw new StartupError(`a move of this data dir to another root key (${rewrapTo}) is unfinished: run openkms admin rewrap --to <that root> again to finish it`);
  }
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
export async function ensureRootAccount(accounts: AccountStore, uin: string, nowSeconds: number): Promise<void> {
  if (await accounts.getAccount(uin)) return;
  const name = (await accounts.findAccountByName("root")) ? `root-${uin}` : "root";
  await accounts.createAccount({ uin, ownerUin: uin, name, status: "Enabled", createTime: nowSeconds });
}

const fileState = (path: string) => (!existsSync(path) ? "missing" : statSync(path).size === 0 ? "empty" : "present");

interface Stores {
  root: RootOfTrust;
  rootKeyCreated: boolean;
  store: KeyStore;
  accounts: AccountStore;
  products: ProductStore;
  rootUin: string;
  /** Whether openkms.db held data before this open (false: the data dir's first start). */
  keyDbExisted: boolean;
  opened: { close(): Promise<void> }[];
}

async function openStores(opts: DataDirOptions): Promise<Stores> {
  const keyFile = join(opts.dataDir, ROOT_KEY_FILE);
  const keyDb = join(opts.dataDir, KEY_DB);
  if (!opts.create && !existsSync(keyDb)) {
    throw new StartupError(`${opts.dataDir} is not an OpenKMS data dir (no ${KEY_DB}); run openkms serve with it once first`);
  }
  if (!opts.rootKeyUri && !opts.rootKey && !existsSync(keyFile) && fileState(keyDb) === "present") {
    throw new StartupError(`the root key file ${keyFile} is missing: this data dir's keys cannot be opened without it (restore it, or give OPENKMS_ROOT_KEY)`);
  }
  if (opts.create) mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  let loaded: { root: RootOfTrust; created: boolean };
  try {
    loaded = loadRootKey({ keyFile, envValue: opts.rootKey, uri: opts.rootKeyUri, create: opts.create });
  } catch (e) {
    if (e instanceof RootKeyError || e instanceof Pkcs11UriError) throw new StartupError(e.message);
    throw e;
  }
  const { root, created } = loaded;
  const keyDbExisted = fileState(keyDb) === "present";
  // SQLite gives the -wal and -shm files the database file's mode. Made after the root key opened, so a root that
  // fails (a wrong PIN, a missing token) leaves no store file behind.
  createPrivateFile(keyDb);
  const opened: { close(): Promise<void> }[] = [];
  try {
    const store = openSqliteStore(keyDb);
    opened.push(store);
    await checkRootKey(store, root);
    const accounts = openSqliteAccountStore(keyDb);
    opened.push(accounts);
    const products = openSqliteProductStore(keyDb);
    opened.push(products);
    const uin = await rootUin(store);
    await ensureRootAccount(accounts, uin, opts.nowSeconds);
    return { root, rootKeyCreated: created, store, accounts, products, rootUin: uin, keyDbExisted, opened };
  } catch (e) {
    for (const o of opened.reverse()) await o.close();
    root.close();
    throw e;
  }
}

/**
 * Compare a just-opened log with its checkpoint; anchor it when they agree.
 * @returns the problem (then the log is left unanchored), or undefined
 */
async function anchorAuditLog(
  opts: DataDirOptions, stores: Stores, audit: SqliteAuditLog, auditFile: "missing" | "empty" | "present",
): Promise<string | undefined> {
  const auditDb = join(opts.dataDir, AUDIT_DB);
  const cp = parseCheckpoint(await stores.store.getMeta(CHECKPOINT_META));
  const lost = auditFile === "missing" ? `${auditDb} was missing (a new, empty log was started)`
    : auditFile === "empty" ? `${auditDb} was empty (a new log was started in it)` : undefined;
  let problem: string | undefined;
  if (cp === undefined) {
    // No checkpoint: the data dir's first start, or a data dir from a version that wrote none (anchored from now on).
    if (stores.keyDbExisted && lost) problem = `${lost}, and openkms.db holds no audit checkpoint`;
  } else {
    const p = checkpointProblem(audit, cp, audit.head()?.seq ?? 0);
    if (p || lost) problem = [lost, p?.detail].filter(Boolean).join("; ");
  }
  if (problem) return problem;
  const checkpoints = new CheckpointStore(join(opts.dataDir, KEY_DB));
  try {
    audit.anchorTo(checkpoints, opts.onCheckpointError);
  } catch (e) {
    checkpoints.close();
    throw e;
  }
  return undefined;
}

/**
 * Open a data dir.
 * @throws StartupError when `create` is false and the dir has no key store or no root key, or when the root key is
 *   not the one the dir was created with; RootKeyError for a malformed root key
 */
export async function openDataDir(opts: DataDirOptions): Promise<DataDir> {
  const auditDb = join(opts.dataDir, AUDIT_DB);
  const stores = await openStores(opts);
  const { root, store, accounts, products, opened } = stores;
  try {
    const auditFile = fileState(auditDb);
    createPrivateFile(auditDb);
    const audit = SqliteAuditLog.open(auditDb, root);
    opened.push(audit);
    const auditProblem = await anchorAuditLog(opts, stores, audit, auditFile);
    let closed = false;
    return {
      path: opts.dataDir, root, rootKeyCreated: stores.rootKeyCreated, store, accounts, products, audit, rootUin: stores.rootUin, auditProblem,
      async close() {
        if (closed) return;
        closed = true;
        await audit.close();
        await products.close();
        await accounts.close();
        await store.close();
        root.close();
      },
    };
  } catch (e) {
    return closeAfterFailure(e, opened, root);
  }
}

/**
 * Opening failed with `e`: close what was opened (newest first) and the root of trust, then throw `e` — a root key
 * that does not open the audit log as a StartupError saying so.
 */
async function closeAfterFailure(e: unknown, opened: { close(): unknown }[], root: { source: string; close(): void }): Promise<never> {
  for (const o of opened.reverse()) await o.close();
  root.close();
  if (e instanceof RootKeyError) throw new StartupError(`the root key (${root.source}) does not open this data dir's audit log`);
  throw e;
}

/** A data dir's audit log opened for reading (`openkms audit verify|query`), with its checkpoint. */
export interface AuditInspection {
  /** The log, or undefined when audit.db is missing or holds no log ({@link unavailable} says which). */
  readonly log: SqliteAuditLog | undefined;
  readonly unavailable: string | undefined;
  /** The checkpoint stored in openkms.db (null: none). */
  readonly checkpoint: AuditCheckpoint | null | "malformed";
  close(): Promise<void>;
}

/**
 * Open a data dir's audit log for reading: never creates, repairs or anchors it (a missing audit.db stays missing).
 * @throws as {@link openDataDir}
 */
export async function inspectAuditLog(opts: Omit<DataDirOptions, "create" | "onCheckpointError">): Promise<AuditInspection> {
  const auditDb = join(opts.dataDir, AUDIT_DB);
  const stores = await openStores({ ...opts, create: false });
  const { root, store, opened } = stores;
  try {
    const checkpoint = parseCheckpoint(await store.getMeta(CHECKPOINT_META)) ?? null;
    let log: SqliteAuditLog | undefined;
    let unavailable: string | undefined;
    const state = fileState(auditDb);
    const named = typeof checkpoint === "object" && checkpoint ? ` (the checkpoint in openkms.db names record ${checkpoint.seq})` : "";
    if (state === "missing") unavailable = `${auditDb} is missing${named}`;
    else if (state === "empty") unavailable = `${auditDb} is empty${named}`;
    else {
      try {
        log = SqliteAuditLog.open(auditDb, root, { create: false });
        opened.push(log);
      } catch (e) {
        if (!(e instanceof AuditLogUnavailableError)) throw e;
        unavailable = e.message + named;
      }
    }
    let closed = false;
    return {
      log, unavailable, checkpoint,
      async close() {
        if (closed) return;
        closed = true;
        for (const o of opened.reverse()) await o.close();
        root.close();
      },
    };
  } catch (e) {
    return closeAfterFailure(e, opened, root);
  }
}
