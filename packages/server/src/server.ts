/**
 * `createKmsServer`: the KMS as a library. Opens (or initialises) a data dir — root key, SQLite store, root account and
 * credential, `credentials.json` — runs the scheduler (scheduler.ts: key deletion, rotation, material and import
 * parameter expiry; once at start, then on a timer) and serves the API over HTTP(S).
 *
 * Data dir layout: `root.key` (0600, unless OPENKMS_ROOT_KEY is given), `openkms.db` (+ WAL files: keys, accounts,
 * credentials, policies), `audit.db` (+ WAL files: the audit log), `credentials.json` (0600:
 * `{"SecretId","SecretKey","Region","Endpoint"}` of the root credential, plus `"Protocol":"https://"` when serving HTTPS
 * and `"CaFile"` with --tls auto). See data-dir.ts.
 */
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { policiesOf, resolvePrincipal } from "./accounts/principal.js";
import { actions as defaultActions } from "./actions/index.js";
import type { ServerLimits } from "./actions/define.js";
import type { AuditSink } from "./audit/log.js";
import type { AuditReader } from "./audit/query.js";
import { systemClock, unixSeconds, type Clock } from "./clock.js";
import { credentialProblem, lookupCredential, newCredential, putCredential, type Credential } from "./credentials.js";
import { StartupError, warnIfExposed } from "./data-dir.js";
import { openNodeStores } from "./node-stores.js";
import { ClusterRateLimiter } from "./limits/cluster-rate-limits.js";
import { editionProfiles, EDITIONS, type Edition } from "./edition.js";
import { buildHttpApp, type HttpLimits } from "./http-app.js";
import { parseCorsOrigins, type CorsCounters } from "./http-cors.js";
import type { StaticSite } from "./http-static.js";
import type { KeyEvent, KeyEventListener } from "./key-events.js";
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitConfig } from "./limits/rate-limits.js";
import { MaterialCache } from "./keys/material-cache.js";
import { SigningKeyCache } from "./accounts/signing-keys.js";
import { AuthFailureLimiter, DEFAULT_AUTH_FAILURE_LIMITS, type AuthFailureLimits } from "./limits/auth-failures.js";
import { createScheduler, type Scheduler } from "./scheduler.js";
import { hostedDataKeys, type HostedDataKeys } from "./data-keys/hosted-data-keys.js";
import type { AccountStore } from "./store/accounts.js";
import type { ProductKeySource } from "./gateway/key-source.js";
import { hostedProductKeys } from "./gateway/hosted-key-source.js";
import { GatewayLimiter, type GatewayRateLimits } from "./gateway/limits.js";
import { ProductGateway } from "./gateway/product-gateway.js";
import type { ProductStore } from "./gateway/product-store.js";
import { rotateDueProductKeys } from "./gateway/rotation.js";
import { registerProductGateway } from "./gateway/routes.js";
import type { KeyStore } from "./store/types.js";

export { StartupError } from "./data-dir.js";

export interface KmsServerOptions {
  /** Data directory; created when missing. */
  dataDir: string;
  /** `sm` (default) or `fips`; fixed for a data dir at its first start. */
  edition?: Edition;
  /** Region served (default `ap-guangzhou`). */
  region?: string;
  /** Listen address (default 127.0.0.1) and port (default 8080; 0 = any free port). */
  host?: string;
  port?: number;
  /** Base64 of a 32-byte root key (OPENKMS_ROOT_KEY); otherwise `<dataDir>/root.key`. */
  rootKey?: string | undefined;
  /**
   * `postgres://…` (OPENKMS_STORE): keys, accounts, audit log and rate-limit buckets in a PostgreSQL database shared by
   * any number of nodes with the same root key (store/postgres/); the data dir then holds only the root key file and
   * credentials.json. Default: the embedded SQLite store in the data dir.
   */
  store?: string | undefined;
  /**
   * The root key in a PKCS#11 token (`pkcs11:token=<label>;object=<label>?module-path=<lib>&pin-source=<file>`, RFC
   * 7512; generated non-extractable in the token on first start) or a key file elsewhere (`file:<path>`). Takes
   * precedence over `rootKey`. `--root-key` / OPENKMS_ROOT_KEY_URI.
   */
  rootKeyUri?: string | undefined;
  /** Pin the root credential (OPENKMS_ROOT_SECRET_ID / OPENKMS_ROOT_SECRET_KEY). */
  rootCredential?: Credential | undefined;
  logger?: Logger;
  clock?: Clock;
  limits?: Partial<ServerLimits>;
  https?: { key: string | Buffer; cert: string | Buffer };
  /** With `https`: the certificate file clients should trust, written to credentials.json as `CaFile` (--tls auto). */
  tlsCaFile?: string | undefined;
  /**
   * Refuse (`AuthFailure.InvalidAuthorization`) requests whose signature does not cover `X-TC-Action`, and
   * `UNSIGNED-PAYLOAD` for actions that change state (default false: the official SDKs sign only content-type;host).
   */
  requireSignedAction?: boolean;
  /** Slow and numerous clients: header and request timeouts, open connections at most (http-app.ts defaults). */
  http?: HttpLimits;
  /** Receives the scheduler's key events (deletions, rotations, expiries): the audit hook. See key-events.ts. */
  onKeyEvent?: KeyEventListener;
  /** Seconds between scheduler runs (default 60); 0 = only at start and when `scheduler.runDue()` is called. */
  schedulerIntervalSeconds?: number;
  /**
   * Throttling of source addresses that keep failing authentication (limits/auth-failures.ts); default 100 failures
   * at once, 10/s regained, one summary audit record per address and 10 s; `false`: none.
   */
  authFailureLimits?: Partial<AuthFailureLimits> | false;
  /** Rate limits (limits/rate-limits.ts); default: Tencent's per-API defaults, enabled. */
  rateLimits?: RateLimitConfig;
  /**
   * Where audit records go instead of the data dir's `audit.db` — for benchmark baselines and embedders with their
   * own audit trail only; `openkms serve` never sets it.
   */
  auditSink?: AuditSink;
  /** Reads the records of `auditSink` for OpenKMS.ListAuditRecords (default: the data dir's audit.db when no sink is given). */
  auditReader?: AuditReader;
  /**
   * The product gateway (gateway/product-gateway.ts): HashiCorp Vault KV v2 reads of hosted data keys under `/v1/`,
   * for products such as MariaDB's key plugin. Off unless `enabled`; its own rate limits (gateway/limits.ts).
   */
  productGateway?: { enabled: boolean; rateLimits?: GatewayRateLimits };
  /** Where product keys come from (default: hosted data keys, gateway/hosted-key-source.ts); tests substitute one. */
  productKeys?: ProductKeySource;
  /**
   * Origins whose web pages may call the API (CORS, http-cors.ts), e.g. `["https://app.example.com"]`; default none
   * (no CORS header is ever sent). Each is `http(s)://host[:port]`.
   */
  corsOrigins?: readonly string[];
  /**
   * A static web app served from memory under its prefix — `openkms serve` passes the web console's files for
   * `/console/` (http-static.ts); default none.
   */
  staticSite?: StaticSite;
}

export interface KmsServer {
  readonly app: FastifyInstance;
  readonly store: KeyStore;
  readonly accounts: AccountStore;
  /** The product gateway's mounts, tokens and key names. */
  readonly products: ProductStore;
  readonly edition: Edition;
  readonly region: string;
  /** The root account's uin. */
  readonly uin: string;
  /** The root credential (as written to credentials.json). */
  readonly credential: Credential;
  /** Time-driven key changes; `runDue()` does what is due now (tests call it after moving the clock). */
  readonly scheduler: Scheduler;
  /** The internal hosted-data-key API (data-keys/hosted-data-keys.ts): the product gateway's way to data keys. */
  readonly dataKeys: HostedDataKeys;
  readonly credentialsPath: string;
  /**
   * The audit log's file, `<dataDir>/audit.db`, on the embedded store; undefined when there is no such file: on a
   * PostgreSQL node (the log is in the store, `storeLocation`) or with a caller's `auditSink`.
   */
  readonly auditPath: string | undefined;
  /** Where keys and the audit log are kept: the data dir, or the PostgreSQL URL without its password. */
  readonly storeLocation: string;
  /** The CORS origins served (normalised; empty when CORS is off). */
  readonly corsOrigins: readonly string[];
  /** CORS preflights answered since start: from listed origins (`allowed`) and from others (`refused`); never audited. */
  corsPreflights(): CorsCounters;
  /** Start listening; resolves with the bound address and writes credentials.json with the endpoint. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  /**
   * Stop: for `drainMs` (default 0) keep answering, with `Connection: close`, so clients move off their kept-alive
   * connections; then stop taking connections and finish the requests in flight — connections still open after
   * `timeoutMs` (default 10000) are cut; then stop the scheduler, close the stores, zero the root key.
   */
  close(options?: { drainMs?: number; timeoutMs?: number }): Promise<void>;
}

async function checkEdition(store: KeyStore, wanted: Edition | undefined): Promise<Edition> {
  const stored = (await store.getMeta("edition")) as Edition | undefined;
  if (stored && wanted && stored !== wanted) {
    throw new StartupError(`this data dir was created in edition ${stored}; it cannot be served as ${wanted}`);
  }
  const edition = stored ?? wanted ?? "sm";
  if (!EDITIONS.includes(edition)) throw new StartupError(`unknown edition ${edition}`);
  if (!stored) await store.setMeta("edition", edition);
  return edition;
}

/**
 * Open a data dir and build the server (not yet listening).
 * @throws StartupError for a root key that does not match, an edition mismatch, or an invalid pinned credential
 */
export async function createKmsServer(opts: KmsServerOptions): Promise<KmsServer> {
  const logger = opts.logger ?? pino({ level: "silent" });
  const clock = opts.clock ?? systemClock;
  const region = opts.region ?? "ap-guangzhou";
  const limits: ServerLimits = { maxKeysPerAccount: 10000, maxDataKeysPerAccount: 10000, ...opts.limits };
  let corsOrigins: string[];
  try {
    corsOrigins = parseCorsOrigins(opts.corsOrigins ?? []);
  } catch (e) {
    throw new StartupError((e as Error).message);
  }
  const corsCounters: CorsCounters = { allowed: 0, refused: 0 };
  // Everything that can be checked before the data dir is touched is checked first.
  if (opts.rootCredential) {
    const problem = credentialProblem(opts.rootCredential);
    if (problem) throw new StartupError(`pinned root credential: ${problem}`);
  }
  const keyFile = join(opts.dataDir, "root.key");
  if (existsSync(opts.dataDir)) warnIfExposed(logger, opts.dataDir, opts.rootKey || opts.rootKeyUri ? undefined : keyFile);
  const dir = await openNodeStores({
    dataDir: opts.dataDir, rootKey: opts.rootKey, rootKeyUri: opts.rootKeyUri, store: opts.store, logger, create: true, nowSeconds: unixSeconds(clock),
    onCheckpointError: (e) => logger.error({ err: { name: (e as Error)?.name, message: (e as Error)?.message } }, "audit checkpoint write failed"),
  });
  if (dir.rootKeyCreated) logger.info({ root: dir.root.source }, opts.rootKeyUri?.startsWith("pkcs11:") ? "generated the root key in the PKCS#11 token" : "created root key file");
  if (dir.auditProblem) {
    // Serving on (refusing would turn a deleted file into an outage); the checkpoint is not advanced, so `openkms audit
    // verify` keeps failing until the log is restored.
    logger.error(
      { problem: dir.auditProblem, auditLog: join(opts.dataDir, "audit.db") },
      `audit log does not match its checkpoint in openkms.db: ${dir.auditProblem}; serving on, with records going to the current audit.db; the checkpoint is kept as evidence (not advanced) and openkms audit verify reports the problem until audit.db is restored`,
    );
  }
  const { store, accounts, products, root } = dir;
  try {
    const edition = await checkEdition(store, opts.edition);
    const profile = editionProfiles[edition];
    const uin = dir.rootUin;

    let credential: Credential;
    const storedId = await store.getMeta("root-secret-id");
    // A root credential disabled with `openkms admin` stays disabled; only a deleted one is replaced.
    const stored = storedId ? await lookupCredential(accounts, root, storedId, true) : undefined;
    if (opts.rootCredential) {
      credential = opts.rootCredential;
      const existing = await accounts.getCredential(credential.secretId);
      if (existing && existing.uin !== uin) {
        // Never move another principal's access key to root (it would lock that principal out and hand its id to root).
        throw new StartupError(`pinned root credential: SecretId ${credential.secretId} belongs to another principal (uin ${existing.uin})`);
      }
      await putCredential(accounts, root, uin, credential, unixSeconds(clock));
      if (storedId && storedId !== credential.secretId) {
        // Pinning a new root credential retires the previous one (rotation after a leak must revoke it).
        if ((await accounts.getCredential(storedId))?.status === "Enabled") {
          await accounts.setCredentialStatus(storedId, "Disabled");
          logger.warn({ secretId: storedId, replacedBy: credential.secretId }, "disabled the previous root credential");
        }
      }
      await store.setMeta("root-secret-id", credential.secretId);
    } else if (storedId && stored) {
      credential = { secretId: storedId, secretKey: stored.secretKey };
      if ((await accounts.getCredential(storedId))?.status !== "Enabled") logger.warn({ secretId: storedId }, "the root credential is disabled");
    } else {
      credential = newCredential();
      await putCredential(accounts, root, uin, credential, unixSeconds(clock));
      await store.setMeta("root-secret-id", credential.secretId);
      logger.info({ secretId: credential.secretId }, "created root credential");
    }
    await dir.startupDone();
    if (dir.kind === "postgres") logger.info({ store: dir.location }, "serving from the shared PostgreSQL store");

    const audit = opts.auditSink ?? dir.audit;
    const auditRecords = opts.auditReader ?? (opts.auditSink ? undefined : dir.auditReader);
    const limitConfig = opts.rateLimits ?? DEFAULT_RATE_LIMITS;
    const limiter = dir.tokenLeases ? new ClusterRateLimiter(limitConfig, clock, dir.tokenLeases) : new RateLimiter(limitConfig, clock);
    // In-memory caches of unwrapped keys (30 s, zeroed on expiry) — not with a hardware root, whose promise is that a
    // request needing a key needs the token.
    const materials = root.hardware ? undefined : new MaterialCache();
    const signingKeys = root.hardware ? undefined : new SigningKeyCache();
    const authFailures = opts.authFailureLimits === false ? undefined : new AuthFailureLimiter(
      { ...DEFAULT_AUTH_FAILURE_LIMITS, ...opts.authFailureLimits }, clock, (e) => audit.append(e),
      (e) => logger.error({ err: { name: (e as Error)?.name, message: (e as Error)?.message } }, "audit summary write failed"),
    );
    const app = buildHttpApp(
      {
        actions: defaultActions, clock, region, logger, limiter, audit, requireSignedAction: opts.requireSignedAction ?? false, authFailures,
        principal: (id) => resolvePrincipal(accounts, root, id, signingKeys),
        policies: (callerUin) => policiesOf(accounts, callerUin),
        context: (ownerUin, requestId) => ({
          store, root, profile, region, clock, limits, logger, uin: ownerUin, requestId, materials,
          settleDue: async () => void (await scheduler.runDue()),
          auditRecords,
        }),
      },
      { ...opts.http, https: opts.https, draining: () => draining, corsOrigins, corsCounters, staticSite: opts.staticSite, health: dir.health },
    );
    // Scheduler key events are audited too (action `scheduler.<type>`), then handed to the caller's listener.
    const onKeyEvent = async (event: KeyEvent) => {
      await audit.append({
        time: event.at * 1000, requestId: randomUUID(), action: `scheduler.${event.type}`, secretId: "",
        uin: "uin" in event ? event.uin : "", ownerUin: "uin" in event ? event.uin : "", sourceAddress: "local",
        keyIds: [event.keyId], code: "Success", latencyMs: 0,
      });
      await opts.onKeyEvent?.(event);
    };
    const dataKeys = hostedDataKeys({ store, root, profile, clock, limits });
    const productKeys = opts.productKeys ?? hostedProductKeys({ dataKeys, store, clock });
    let gatewayLimiter: GatewayLimiter | undefined;
    if (opts.productGateway?.enabled) {
      const limiter = (gatewayLimiter = new GatewayLimiter(opts.productGateway.rateLimits ?? { enabled: true }, clock, (e) => audit.append(e),
        (e) => logger.error({ err: { name: (e as Error)?.name, message: (e as Error)?.message } }, "gateway audit summary write failed")));
      registerProductGateway(app, new ProductGateway({ products, keys: productKeys, audit, clock, logger, limiter }));
    }
    const scheduler = createScheduler({
      store, root, profile, clock, logger, onKeyEvent, intervalSeconds: opts.schedulerIntervalSeconds,
      tasks: [{ name: "product key rotation", run: (now) => rotateDueProductKeys({ products, keys: productKeys, audit, logger }, now) }],
    });
    await scheduler.runDue(); // dates that passed while the server was down
    scheduler.start();
    const credentialsPath = join(opts.dataDir, "credentials.json");
    let closed = false;
    let draining = false;
    return {
      app, store, accounts, products, edition, region, uin, credential, credentialsPath, scheduler, dataKeys, 
      auditPath: dir.kind === "sqlite" && !opts.auditSink ? join(opts.dataDir, "audit.db") : undefined, storeLocation: dir.location,
      corsOrigins,
      corsPreflights: () => ({ ...corsCounters }),
      async listen() {
        const host = opts.host ?? "127.0.0.1";
        await app.listen({ host, port: opts.port ?? 8080 });
        const addr = app.server.address();
        const port = typeof addr === "object" && addr ? addr.port : (opts.port ?? 8080);
        const hostForUrl = host.includes(":") ? `[${host}]` : host;
        const endpoint = `${hostForUrl}:${port}`;
        const existed = existsSync(credentialsPath);
        writeFileSync(
          credentialsPath,
          JSON.stringify({
            SecretId: credential.secretId, SecretKey: credential.secretKey, Region: region, Endpoint: endpoint,
            ...(opts.https ? { Protocol: "https://" } : {}),
            ...(opts.https && opts.tlsCaFile ? { CaFile: opts.tlsCaFile } : {}),
          }, null, 2) + "\n",
          { mode: 0o600 },
        );
        chmodSync(credentialsPath, 0o600);
        logger.info({ endpoint, credentials: credentialsPath, edition, region, rewritten: existed }, "credentials written");
        return { host, port, url: `${opts.https ? "https" : "http"}://${endpoint}` };
      },
      async close({ drainMs = 0, timeoutMs = 10_000 } = {}) {
        if (closed) return;
        closed = true;
        draining = true;
        if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
        const cut = setTimeout(() => {
          logger.warn({ timeoutMs }, "shutdown timeout: closing the connections still open");
          app.server.closeAllConnections();
        }, timeoutMs);
        cut.unref();
        await app.close();
        clearTimeout(cut);
        if (corsOrigins.length) logger.info({ corsPreflights: { ...corsCounters } }, "cors preflights answered");
        await scheduler.stop();
        await authFailures?.close();
        await gatewayLimiter?.close();
        materials?.close();
        signingKeys?.close();
        if (opts.auditSink) await opts.auditSink.close();
        await dir.close();
      },
    };
  } catch (e) {
    await dir.close();
    throw e;
  }
}
