/**
 * What a node (the server, `openkms admin`) opens: the embedded store in the data dir (data-dir.ts), or a shared
 * PostgreSQL store (`store: "postgres://…"`, store/postgres/open.ts) with only the root key file and
 * `credentials.json` in the data dir. Either way: a root of trust, a key store, an account store, an audit sink and
 * the root account's uin.
 */
import type { Logger } from "pino";
import type { AuditSink } from "./audit/log.js";
import { pgAuditReader } from "./audit/pg-verify.js";
import { sqliteAuditReader, type AuditReader } from "./audit/query.js";
import { openDataDir, StartupError, type DataDirOptions } from "./data-dir.js";
import type { TokenLeaseSource } from "./limits/cluster-rate-limits.js";
import type { RootOfTrust } from "./root-key.js";
import { fencedAudit } from "./root-of-trust/root-fence.js";
import type { AccountStore } from "./store/accounts.js";
import type { ProductStore } from "./gateway/product-store.js";
import { isPostgresUrl, redactUrl } from "./store/postgres/pool.js";
import { openPgNode } from "./store/postgres/open.js";
import { pgHealth } from "./store/postgres/health.js";
import type { KeyStore } from "./store/types.js";

export interface NodeStoreOptions extends DataDirOptions {
  /** `postgres://…` for a shared store; undefined (or empty) for the embedded SQLite store in the data dir. */
  store?: string | undefined;
  logger?: Logger | undefined;
}

export interface NodeStores {
  readonly kind: "sqlite" | "postgres";
  /** The data dir, or the PostgreSQL URL without its password. */
  readonly location: string;
  readonly root: RootOfTrust;
  readonly rootKeyCreated: boolean;
  readonly store: KeyStore;
  readonly accounts: AccountStore;
  /** The product gateway's mounts, tokens and key names. */
  readonly products: ProductStore;
  readonly audit: AuditSink;
  readonly rootUin: string;
  /** See DataDir.auditProblem (embedded store only). */
  readonly auditProblem: string | undefined;
  /** Reads the audit log for OpenKMS.ListAuditRecords. */
  readonly auditReader: AuditReader;
  /** Shared rate-limit buckets (PostgreSQL): the cluster's limits; undefined = per-process buckets. */
  readonly tokenLeases: TokenLeaseSource | undefined;
  /** The node has settled its root credential: other nodes may initialise now. */
  startupDone(): Promise<void>;
  /**
   * Why the node cannot serve requests now (for `GET /healthz`), or undefined: PostgreSQL — the root key moved under
   * it, or the database not answering (store/postgres/health.ts); embedded store — always undefined.
   */
  health(): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * Open the stores a node works on.
 * @throws StartupError as openDataDir / openPgNode, or for a `store` that is neither empty nor a postgres:// URL
 */
export async function openNodeStores(opts: NodeStoreOptions): Promise<NodeStores> {
  if (opts.store) {
    if (!isPostgresUrl(opts.store)) throw new StartupError(`--store: expected a postgres:// URL, got ${redactUrl(opts.store)}`);
    const n = await openPgNode({
      url: opts.store, dataDir: opts.dataDir, rootKey: opts.rootKey, rootKeyUri: opts.rootKeyUri, create: opts.create, nowSeconds: opts.nowSeconds, logger: opts.logger,
    });
    return {
      kind: "postgres", location: n.location, root: n.root, rootKeyCreated: n.rootKeyCreated, store: n.store, accounts: n.accounts, products: n.products,
      audit: n.fence ? fencedAudit(n.audit, n.fence) : n.audit, auditReader: pgAuditReader(n.audit), rootUin: n.rootUin, auditProblem: undefined, tokenLeases: n.tokenLeases, startupDone: n.startupDone, close: n.close,
      health: pgHealth(n.pool, n.fence),
    };
  }
  const d = await openDataDir(opts);
  return {
    kind: "sqlite", location: d.path, root: d.root, rootKeyCreated: d.rootKeyCreated, store: d.store, accounts: d.accounts, products: d.products,
    audit: d.audit, auditReader: sqliteAuditReader(d.audit), rootUin: d.rootUin, auditProblem: d.auditProblem, tokenLeases: undefined, startupDone: async () => {}, close: d.close,
    health: async () => undefined,
  };
}
