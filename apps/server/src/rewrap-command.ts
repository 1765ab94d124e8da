/**
 * `openkms admin rewrap --to <new root> [--root-key <current root>] [--data-dir <dir>] [--store postgres://…]`: move
 * every value wrapped under the store's root key to another root (`file:<path>` ↔
 * `pkcs11:token=…;object=…?module-path=…&pin-source=…`); resumable (run it again after an interruption) and verified
 * (every value re-read under the new root). The current root is found as every command finds it: `--root-key`,
 * OPENKMS_ROOT_KEY or `<data-dir>/root.key`. Prints `{"Moved","AlreadyMoved","Verified","Root","Next"}`. Exit 2 for
 * operator errors (server running on the data dir, a root that does not open the store), 1 otherwise.
 *
 * Embedded store: the server must be stopped (a data dir in use is refused); afterwards start it with `--root-key
 * <new root>` (or, for a file, move it to `<data-dir>/root.key`).
 * PostgreSQL store (`--store` / OPENKMS_STORE): nodes may still run — from the moment the move starts they answer
 * every request with InternalError (root-of-trust/root-fence.ts) and a node (re)started before it ends is refused;
 * once it reports done, restart every node with the new root.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { loadRootKey, openPgPool, redactUrl, rewrapDataDir, RewrapError, rewrapPgStore, ROOT_CHECK_LABEL, StartupError, type RewrapReport, type RootOfTrust } from "@openkms/server";
import { ENV, rootKeyOption, storeOption } from "./config.js";
import { claimDataDir } from "./pid-file.js";
import { runTool, ToolError } from "./tool.js";

/** The move on a PostgreSQL store; the data dir (if any) only supplies the current root key file. */
async function rewrapPg(url: string, from: RootOfTrust, to: RootOfTrust): Promise<RewrapReport> {
  const pool = openPgPool(url, { max: 2, timeouts: { statementMs: 60_000, queryMs: 65_000 } });
  try {
    let present: string | null | undefined;
    try {
      present = (await pool.query<{ t: string | null }>("SELECT to_regclass('openkms_schema')::text AS t")).rows[0]?.t;
    } catch (e) {
      throw new StartupError(`cannot use the PostgreSQL store ${redactUrl(url)}: ${(e as Error).message}`);
    }
    if (!present) throw new ToolError(`${redactUrl(url)} holds no OpenKMS store`);
    return await rewrapPgStore(pool, from, to, ROOT_CHECK_LABEL);
  } finally {
    await pool.end();
  }
}

export function rewrapCommand(): Command {
  return new Command("rewrap")
    .description("move every root-wrapped key to another root key (file <-> PKCS#11); embedded store: the server must be stopped; PostgreSQL: nodes answer InternalError until restarted with the new root")
    .requiredOption("--to <uri>", "the new root: file:<path> (created when missing) or a pkcs11: URI (key generated in the token when missing)")
    .addOption(new Option("--data-dir <dir>", "data directory").env(ENV.dataDir).default("./.openkms"))
    .addOption(rootKeyOption())
    .addOption(storeOption())
    .action((opts: { to: string; dataDir: string; rootKey?: string; store?: string }) =>
      runTool(async () => {
        const dataDir = resolve(opts.dataDir);
        const keyFile = join(dataDir, "root.key");
        if (!opts.store) {
          if (!existsSync(join(dataDir, "openkms.db"))) throw new ToolError(`${dataDir} is not an OpenKMS data dir (no openkms.db)`);
          claimDataDir(dataDir); // refuses while a server runs on it
          if (opts.to === `file:${keyFile}` || resolve(opts.to.replace(/^file:/, "")) === keyFile) {
            throw new ToolError(`--to must name a new key, not the data dir's current ${keyFile}`);
          }
        } else if (!opts.rootKey && !process.env[ENV.rootKey] && !existsSync(keyFile)) {
          throw new ToolError(`no current root key: give --root-key, OPENKMS_ROOT_KEY, or --data-dir with the cluster's root.key`);
        }
        let from: RootOfTrust | undefined;
        let to: RootOfTrust | undefined;
        try {
          from = loadRootKey({ keyFile, envValue: process.env[ENV.rootKey], uri: opts.rootKey, create: false }).root;
          to = loadRootKey({ keyFile: "", uri: opts.to, create: true }).root;
          if (to.source === from.source) throw new ToolError(`--to names the current root (${from.source})`);
          const report = opts.store ? await rewrapPg(opts.store, from, to) : rewrapDataDir(dataDir, from, to, ROOT_CHECK_LABEL);
          process.stdout.write(JSON.stringify({
            Moved: report.moved, AlreadyMoved: report.alreadyMoved, Verified: report.verified, Root: to.source,
            Next: opts.store ? `restart every node with --root-key ${opts.to}` : `start the server with --root-key ${opts.to}`,
          }, null, 2) + "\n");
        } catch (e) {
          if (e instanceof RewrapError) throw new StartupError(`${e.message}; nothing more was changed — run the same command again once fixed`);
          throw e;
        } finally {
          from?.close();
          to?.close();
        }
      }),
    );
}
