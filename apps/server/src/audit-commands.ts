/**
 * `openkms audit …`: check and read the audit log (`<data-dir>/audit.db`), also while the server runs.
 *
 *   openkms audit verify [--json]
 *     exit 0 and `ok: N records, head <seq> <mac>` when the chain is whole; exit 1 and the first record that was
 *     edited, removed or reordered (or a damaged head) otherwise.
 *   openkms audit query [--since T] [--until T] [--action A] [--key KeyId] [--account uin] [--secret-id ID]
 *                       [--result success|error|<code>] [--limit N] [--order asc|desc]
 *     one JSON record per line (times: ISO 8601 or Unix seconds).
 */
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { openDataDir, queryAuditLog, verifyAuditLog, type AuditFilter, type DataDir } from "@openkms/server";
import { ENV, parseLimit, parseTime } from "./config.js";
import { runTool } from "./tool.js";

const dataDirOption = () => new Option("--data-dir <dir>", "data directory").env(ENV.dataDir).default("./.openkms");

async function withDataDir<T>(opts: { dataDir: string }, fn: (dir: DataDir) => T | Promise<T>): Promise<T> {
  const dir = await openDataDir({
    dataDir: resolve(opts.dataDir), rootKey: process.env[ENV.rootKey], create: false, nowSeconds: Math.floor(Date.now() / 1000),
  });
  try {
    return await fn(dir);
  } finally {
    await dir.close();
  }
}

export function auditCommand(): Command {
  const audit = new Command("audit").description("verify and query the audit log");

  audit
    .command("verify")
    .description("check the hash chain; report the first record edited, removed or reordered")
    .addOption(dataDirOption())
    .option("--json", "print the result as JSON")
    .action((opts) =>
      runTool(() =>
        withDataDir(opts, (dir) => {
          const v = verifyAuditLog(dir.audit);
          if (opts.json) process.stdout.write(JSON.stringify(v) + "\n");
          else if (v.ok) process.stdout.write(`ok: ${v.records} records, head ${v.lastSeq} ${v.lastMac}\n`);
          else process.stdout.write(`TAMPERED: record ${v.problem!.seq} ${v.problem!.kind}: ${v.problem!.detail}\n`);
          if (!v.ok) process.exitCode = 1;
        }),
      ),
    );

  audit
    .command("query")
    .description("print audit records matching every filter, one JSON object per line")
    .addOption(dataDirOption())
    .addOption(new Option("--since <time>", "at or after (ISO 8601 or Unix seconds)").argParser(parseTime))
    .addOption(new Option("--until <time>", "before (ISO 8601 or Unix seconds)").argParser(parseTime))
    .option("--action <action>", "API action, e.g. Encrypt, or admin.create-user")
    .option("--key <keyId>", "records naming this KeyId")
    .option("--account <uin>", "records of this uin, as caller or as owning account")
    .option("--secret-id <secretId>", "records signed with this SecretId")
    .option("--result <result>", "success, error, or an error code (a prefix before a dot matches: AuthFailure)")
    .addOption(new Option("--limit <n>", "most records").argParser(parseLimit).default(1000))
    .addOption(new Option("--order <order>", "asc (oldest first) or desc").choices(["asc", "desc"]).default("asc"))
    .action((opts) =>
      runTool(() =>
        withDataDir(opts, (dir) => {
          const filter: AuditFilter = {
            sinceMs: opts.since, untilMs: opts.until, action: opts.action, keyId: opts.key, account: opts.account,
            secretId: opts.secretId, result: opts.result, limit: opts.limit, order: opts.order,
          };
          for (const r of queryAuditLog(dir.audit, filter)) {
            process.stdout.write(JSON.stringify({ timeIso: new Date(r.time).toISOString(), ...r }) + "\n");
          }
        }),
      ),
    );

  return audit;
}
