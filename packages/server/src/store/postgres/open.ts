/**
 * Opening a node on a shared PostgreSQL store (`--store postgres://…`): the pool, the schema migrations, the key and
 * account stores, the cluster audit log and the shared rate-limit buckets. The data dir keeps only what is the node's
 * own: the root key file (unless OPENKMS_ROOT_KEY is given; every node of a cluster needs the same root key) and
 * `credentials.json`.
 *
 * Nodes starting together on a fresh database agree on one root uin, root account and root credential: the startup
 * section runs under a session-level advisory lock, held until the server calls `startupDone()`.
 *
 * A server's node reads credentials, accounts, policies, keys and key versions through a node cache kept coherent by
 * a listening connection (read-cache.ts, change-feed.ts); tools (`create: false`) read the database every time.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type pg from "pg";
import { PgAuditLog } from "../../audit/pg-log.js";
import { rootUin } from "../../credentials.js";
import { checkRootKey, ensureRootAccount, ROOT_KEY_FILE, StartupError } from "../../data-dir.js";
import type { TokenLeaseSource } from "../../limits/cluster-rate-limits.js";
import { loadRootKey, RootKeyError, type RootOfTrust } from "../../root-key.js";
import type { AccountStore } from "../accounts.js";
import type { KeyStore } from "../types.js";
import { pgAccountStore } from "./accounts.js";
import { pgKeyStore } from "./keys.js";
import { pgProductStore } from "./products.js";
import type { ProductStore } from "../../gateway/product-store.js";
import { PgChangeFeed } from "./change-feed.js";
import { migrate, SchemaTooNewError } from "./migrations.js";
import { PgReadCache } from "./read-cache.js";
import { fencedRoot, watchRootFence, type RootFence } from "../../root-of-trust/root-fence.js";
import { openPgPool, redactUrl, type PgTimeouts } from "./pool.js";

/** The startup lock's connection failing between statements surfaces at its next query; never crash on it. */
const ignoreLockClientError = () => {};

/** Lock id held while a node initialises (root uin, root account, root credential). */
const STARTUP_LOCK = 0x6f6b6d02;

export interface PgNodeOptions {
  /** `postgres://…` */
  url: string;
  /** The node's data dir (root key file, credentials.json); created when `create`. */
  dataDir: string;
  /** Base64 of the 32-byte root key (OPENKMS_ROOT_KEY); otherwise `<dataDir>/root.key`. */
  rootKey?: string | undefined;
  /** `--root-key` / OPENKMS_ROOT_KEY_URI: a PKCS#11 URI or `file:<path>` (root-key.ts); precedence over `rootKey`. */
  rootKeyUri?: string | undefined;
  /** true: the server (creates the data dir, root key and schema when missing); false: tools (they must exist). */
  create: boolean;
  nowSeconds: number;
  logger?: Logger | undefined;
  poolSize?: number;
  timeouts?: Partial<PgTimeouts>;
  /** Keep a node cache coherent through LISTEN/NOTIFY (default: `create`, i.e. servers). */
  cache?: boolean;
}

export interface PgNode {
  readonly pool: pg.Pool;
  readonly root: RootOfTrust;
  readonly rootKeyCreated: boolean;
  readonly store: KeyStore;
  readonly accounts: AccountStore;
  readonly products: ProductStore;
  readonly audit: PgAuditLog;
  readonly rootUin: string;
  readonly tokenLeases: TokenLeaseSource;
  /**
   * The server's guard against a root key being moved under it (root-of-trust/root-fence.ts; `create` only): `root`
   * is already behind it; the audit sink should be too.
   */
  readonly fence: RootFence | undefined;
  /** The URL without its password. */
  readonly location: string;
  /** Release the startup lock (the server calls it once its root credential is settled). */
  startupDone(): Promise<void>;
  close(): Promise<void>;
}

function describeConnectError(url: string, e: unknown): StartupError {
  return new StartupError(`cannot use the PostgreSQL store ${redactUrl(url)}: ${(e as Error)?.message ?? String(e)}`);
}

/**
 * Open a node on PostgreSQL: connect, migrate (server only), open the stores and the audit log, set up the root
 * check, root uin and root account on a fresh database.
 * @throws StartupError for an unreachable database, a schema newer than this code, a database not yet initialised
 *   (tools), a missing or different root key
 */
export async function openPgNode(opts: PgNodeOptions): Promise<PgNode> {
  const keyFile = join(opts.dataDir, ROOT_KEY_FILE);
  const pool = openPgPool(opts.url, { max: opts.poolSize, timeouts: opts.timeouts, logger: opts.logger });
  let root: RootOfTrust | undefined;
  let feed: PgChangeFeed | undefined;
  let fence: RootFence | undefined;
  let lockClient: pg.PoolClient | undefined;
  const releaseLock = async () => {
    const c = lockClient;
    lockClient = undefined;
    if (!c) return;
    try {
      await c.query("SELECT pg_advisory_unlock($1)", [STARTUP_LOCK]);
      c.off("error", ignoreLockClientError);
      c.release();
    } catch (e) {
      c.off("error", ignoreLockClientError);
      c.release(e as Error);
    }
  };
  try {
    try {
      if (opts.create) {
        const applied = await migrate(pool);
        if (applied.length) opts.logger?.info({ store: redactUrl(opts.url), applied }, "postgres: schema migrated");
      } else {
        const { rows } = await pool.query<{ t: string | null }>("SELECT to_regclass('openkms_schema')::text AS t");
        if (!rows[0]?.t) throw new StartupError(`${redactUrl(opts.url)} holds no OpenKMS store yet; run openkms serve --store with it once first`);
      }
      if (opts.create) {
        lockClient = await pool.connect();
        lockClient.on("error", ignoreLockClientError);
        await lockClient.query("SELECT pg_advisory_lock($1)", [STARTUP_LOCK]);
      }
    } catch (e) {
      if (e instanceof StartupError) throw e;
      if (e instanceof SchemaTooNewError) throw new StartupError(`${redactUrl(opts.url)}: ${e.message}`);
      throw describeConnectError(opts.url, e);
    }
    const cache = new PgReadCache();
    if (opts.cache ?? opts.create) feed = await PgChangeFeed.start(pool, cache, opts.logger);
    const store = pgKeyStore(pool, cache);
    const initialised = (await store.getMeta("root-check")) !== undefined;
    const given = Boolean(opts.rootKeyUri || opts.rootKey);
    if (initialised && !given && !existsSync(keyFile)) {
      throw new StartupError(
        `the PostgreSQL store ${redactUrl(opts.url)} was created with a root key this node does not have: give the cluster's root key (OPENKMS_ROOT_KEY, or copy it to ${keyFile})`,
      );
    }
    if (!opts.create && !initialised) throw new StartupError(`${redactUrl(opts.url)} holds no OpenKMS store yet; run openkms serve --store with it once first`);
    if (opts.create) mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    else if (!given && !existsSync(keyFile)) throw new StartupError(`no root key: give OPENKMS_ROOT_KEY, --root-key, or --data-dir with the cluster's root.key`);
    let loaded: { root: RootOfTrust; created: boolean };
    try {
      loaded = loadRootKey({ keyFile, envValue: opts.rootKey, uri: opts.rootKeyUri, create: opts.create });
    } catch (e) {
      if (e instanceof RootKeyError || (e as Error)?.name === "Pkcs11UriError") throw new StartupError((e as Error).message);
      throw e;
    }
    root = loaded.root;
    await checkRootKey(store, root);
    fence = opts.create ? watchRootFence(pool, (await store.getMeta("root-check"))!, { logger: opts.logger }) : undefined;
    if (fence) root = fencedRoot(root, fence);
    const accounts = pgAccountStore(pool, cache);
    const products = pgProductStore(pool);
    const uin = await rootUin(store);
    if (opts.create) await ensureRootAccount(accounts, uin, opts.nowSeconds);
    let audit: PgAuditLog;
    try {
      audit = await PgAuditLog.open(pool, root, { create: opts.create });
    } catch (e) {
      if (e instanceof RootKeyError) throw new StartupError(`the root key (${root.source}) does not open this store's audit log`);
      throw e;
    }
    const tokenLeases: TokenLeaseSource = async (bucket, want, rate, capacity, nowMs) =>
      (await pool.query<{ g: number }>("SELECT openkms_take_tokens($1, $2, $3, $4, $5) AS g", [bucket, want, rate, capacity, nowMs])).rows[0]!.g;
    let closed = false;
    const theRoot = root;
    const theFeed = feed;
    return {
      pool, root, fence, rootKeyCreated: loaded.created, store, accounts, products, audit, rootUin: uin, tokenLeases, location: redactUrl(opts.url),
      startupDone: releaseLock,
      async close() {
        if (closed) return;
        closed = true;
        fence?.close();
        await releaseLock();
        await theFeed?.close();
        await audit.close();
        await products.close();
        await accounts.close();
        await store.close();
        await pool.end();
        theRoot.close();
      },
    };
  } catch (e) {
    fence?.close();
    await releaseLock();
    await feed?.close();
    await pool.end().catch(() => {});
    root?.close();
    throw e;
  }
}
