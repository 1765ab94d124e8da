/**
 * `openkms audit …`: check and read the audit log (`<data-dir>/audit.db`), also while the server runs.
 *
 *   openkms audit verify [--json]
 *     exit 0 and `ok: N records, head <seq> <mac>, checkpoint <seq>[, K started without a final record]` when the
 *     chain is whole and reaches the checkpoint kept in openkms.db; exit 1 and the first record that was edited,
 *     removed or reordered (or a damaged head, a checkpoint the log does not reach, a missing or emptied audit.db)
 *     otherwise. Never creates audit.db.
 *   openkms audit query [--since T] [--until T] [--action A] [--key KeyId] [--account uin] [--secret-id ID]
 *                       [--result success|error|Started|<code>] [--phase started|final] [--unfinished]
 *                       [--limit N] [--order asc|desc]
 *     one JSON record per line (times: ISO 8601 or Unix seconds), with `phase`: `started` (write-ahead record of a
 *     state-changing action) or `final`.
 *
 * With `--store postgres://…` (OPENKMS_STORE) both read the cluster's audit log in PostgreSQL (the data dir, or
 * OPENKMS_ROOT_KEY, supplies the root key); there the head kept beside the records is what the chain must reach.
 */
import { resolve } from "node:path";
import { Command, Option } from "commander";
import {
  inspectAuditLog, missingAuditLog, openPgNode, queryAuditLog, queryPgAuditLog, STARTED, verifyAuditLog, verifyPgAuditLog,
  type AuditFilter, type AuditInspection, type AuditRecord, type AuditVerification, type PgAuditLog,
} from "@openkms/server";
import { ENV, parseLimit, parseTime, rootKeyOption, storeOption } from "./config.js";
import { runTool, ToolError } from "./tool.js";

const dataDirOption = () => new Option("--data-dir <dir>", "data directory").env(ENV.dataDir).default("./.openkms");

async function withAuditLog<T>(opts: { dataDir: string; rootKey?: string }, fn: (audit: AuditInspection) => T | Promise<T>): Promise<T> {
  const audit = await inspectAuditLog({
    dataDir: resolve(opts.dataDir), rootKey: process.env[ENV.rootKey], rootKeyUri: opts.rootKey, nowSeconds: Math.floor(Date.now() / 1000),
  });
  try {
    return await fn(audit);
  } finally {
    await audit.close();
  }
}

/** The cluster's audit log in PostgreSQL, opened for reading. */
async function withPgAuditLog<T>(opts: { dataDir: string; rootKey?: string; store: string }, fn: (log: PgAuditLog) => Promise<T>): Promise<T> {
  const node = await openPgNode({
    url: opts.store, dataDir: resolve(opts.dataDir), rootKey: process.env[ENV.rootKey], rootKeyUri: opts.rootKey, create: false, nowSeconds: Math.floor(Date.now() / 1000),
  });
  try {
    return await fn(node.audit);
  } finally {
    await node.close();
  }
}

async function verify(opts: { dataDir: string; rootKey?: string; store?: string }): Promise<AuditVerification> {
  if (opts.store) return withPgAuditLog({ ...opts, store: opts.store }, (log) => verifyPgAuditLog(log));
  return withAuditLog(opts, (audit) => (audit.log ? verifyAuditLog(audit.log, { checkpoint: audit.checkpoint }) : missingAuditLog(audit.unavailable!)));
}

async function query(opts: { dataDir: string; rootKey?: string; store?: string }, filter: AuditFilter): Promise<AuditRecord[]> {
  if (opts.store) return withPgAuditLog({ ...opts, store: opts.store }, (log) => queryPgAuditLog(log, filter));
  return withAuditLog(opts, (audit) => {
    if (!audit.log) throw new ToolError(`the audit log is missing: ${audit.unavailable}`);
    return queryAuditLog(audit.log, filter);
  });
}

export function auditCommand(): Command {
  const audit = new Command("audit").description("verify and query the audit log");

  audit
    .command("verify")
    .description("check the hash chain; report the first record edited, removed or reordered")
    .addOption(dataDirOption())
    .addOption(storeOption())
    .addOption(rootKeyOption())
    .option("--json", "print the result as JSON")
    .action((opts) =>
      runTool(async () => {
        const v = await verify(opts);
        if (opts.json) process.stdout.write(JSON.stringify(v) + "\n");
        else if (v.ok) {
          const unfinished = v.unfinished ? `, ${v.unfinished} started without a final record` : "";
          const anchor = v.checkpoint ? `checkpoint ${v.checkpoint.seq}` : "head in the database";
          process.stdout.write(`ok: ${v.records} records, head ${v.lastSeq} ${v.lastMac}, ${anchor}${unfinished}\n`);
        } else if (v.problem!.kind === "missing") process.stdout.write(`TAMPERED: the audit log is missing: ${v.problem!.detail}\n`);
        else process.stdout.write(`TAMPERED: record ${v.problem!.seq} ${v.problem!.kind}: ${v.problem!.detail}\n`);
        if (!v.ok) process.exitCode = 1;
      }),
    );

  audit
    .command("query")
    .description("print audit records matching every filter, one JSON object per line")
    .addOption(dataDirOption())
    .addOption(rootKeyOption())
    .addOption(new Option("--since <time>", "at or after (ISO 8601 or Unix seconds)").argParser(parseTime))
    .addOption(new Option("--until <time>", "before (ISO 8601 or Unix seconds)").argParser(parseTime))
    .option("--action <action>", "API action, e.g. Encrypt, or admin.create-user")
    .option("--key <keyId>", "records naming this KeyId")
    .option("--account <uin>", "records of this uin, as caller or as owning account")
    .option("--secret-id <secretId>", "records signed with this SecretId")
    .option("--result <result>", "success, error, Started, or an error code (a prefix before a dot matches: AuthFailure)")
    .addOption(new Option("--phase <phase>", "started (write-ahead records) or final").choices(["started", "final"]))
    .option("--unfinished", "only Started records that no final record follows")
    .addOption(new Option("--limit <n>", "most records").argParser(parseLimit).default(1000))
    .addOption(new Option("--order <order>", "asc (oldest first) or desc").choices(["asc", "desc"]).default("asc"))
    .addOption(storeOption())
    .action((opts) =>
      runTool(async () => {
        const filter: AuditFilter = {
          sinceMs: opts.since, untilMs: opts.until, action: opts.action, keyId: opts.key, account: opts.account,
          secretId: opts.secretId, result: opts.result, phase: opts.phase, unfinished: opts.unfinished, limit: opts.limit, order: opts.order,
        };
        for (const r of await query(opts, filter)) {
          const phase = r.code === STARTED ? "started" : "final";
          process.stdout.write(JSON.stringify({ timeIso: new Date(r.time).toISOString(), phase, ...r }) + "\n");
        }
      }),
    );

  return audit;
}
