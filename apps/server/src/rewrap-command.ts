/**
 * `openkms admin rewrap --to <new root> [--root-key <current root>] [--data-dir <dir>]`: move every value wrapped
 * under the data dir's root key to another root (`file:<path>` ↔ `pkcs11:token=…;object=…?module-path=…&pin-source=…`),
 * with the server stopped; resumable (run it again after an interruption) and verified (every value re-read under the
 * new root). Afterwards start the server with `--root-key <new root>` (or, for a file, move it to
 * `<data-dir>/root.key`). The current root is found as every command finds it: `--root-key`, OPENKMS_ROOT_KEY or
 * `<data-dir>/root.key`. Prints `{"Moved","AlreadyMoved","Verified","Root"}`. Exit 2 for operator errors (server
 * running, a root that does not open the data dir), 1 otherwise.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { loadRootKey, rewrapDataDir, RewrapError, ROOT_CHECK_LABEL, StartupError, type RootOfTrust } from "@openkms/server";
import { ENV, rootKeyOption } from "./config.js";
import { claimDataDir } from "./pid-file.js";
import { runTool, ToolError } from "./tool.js";

export function rewrapCommand(): Command {
  return new Command("rewrap")
    .description("move every root-wrapped key to another root key (file <-> PKCS#11); the server must be stopped")
    .requiredOption("--to <uri>", "the new root: file:<path> (created when missing) or a pkcs11: URI (key generated in the token when missing)")
    .addOption(new Option("--data-dir <dir>", "data directory").env(ENV.dataDir).default("./.openkms"))
    .addOption(rootKeyOption())
    .action((opts: { to: string; dataDir: string; rootKey?: string }) =>
      runTool(() => {
        const dataDir = resolve(opts.dataDir);
        if (!existsSync(join(dataDir, "openkms.db"))) throw new ToolError(`${dataDir} is not an OpenKMS data dir (no openkms.db)`);
        claimDataDir(dataDir); // refuses while a server runs on it
        const keyFile = join(dataDir, "root.key");
        if (opts.to === `file:${keyFile}` || resolve(opts.to.replace(/^file:/, "")) === keyFile) {
          throw new ToolError(`--to must name a new key, not the data dir's current ${keyFile}`);
        }
        let from: RootOfTrust | undefined;
        let to: RootOfTrust | undefined;
        try {
          from = loadRootKey({ keyFile, envValue: process.env[ENV.rootKey], uri: opts.rootKey, create: false }).root;
          to = loadRootKey({ keyFile: "", uri: opts.to, create: true }).root;
          if (to.source === from.source) throw new ToolError(`--to names the current root (${from.source})`);
          const report = rewrapDataDir(dataDir, from, to, ROOT_CHECK_LABEL);
          process.stdout.write(JSON.stringify({ Moved: report.moved, AlreadyMoved: report.alreadyMoved, Verified: report.verified, Root: to.source }, null, 2) + "\n");
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
