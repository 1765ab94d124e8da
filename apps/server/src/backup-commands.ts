/**
 * `openkms backup <file> [--data-dir <dir> | --store postgres://…]` (not both: refused): a consistent online backup of the store and its
 * audit log (also while the server or the nodes serve) into one file (gzipped tar with a checksummed manifest, 0600).
 * The root key is not in it: back it up apart. Embedded store: `openkms.db` and `audit.db` (sqlite-backup.ts);
 * PostgreSQL (`--store` / OPENKMS_STORE): every OpenKMS table read in one snapshot (postgres/backup.ts).
 *
 * `openkms restore <file> (--data-dir <dir> | --store postgres://… [--replace])`: a backup of either store into a
 * new or empty data dir (a PostgreSQL store's becomes an embedded one: its first start anchors the audit chain), or a
 * PostgreSQL store's backup into an empty database (`--replace`: overwrite the OpenKMS data it holds; stop every node
 * first). Then start the server (nodes) with the same root key. Both print JSON on stdout;
 * exit 2 for operator errors (not a data dir, file exists, damaged backup, database not empty), 1 otherwise.
 */
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { backupDataDir, BackupError, backupPostgres, redactUrl, restoreDataDir, restorePostgres, type PgBackupManifest } from "@openkms/server";
import { ENV, storeOption } from "./config.js";
import { runTool, ToolError } from "./tool.js";

/** How the option `name` was given, for a message: its flag, or the environment variable it came from. */
const given = (cmd: Command, name: "store") => (cmd.getOptionValueSource(name) === "env" ? `${ENV[name]} (set in the environment)` : `--${name}`);
const asToolError = (e: unknown) => (e instanceof BackupError ? new ToolError(e.message) : e);
const ROOT_KEY_NOTE = "not included: keep the root key (root.key, OPENKMS_ROOT_KEY or the PKCS#11 token) backed up apart";

export function backupCommand(): Command {
  return new Command("backup")
    .description("back up the store and audit log into one file, online (the root key is not included)")
    .argument("<file>", "the backup file to write (must not exist)")
    .addOption(new Option("--data-dir <dir>", "data directory").env(ENV.dataDir).default("./.openkms"))
    .addOption(storeOption())
    .action((file: string, opts: { dataDir: string; store?: string }, cmd: Command) =>
      runTool(async () => {
        if (opts.store && cmd.getOptionValueSource("dataDir") === "cli") {
          // A PostgreSQL backup reads nothing from a data dir: both given is a mistake about which store to back up.
          throw new ToolError(`${given(cmd, "store")} and --data-dir both name a store to back up: give one`);
        }
        if (opts.store) {
          const m = await backupPostgres(opts.store, resolve(file)).catch((e) => { throw asToolError(e); });
          process.stdout.write(JSON.stringify({
            Backup: resolve(file), Store: redactUrl(opts.store), CreatedAt: m.createdAt, Edition: m.edition, SchemaVersion: m.schemaVersion,
            Tables: m.tables.map((t) => ({ Table: t.table, Rows: t.rows })), Audit: m.audit, RootKey: ROOT_KEY_NOTE,
          }, null, 2) + "\n");
          return;
        }
        const m = await backupDataDir(resolve(opts.dataDir), resolve(file)).catch((e) => { throw asToolError(e); });
        process.stdout.write(JSON.stringify({
          Backup: resolve(file), CreatedAt: m.createdAt, Edition: m.edition, Files: m.files, RootKey: ROOT_KEY_NOTE,
        }, null, 2) + "\n");
      }),
    );
}

export function restoreCommand(): Command {
  return new Command("restore")
    .description("restore a backup into a new or empty data dir (--data-dir; either store's backup) or an empty PostgreSQL database (--store)")
    .argument("<file>", "a file written by openkms backup")
    .option("--data-dir <dir>", "the data directory to restore into (new or empty)")
    .addOption(storeOption())
    .option("--replace", "with --store: overwrite the OpenKMS store the database holds (stop every node first)")
    .action((file: string, opts: { dataDir?: string; store?: string; replace?: boolean }, cmd: Command) =>
      runTool(async () => {
        if (!opts.dataDir && !opts.store) throw new ToolError("give exactly one of --data-dir <dir> or --store postgres://…");
        if (opts.dataDir && opts.store) {
          throw new ToolError(`give exactly one of --data-dir <dir> or --store postgres://… (both given: --data-dir and ${given(cmd, "store")})`);
        }
        if (opts.replace && !opts.store) throw new ToolError("--replace goes with --store");
        if (opts.store) {
          const m = await restorePostgres(resolve(file), opts.store, { replace: opts.replace }).catch((e) => { throw asToolError(e); });
          process.stdout.write(JSON.stringify({
            Restored: redactUrl(opts.store), CreatedAt: m.createdAt, Edition: m.edition,
            Tables: m.tables.map((t) => ({ Table: t.table, Rows: t.rows })), Audit: m.audit,
            Next: "start the nodes with --store and the root key it was made with, then openkms audit verify --store",
          }, null, 2) + "\n");
          return;
        }
        const m = await restoreDataDir(resolve(file), resolve(opts.dataDir!)).catch((e) => { throw asToolError(e); });
        const fromCluster = m.store === "postgres" ? m as unknown as PgBackupManifest : undefined;
        process.stdout.write(JSON.stringify({
          Restored: resolve(opts.dataDir!), From: fromCluster ? "a PostgreSQL store" : "an embedded store", CreatedAt: m.createdAt, Edition: m.edition,
          ...(fromCluster ? { Audit: fromCluster.audit } : {}),
          Next: fromCluster
            // The embedded log's checkpoint is MACed under the audit key: the first start (with the root key) writes it.
            ? "give it the cluster's root key (copy root.key into it, or OPENKMS_ROOT_KEY / --root-key), start it once with openkms serve (that anchors the carried-over audit chain), then openkms audit verify"
            : "give it the root key it was made with (copy root.key into it, or OPENKMS_ROOT_KEY / --root-key), then openkms audit verify and openkms serve",
        }, null, 2) + "\n");
      }),
    );
}
