/**
 * `openkms backup <file> [--data-dir <dir>]`: a consistent online backup of the embedded store and audit log (also
 * while the server runs) into one file (gzipped tar, 0600). The root key is not in it: back it up apart.
 * `openkms restore <file> --data-dir <dir>`: restore into a new or empty data dir; start the server on it with the
 * same root key (copy root.key into it, or OPENKMS_ROOT_KEY / --root-key). Both print JSON on stdout; exit 2 for
 * operator errors (not a data dir, file exists, damaged backup), 1 otherwise.
 */
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { backupDataDir, BackupError, restoreDataDir } from "@openkms/server";
import { ENV } from "./config.js";
import { runTool, ToolError } from "./tool.js";

const asToolError = (e: unknown) => (e instanceof BackupError ? new ToolError(e.message) : e);

export function backupCommand(): Command {
  return new Command("backup")
    .description("back up the embedded store and audit log into one file, online (the root key is not included)")
    .argument("<file>", "the backup file to write (must not exist)")
    .addOption(new Option("--data-dir <dir>", "data directory").env(ENV.dataDir).default("./.openkms"))
    .action((file: string, opts: { dataDir: string }) =>
      runTool(async () => {
        const m = await backupDataDir(resolve(opts.dataDir), resolve(file)).catch((e) => { throw asToolError(e); });
        process.stdout.write(JSON.stringify({
          Backup: resolve(file), CreatedAt: m.createdAt, Edition: m.edition, Files: m.files,
          RootKey: "not included: keep the root key (root.key, OPENKMS_ROOT_KEY or the PKCS#11 token) backed up apart",
        }, null, 2) + "\n");
      }),
    );
}

export function restoreCommand(): Command {
  return new Command("restore")
    .description("restore a backup into a new or empty data dir")
    .argument("<file>", "a file written by openkms backup")
    .requiredOption("--data-dir <dir>", "the data directory to restore into (new or empty)")
    .action((file: string, opts: { dataDir: string }) =>
      runTool(async () => {
        const m = await restoreDataDir(resolve(file), resolve(opts.dataDir)).catch((e) => { throw asToolError(e); });
        process.stdout.write(JSON.stringify({
          Restored: resolve(opts.dataDir), CreatedAt: m.createdAt, Edition: m.edition,
          Next: "give it the root key it was made with (copy root.key into it, or OPENKMS_ROOT_KEY / --root-key), then openkms audit verify and openkms serve",
        }, null, 2) + "\n");
      }),
    );
}
