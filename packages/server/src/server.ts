/**
 * `createKmsServer`: the KMS as a library. Opens (or initialises) a data dir — root key, SQLite store, root account and
 * credential, `credentials.json` — runs the scheduler (scheduler.ts: key deletion, rotation, material and import
 * parameter expiry; once at start, then on a timer) and serves the API over HTTP(S).
 *
 * Data dir layout: `root.key` (0600, unless OPENKMS_ROOT_KEY is given), `openkms.db` (+ WAL files),
 * `credentials.json` (0600: `{"SecretId","SecretKey","Region","Endpoint"}` of the root credential).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { randomBytes } from "@openkms/crypto/random";
import { actions as defaultActions } from "./actions/index.js";
import type { ServerLimits } from "./actions/define.js";
import { systemClock, unixSeconds, type Clock } from "./clock.js";
import { credentialProblem, lookupCredential, newCredential, putCredential, rootUin, type Credential } from "./credentials.js";
import { createPrivateFile, warnIfExposed } from "./data-dir.js";
import { editionProfiles, EDITIONS, type Edition } from "./edition.js";
import { buildHttpApp } from "./http-app.js";
import type { KeyEventListener } from "./key-events.js";
import { loadRootKey, RootKeyError, type RootOfTrust } from "./root-key.js";
import { createScheduler, type Scheduler } from "./scheduler.js";
import { openSqliteStore } from "./store/sqlite.js";
import type { KeyStore } from "./store/types.js";

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
  /** Pin the root credential (OPENKMS_ROOT_SECRET_ID / OPENKMS_ROOT_SECRET_KEY). */
  rootCredential?: Credential | undefined;
  logger?: Logger;
  clock?: Clock;
  limits?: Partial<ServerLimits>;
  https?: { key: string | Buffer; cert: string | Buffer };
  /** Receives the scheduler's key events (deletions, rotations, expiries): the audit hook. See key-events.ts. */
  onKeyEvent?: KeyEventListener;
  /** Seconds between scheduler runs (default 60); 0 = only at start and when `scheduler.runDue()` is called. */
  schedulerIntervalSeconds?: number;
}

export interface KmsServer {
  readonly app: FastifyInstance;
  readonly store: KeyStore;
  readonly edition: Edition;
  readonly region: string;
  /** The root account's uin. */
  readonly uin: string;
  /** The root credential (as written to credentials.json). */
  readonly credential: Credential;
  /** Time-driven key changes; `runDue()` does what is due now (tests call it after moving the clock). */
  readonly scheduler: Scheduler;
  readonly credentialsPath: string;
  /** Start listening; resolves with the bound address and writes credentials.json with the endpoint. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  /** Stop taking requests, finish those in flight, close the store, zero the root key. */
  close(): Promise<void>;
}

/** A startup problem the operator must fix (wrong root key, edition mismatch, bad credential). */
export class StartupError extends Error {
  override name = "StartupError";
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
  const limits: ServerLimits = { maxKeysPerAccount: 10000, ...opts.limits };
  // Everything that can be checked before the data dir is touched is checked first.
  if (opts.rootCredential) {
    const problem = credentialProblem(opts.rootCredential);
    if (problem) throw new StartupError(`pinned root credential: ${problem}`);
  }
  const keyFile = join(opts.dataDir, "root.key");
  const dbFile = join(opts.dataDir, "openkms.db");
  if (!opts.rootKey && !existsSync(keyFile) && existsSync(dbFile)) {
    throw new StartupError(`the root key file ${keyFile} is missing: this data dir's keys cannot be opened without it (restore it, or give OPENKMS_ROOT_KEY)`);
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  warnIfExposed(logger, opts.dataDir, opts.rootKey ? undefined : keyFile);
  const { root, created } = loadRootKey({ keyFile, envValue: opts.rootKey });
  if (created) logger.info({ path: keyFile }, "created root key file");
  createPrivateFile(dbFile); // SQLite gives the -wal and -shm files the database file's mode
  const store = openSqliteStore(dbFile);
  try {
    await checkRootKey(store, root);
    const edition = await checkEdition(store, opts.edition);
    const profile = editionProfiles[edition];
    const uin = await rootUin(store);

    let credential: Credential;
    const storedId = await store.getMeta("root-secret-id");
    if (opts.rootCredential) {
      credential = opts.rootCredential;
      await putCredential(store, root, uin, credential, unixSeconds(clock));
      if (storedId && storedId !== credential.secretId) {
        // Pinning a new root credential retires the previous one (rotation after a leak must revoke it).
        const previous = await store.getCredential(storedId);
        if (previous && previous.status === "Enabled") {
          await store.putCredential({ ...previous, status: "Disabled" });
          logger.warn({ secretId: storedId, replacedBy: credential.secretId }, "disabled the previous root credential");
        }
      }
      await store.setMeta("root-secret-id", credential.secretId);
    } else if (storedId && (await lookupCredential(store, root, storedId))) {
      credential = { secretId: storedId, secretKey: (await lookupCredential(store, root, storedId))!.secretKey };
    } else {
      credential = newCredential();
      await putCredential(store, root, uin, credential, unixSeconds(clock));
      await store.setMeta("root-secret-id", credential.secretId);
      logger.info({ secretId: credential.secretId }, "created root credential");
    }

    const app = buildHttpApp(
      {
        actions: defaultActions, clock, region, logger,
        credential: (id) => lookupCredential(store, root, id),
        context: (callerUin, requestId) => ({ store, root, profile, region, clock, limits, logger, uin: callerUin, requestId }),
      },
      { https: opts.https },
    );
    const scheduler = createScheduler({
      store, root, profile, clock, logger, onKeyEvent: opts.onKeyEvent, intervalSeconds: opts.schedulerIntervalSeconds,
    });
    await scheduler.runDue(); // dates that passed while the server was down
    scheduler.start();
    const credentialsPath = join(opts.dataDir, "credentials.json");
    let closed = false;
    return {
      app, store, edition, region, uin, credential, credentialsPath, scheduler,
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
          JSON.stringify({ SecretId: credential.secretId, SecretKey: credential.secretKey, Region: region, Endpoint: endpoint }, null, 2) + "\n",
          { mode: 0o600 },
        );
        chmodSync(credentialsPath, 0o600);
        logger.info({ endpoint, credentials: credentialsPath, edition, region, rewritten: existed }, "credentials written");
        return { host, port, url: `${opts.https ? "https" : "http"}://${endpoint}` };
      },
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await scheduler.stop();
        await store.close();
        root.close();
      },
    };
  } catch (e) {
    await store.close();
    root.close();
    throw e;
  }
}
