// Audit-log benchmark (issue 7): what writing one durable, hash-chained audit record costs.
//   1. SqliteAuditLog.append alone: 1, 16 and 64 appends outstanding (group commit: one fsync per batch).
//   2. A whole request through the server (fastify inject: TC3 verification, dispatch, action, audit), with the data
//      dir's audit log and with a sink that keeps nothing, in the same run: Encrypt (32 B) and GetRegions, one at a
//      time and 16 at once; UpdateKeyDescription for the state-changing path. The difference is the audit's cost per request.
// fsync cost depends on the disk under BENCH_DIR (default: the OS temp dir; its file system is reported — on tmpfs an
// fsync is nearly free). Writes reports/audit.json and reports/audit.md. Bounded: each task runs ~TASK_MS.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { createKmsServer, nullAuditSink, openDataDir, tc3Signature, utcDate } from "@openkms/server";

const here = dirname(fileURLToPath(import.meta.url));
const reports = join(here, "..", "reports");
const TASK_MS = Number(process.env.BENCH_TASK_MS ?? 250);
const baseDir = process.env.BENCH_DIR ?? os.tmpdir();
const scratch = mkdtempSync(join(baseDir, "openkms-audit-bench-"));

const FS_TYPES = { 0x01021994: "tmpfs", 0xef53: "ext2/3/4", 0x58465342: "xfs", 0x9123683e: "btrfs", 0x794c7630: "overlayfs", 0x6969: "nfs", 0x2fc12fc1: "zfs" };
const fsType = (() => {
  try {
    const t = statfsSync(scratch).type;
    return FS_TYPES[t] ?? `0x${t.toString(16)}`;
  } catch {
    return "unknown";
  }
})();

// ---- 1. append alone ----
const dir = await openDataDir({ dataDir: join(scratch, "append"), create: true, nowSeconds: Math.floor(Date.now() / 1000) });
const event = () => ({
  time: Date.now(), requestId: randomUUID(), action: "Encrypt", secretId: "AKIDbenchbenchbenchbenchbench0000", uin: "100000000001",
  ownerUin: "100000000001", sourceAddress: "127.0.0.1", keyIds: ["11111111-1111-4111-8111-111111111111"], code: "Success", latencyMs: 0.42,
});
const appendBench = new Bench({ time: TASK_MS, warmupTime: 50, iterations: 5, warmupIterations: 2 });
const APPEND_BATCHES = [1, 16, 64];
for (const n of APPEND_BATCHES) {
  appendBench.add(`append|${n}`, async () => {
    await Promise.all(Array.from({ length: n }, () => dir.audit.append(event())));
  });
}
await appendBench.run();
const appendResults = APPEND_BATCHES.map((n) => {
  const t = appendBench.tasks.find((x) => x.name === `append|${n}`);
  if (t.result.state !== "completed") throw new Error(`${t.name}: ${t.result.state} ${t.result.error ?? ""}`);
  return { outstanding: n, recordsPerSec: (1000 / t.result.latency.mean) * n, msPerBatch: t.result.latency.mean, msPerRecord: t.result.latency.mean / n };
});
await dir.close();

// ---- 2. whole requests, with and without the audit log ----
async function server(name, audited) {
  const s = await createKmsServer({
    dataDir: join(scratch, name), port: 0, rateLimits: { enabled: false }, ...(audited ? {} : { auditSink: nullAuditSink }),
  });
  const sign = (action, body) => {
    const timestamp = Math.floor(Date.now() / 1000);
    const host = "localhost";
    const payloadHash = createHash("sha256").update(body).digest("hex");
    const signature = tc3Signature({
      method: "POST", canonicalQuery: "", headers: [["content-type", "application/json"], ["host", host]], payloadHash,
      timestamp, date: utcDate(timestamp), service: "kms", secretKey: s.credential.secretKey,
    });
    return {
      "content-type": "application/json", host, "x-tc-action": action, "x-tc-version": "2019-01-18", "x-tc-timestamp": String(timestamp),
      authorization: `TC3-HMAC-SHA256 Credential=${s.credential.secretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
    };
  };
  const call = async (action, params) => {
    const body = JSON.stringify(params);
    const res = await s.app.inject({ method: "POST", url: "/", headers: sign(action, body), payload: body });
    const r = res.json().Response;
    if (r.Error) throw new Error(`${action}: ${r.Error.Code}`);
    return r;
  };
  const { KeyId } = await call("CreateKey", { Alias: "bench" });
  return { s, call, KeyId };
}
const audited = await server("audited", true);
const unaudited = await server("unaudited", false);
const plaintext = Buffer.alloc(32, 7).toString("base64");
const requestBench = new Bench({ time: TASK_MS, warmupTime: 50, iterations: 5, warmupIterations: 2 });
const CONCURRENCY = [1, 16];
const ACTIONS = {
  "Encrypt 32 B": (x) => x.call("Encrypt", { KeyId: x.KeyId, Plaintext: plaintext }),
  GetRegions: (x) => x.call("GetRegions", {}),
  // A state-changing action: a durable "Started" record before the action, then the final record.
  UpdateKeyDescription: (x) => x.call("UpdateKeyDescription", { KeyId: x.KeyId, Description: "bench" }),
};
for (const [label, fn] of Object.entries(ACTIONS)) {
  for (const n of CONCURRENCY) {
    for (const [mode, x] of [["audit", audited], ["none", unaudited]]) {
      requestBench.add(`${label}|${n}|${mode}`, async () => {
        await Promise.all(Array.from({ length: n }, () => fn(x)));
      });
    }
  }
}
await requestBench.run();
const requestResults = [];
for (const label of Object.keys(ACTIONS)) {
  for (const n of CONCURRENCY) {
    const get = (mode) => {
      const t = requestBench.tasks.find((x) => x.name === `${label}|${n}|${mode}`);
      if (t.result.state !== "completed") throw new Error(`${t.name}: ${t.result.state} ${t.result.error ?? ""}`);
      return { requestsPerSec: (1000 / t.result.latency.mean) * n, msPerRequest: t.result.latency.mean / n };
    };
    const a = get("audit"), b = get("none");
    requestResults.push({
      action: label, concurrency: n, withAudit: a, withoutAudit: b,
      auditMsPerRequest: a.msPerRequest - b.msPerRequest, throughputRatio: a.requestsPerSec / b.requestsPerSec,
    });
  }
}
await audited.s.close();
await unaudited.s.close();
rmSync(scratch, { recursive: true, force: true });

// ---- report ----
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? "unknown", logicalCores: cpus.length, arch: process.arch, node: process.version,
  benchDir: baseDir, fileSystem: fsType, sqliteSync: "WAL, synchronous=FULL", loadAverage1m: os.loadavg()[0].toFixed(2),
  date: new Date().toISOString(),
};
mkdirSync(reports, { recursive: true });
writeFileSync(join(reports, "audit.json"), JSON.stringify({ machine, taskMs: TASK_MS, append: appendResults, requests: requestResults }, null, 2) + "\n");

const f = (x, d = 3) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(d));
let md = `# Audit log benchmark\n\nGenerated by \`pnpm bench\` (bench/src/audit.mjs, tinybench, ${TASK_MS} ms per task) — do not edit.\n\n`;
md += `Every API request writes one hash-chained (HMAC-SHA-256) audit record to \`audit.db\` and waits until it is committed `;
md += `(SQLite WAL, \`synchronous=FULL\`: fsynced) before answering. Records arriving together share one commit. `;
md += `A state-changing action (UpdateKeyDescription here) also writes a write-ahead \`Started\` record before it runs, and `;
md += `the head is checkpointed into \`openkms.db\` before that record is acknowledged (one more fsync); read-only actions `;
md += `(Encrypt, GetRegions) keep one record, with a checkpoint at most every 1000 records or 1 s, after the responses.\n\n`;
md += `## Machine\n\n| | |\n| --- | --- |\n` + Object.entries(machine).map(([k, v]) => `| ${k} | ${v} |`).join("\n") + "\n\n";
md += `## Appending alone\n\n| appends outstanding | records/s | ms per commit | ms per record |\n| ---: | ---: | ---: | ---: |\n`;
for (const r of appendResults) md += `| ${r.outstanding} | ${f(r.recordsPerSec)} | ${f(r.msPerBatch)} | ${f(r.msPerRecord)} |\n`;
md += `\n## Whole requests (fastify inject: TC3 check, dispatch, action, audit)\n\n`;
md += `| action | concurrent | req/s with audit | ms/req with audit | req/s without | ms/req without | audit cost ms/req | throughput with ÷ without |\n`;
md += `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n`;
for (const r of requestResults) {
  md += `| ${r.action} | ${r.concurrency} | ${f(r.withAudit.requestsPerSec)} | ${f(r.withAudit.msPerRequest)} | ${f(r.withoutAudit.requestsPerSec)} | ${f(r.withoutAudit.msPerRequest)} | ${f(r.auditMsPerRequest)} | ${r.throughputRatio.toFixed(2)}× |\n`;
}
md += `\n"Without" uses a sink that keeps nothing (\`nullAuditSink\`), for this comparison only; \`openkms serve\` always audits. `;
md += `One at a time, a request pays a whole commit; with 16 in flight the commits are shared, so the cost per request falls.\n`;
writeFileSync(join(reports, "audit.md"), md);
console.log(md);
