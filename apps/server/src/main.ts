/**
 * The `openkms` command. `openkms serve` runs the KMS server on its embedded store:
 *   --host (127.0.0.1), --port (8080; 0 = any free port), --data-dir (./.openkms), --edition sm|fips (sm),
 *   --region (ap-guangzhou), --tls auto (self-signed certificate in the data dir) or --tls-cert/--tls-key (PEM files:
 *   serve HTTPS), --root-key (pkcs11:… or file:…), --log-level (info),
 *   --rate-limits on|off (on), --rate-limit group=rate[,…] (Tencent's defaults), --cors-origin origin[,…] (none),
 *   --console on|off (on: the web console at /console/),
 *   --product-gateway on|off (off), --product-gateway-rate n (50 per product token);
 *   --store postgres://… (the shared store of several nodes; default: the embedded store in the data dir);
 * each also from OPENKMS_HOST, OPENKMS_PORT, … Prints `openkms listening on http://HOST:PORT` to stdout once
 * listening and writes its pid to `<data-dir>/openkms.pid` (removed on exit); logs JSON (pino) to stderr, never a
 * secret. SIGTERM/SIGINT: stop taking requests, finish those in flight, close the store, exit 0. A refused start (a bad
 * flag, a data dir in use or of another edition, a wrong root key): one line `openkms: …` on stderr, exit 2.
 *
 * `openkms admin …` manages accounts, access keys and policies (admin-commands.ts); `openkms audit verify|query`
 * checks and reads the audit log (audit-commands.ts). Both work on the data dir (or `--store`) while the server runs.
 * `openkms kms <Action>` calls any API action through `@openkms/client` (kms-command.ts); `openkms encrypt|decrypt`
 * stream files through `@openkms/envelope` (encrypt-command.ts, decrypt-command.ts).
 * `openkms migrate --to postgres://…` copies an embedded store into PostgreSQL (migrate-command.ts).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import pino from "pino";
import { createKmsServer, StartupError } from "@openkms/server";
import { consoleAssets } from "@openkms/console/assets";
import { adminCommand } from "./admin-commands.js";
import { auditCommand } from "./audit-commands.js";
import { backupCommand, restoreCommand } from "./backup-commands.js";
import { decryptCommand } from "./decrypt-command.js";
import { encryptCommand } from "./encrypt-command.js";
import { kmsCommand } from "./kms-command.js";
import { claimDataDir } from "./pid-file.js";
import { migrateCommand } from "./migrate-command.js";
import { oneLineCommanderErrors, toolErrors } from "./tool.js";
import { autoTls } from "./tls-auto.js";
import { ENV, rootKeyOption, storeOption, parseConnections, parseCorsOrigin, parseEdition, parseOnOff, parsePort, parseRate, parseRateLimit, parseRegion, parseSeconds, type ServeConfig } from "./config.js";

/** Read and check the TLS pair before anything is written: a missing file or a key that does not match the certificate. */
function loadTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  let pair: { cert: Buffer; key: Buffer };
  try {
    pair = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (e) {
    throw new StartupError(`cannot read the TLS files: ${(e as Error).message}`);
  }
  try {
    createSecureContext(pair);
  } catch (e) {
    throw new StartupError(`--tls-cert and --tls-key do not form a usable pair: ${(e as Error).message}`);
  }
  return pair;
}

/** On SIGTERM, how long responses keep saying `Connection: close` before the listener closes (clients move off). */
const SHUTDOWN_DRAIN_MS = 1000;

async function serve(cfg: ServeConfig): Promise<void> {
  const logger = pino({ level: cfg.logLevel, base: { service: "openkms" } }, pino.destination({ dest: 2, sync: false }));
  const rootSecretId = process.env[ENV.rootSecretId];
  const rootSecretKey = process.env[ENV.rootSecretKey];
  if (Boolean(rootSecretId) !== Boolean(rootSecretKey)) {
    throw new StartupError(`${ENV.rootSecretId} and ${ENV.rootSecretKey} must be set together`);
  }
  if (Boolean(cfg.tlsCert) !== Boolean(cfg.tlsKey)) throw new StartupError("--tls-cert and --tls-key must be given together");
  if (cfg.tls === "auto" && cfg.tlsCert) throw new StartupError("--tls auto makes its own certificate: leave out --tls-cert/--tls-key, or --tls auto");
  const pidFile = claimDataDir(resolve(cfg.dataDir));
  let tls = cfg.tlsCert && cfg.tlsKey ? loadTls(cfg.tlsCert, cfg.tlsKey) : undefined;
  let caFile: string | undefined;
  if (cfg.tls === "auto") {
    mkdirSync(resolve(cfg.dataDir), { recursive: true, mode: 0o700 });
    const auto = await autoTls(resolve(cfg.dataDir), cfg.host);
    tls = { cert: auto.cert, key: auto.key };
    caFile = auto.certFile;
    logger.info({ certificate: auto.certFile, fingerprint: auto.fingerprint, created: auto.created }, "TLS certificate");
    process.stdout.write(`openkms TLS certificate ${auto.certFile} SHA-256 fingerprint ${auto.fingerprint}\n`);
  }
  const server = await createKmsServer({
    dataDir: resolve(cfg.dataDir),
    edition: cfg.edition,
    region: cfg.region,
    host: cfg.host,
    port: cfg.port,
    rootKey: process.env[ENV.rootKey],
    rootKeyUri: cfg.rootKey,
    rootCredential: rootSecretId && rootSecretKey ? { secretId: rootSecretId, secretKey: rootSecretKey } : undefined,
    logger,
    rateLimits: { enabled: cfg.rateLimits === "on", rates: cfg.rateLimit ?? {} },
    store: cfg.store,
    productGateway: { enabled: cfg.productGateway === "on", rateLimits: { enabled: cfg.rateLimits === "on", perToken: cfg.productGatewayRate } },
    requireSignedAction: cfg.requireSignedAction === true,
    http: { maxConnections: cfg.maxConnections },
    ...(tls ? { https: tls } : {}),
    tlsCaFile: caFile,
    corsOrigins: cfg.corsOrigin ?? [],
    ...(cfg.console === "on" ? { staticSite: { prefix: "/console", files: consoleAssets } } : {}),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    server.close({ drainMs: Math.min(SHUTDOWN_DRAIN_MS, cfg.shutdownTimeout * 1000), timeoutMs: cfg.shutdownTimeout * 1000 }).then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (err: Error) => {
        logger.error({ err: { message: err.message } }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("exit", () => pidFile.release());
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  const { url } = await server.listen();
  logger.info({ url, edition: server.edition, region: server.region, credentials: server.credentialsPath, secretId: server.credential.secretId, console: cfg.console === "on" ? `${url}/console/` : "off" }, "listening");
  pidFile.write();
  process.stdout.write(`openkms listening on ${url}\n`);
}

// Output piped into a reader that stops early (`openkms audit query | head -1`): end quietly, as Unix tools do.
// Any other error on stdout (a stream piped into it failed: a decryption that did not verify) is reported, in one
// line, by the command whose stream it was; here it only must not become an uncaught exception with a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  process.exitCode = 1;
});

declare const OPENKMS_VERSION: string; // set by build.mjs from package.json

const program = new Command("openkms")
  .description("OpenKMS: a self-hosted KMS wire-compatible with Tencent Cloud KMS")
  .version(typeof OPENKMS_VERSION === "string" ? OPENKMS_VERSION : "dev");

program
  .command("serve")
  .description("run the KMS server")
  .addOption(new Option("--host <host>", "address to listen on").env(ENV.host).default("127.0.0.1"))
  .addOption(new Option("--port <port>", "port to listen on (0 = any free port)").env(ENV.port).argParser(parsePort).default(8080))
  .addOption(new Option("--data-dir <dir>", "data directory (root key, key store, credentials.json)").env(ENV.dataDir).default("./.openkms"))
  .addOption(new Option("--edition <edition>", "sm (SM4-GCM CMKs) or fips (AES-256-GCM CMKs)").env(ENV.edition).argParser(parseEdition).default("sm"))
  .addOption(new Option("--region <region>", "region served").env(ENV.region).argParser(parseRegion).default("ap-guangzhou"))
  .addOption(new Option("--tls <mode>", "auto: HTTPS with a self-signed certificate kept in the data dir; off: HTTP (unless --tls-cert)").env(ENV.tls).choices(["auto", "off"]).default("off"))
  .addOption(new Option("--tls-cert <file>", "PEM certificate: serve HTTPS").env(ENV.tlsCert))
  .addOption(new Option("--tls-key <file>", "PEM private key for --tls-cert").env(ENV.tlsKey))
  .addOption(new Option("--log-level <level>", "pino log level").env(ENV.logLevel).choices(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"))
  .addOption(new Option("--rate-limits <on|off>", "per-account request rate limits (RequestLimitExceeded)").env(ENV.rateLimits).argParser(parseOnOff).default("on"))
  .addOption(new Option("--rate-limit <group=rate,...>", "requests/second per group: symmetric, an action name, or default").env(ENV.rateLimit).argParser(parseRateLimit))
  .addOption(storeOption())
  .addOption(new Option("--product-gateway <on|off>", "serve the product gateway: Vault KV v2 key reads under /v1/ for MariaDB and the like").env(ENV.productGateway).argParser(parseOnOff).default("off"))
  .addOption(new Option("--product-gateway-rate <n>", "product gateway requests/second per product token (default 50)").env(ENV.productGatewayRate).argParser(parseRate))
  .addOption(rootKeyOption())
  .addOption(new Option("--require-signed-action", "refuse signatures not covering X-TC-Action, and UNSIGNED-PAYLOAD for state changes").env(ENV.requireSignedAction))
  .addOption(new Option("--max-connections <n>", "open connections at most").env(ENV.maxConnections).argParser(parseConnections).default(1024))
  .addOption(new Option("--shutdown-timeout <seconds>", "on SIGTERM, cut connections still open after this long").env(ENV.shutdownTimeout).argParser(parseSeconds).default(10))
  .addOption(new Option("--cors-origin <origin,...>", "origins whose web pages may call the API (CORS), e.g. https://app.example.com").env(ENV.corsOrigin).argParser(parseCorsOrigin))
  .addOption(new Option("--console <on|off>", "serve the web console at /console/").env(ENV.console).argParser(parseOnOff).default("on"))
  .action(async (opts: ServeConfig) => {
    try {
      await serve(opts);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`openkms: ${msg}\n`);
      process.exit(e instanceof StartupError ? 2 : 1);
    }
  });

toolErrors(program.commands.find((c) => c.name() === "serve")!); // a mistake on the command line: `openkms: …`, exit 2
program.addCommand(toolErrors(adminCommand()));
program.addCommand(toolErrors(auditCommand()));
program.addCommand(toolErrors(migrateCommand()));
program.addCommand(toolErrors(backupCommand()));
program.addCommand(toolErrors(restoreCommand()));
program.addCommand(kmsCommand());
program.addCommand(encryptCommand());
program.addCommand(decryptCommand());

oneLineCommanderErrors(program); // `openkms frobnicate`: `openkms: unknown command 'frobnicate'`, exit 2
await program.parseAsync(process.argv);
