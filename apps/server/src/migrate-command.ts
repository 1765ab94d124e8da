/**
 * `openkms migrate --to postgres://… [--data-dir <dir>] [--json]`: copy the embedded store of a data dir (keys, key
 * versions, import parameters, accounts, credentials, policies, the audit chain) into an empty PostgreSQL database
 * and verify the copy (row counts, per-row digests, the audit chain verified in PostgreSQL). The server must be
 * stopped (a data dir in use is refused). Afterwards run the nodes with `--store` and the same root key; the data dir
 * stays as it was (keep it as the fallback until the cluster serves).
 *
 * Prints one line per table (`<table>: <rows> rows, sha256 <digest>`) and the audit head; exit 0 when copied and
 * verified, 2 when refused (not a data dir, wrong root key, target not empty, source log does not verify), 1 otherwise.
 */
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { copyEmbeddedToPostgres, CopyError } from "@openkms/server";
import { ENV, parseStore } from "./config.js";
import { claimDataDir } from "./pid-file.js";
import { runTool, ToolError } from "./tool.js";

export function migrateCommand(): Command {
  return new Command("migrate")
    .description("copy an embedded store (data dir) into an empty PostgreSQL store and verify the copy")
    .addOption(new Option("--to <url>", "the PostgreSQL store (postgres://…)").argParser(parseStore).makeOptionMandatory())
    .addOption(new Option("--data-dir <dir>", "data directory to copy").env(ENV.dataDir).default("./.openkms"))
    .option("--json", "print the report as JSON")
    .action((opts: { to: string; dataDir: string; json?: boolean }) =>
      runTool(async () => {
        const dataDir = resolve(opts.dataDir);
        claimDataDir(dataDir); // refuses a data dir a running server holds; writes nothing
        try {
          const report = await copyEmbeddedToPostgres({ dataDir, to: opts.to, rootKey: process.env[ENV.rootKey] });
          if (opts.json) process.stdout.write(JSON.stringify(report) + "\n");
          else {
            for (const t of report.tables) process.stdout.write(`${t.table}: ${t.rows} rows, sha256 ${t.digest}\n`);
            process.stdout.write(`audit: ${report.audit.records} records verified in PostgreSQL, head ${report.audit.lastSeq} ${report.audit.lastMac}\n`);
            process.stdout.write(`ok: copied and verified into ${report.to}; serve with --store and the same root key\n`);
          }
        } catch (e) {
          if (e instanceof CopyError) throw new ToolError(e.message);
          throw e;
        }
      }),
    );
}
