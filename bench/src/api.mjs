// API throughput benchmark (issue 14): `openkms serve` against a ceiling, over real HTTP with keep-alive.
//
//   openkms:  `openkms serve` as users run it — rate limits off, default logging (info, JSON to stderr → a file),
//             audit on (every request one durable, hash-chained record before its response).
//   ceiling:  bench/src/api-ceiling.mjs — fastify doing exactly the work every KMS Encrypt must (TC3 check, one
//             AES-256-GCM seal, a UUID, JSON out) and nothing else.
//
// Both get the same pre-signed requests (same bodies, headers, signatures; re-signed for every case so no timestamp
// ages past the 300 s window) from autocannon (in this process) at 1, 8, 32 and 64 connections, for Encrypt 32 B,
// Decrypt, GenerateDataKey, GenerateRandom and UpdateKeyDescription (state-changing: a write-ahead record, the key
// store write, the final record). The ceiling and openkms run interleaved — ceiling, openkms, openkms, ceiling, … —
// so background load on a shared machine hits both alike; the ratio is what to read.
//
// Env: BENCH_API_SECONDS (per target and case, default 6, in BENCH_API_ROUNDS slices, default 3), BENCH_API_ONLY ("Encrypt:32,Decrypt:8": just those cases, no
// report written), BENCH_API_CPU_PROF (directory: run openkms under `node --cpu-prof`, print where the time went),
// BENCH_API_SERVE_ARGS (extra `openkms serve` arguments), BENCH_DIR (where data dirs go; default the OS temp dir).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { request } from "node:http";
import autocannon from "autocannon";
import { tc3Signature, utcDate } from "@openkms/server";
import { summarise } from "./cpuprofile-summary.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const reports = join(here, "..", "reports");
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const ONLY = process.env.BENCH_API_ONLY;
const CPU_PROF = process.env.BENCH_API_CPU_PROF;
const BASELINE = process.env.BENCH_API_BASELINE;
const BASELINE_LABEL = process.env.BENCH_API_BASELINE_LABEL ?? BASELINE;
const SERVE_ARGS = (process.env.BENCH_API_SERVE_ARGS ?? "").split(/\s+/).filter(Boolean);
const scratch = mkdtempSync(join(process.env.BENCH_DIR ?? os.tmpdir(), "openkms-api-bench-"));
const CONNECTIONS = [1, 8, 32, 64];
const HOST = "localhost";

/** Start a child that prints `… listening on URL`; resolves with the child and the URL. */
async function startChild(args, env, logFile) {
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", log] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`${args.join(" ")} exited with ${code}; see ${logFile}`);
  });
  const url = await Promise.race([
    (async () => {
      for await (const line of lines) {
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) return m[1];
      }
      throw new Error("no listening line");
    })(),
    exited,
  ]);
  exited.catch(() => {});
  return { child, url };
}

async function stopChild(child) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
}

function signedHeaders(action, body, credential) {
  const timestamp = Math.floor(Date.now() / 1000);
  const payloadHash = createHash("sha256").update(body).digest("hex");
  const signature = tc3Signature({
    method: "POST", canonicalQuery: "", headers: [["content-type", "application/json"], ["host", HOST]], payloadHash,
    timestamp, date: utcDate(timestamp), service: "kms", secretKey: credential.SecretKey,
  });
  return {
    host: HOST, "content-type": "application/json", "x-tc-action": action, "x-tc-version": "2019-01-18",
    "x-tc-timestamp": String(timestamp), "x-tc-region": credential.Region,
    authorization: `TC3-HMAC-SHA256 Credential=${credential.SecretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
  };
}

async function call(url, credential, action, params) {
  const body = JSON.stringify(params);
  // node:http, not fetch: fetch will not send our Host header (the one signed).
  const text = await new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: signedHeaders(action, body, credential) }, (res) => {
      let data = "";
      res.setEncoding("utf8").on("data", (d) => (data += d)).on("end", () => resolve(data));
    });
    req.on("error", reject).end(body);
  });
  const r = JSON.parse(text).Response;
  if (r.Error) throw new Error(`${action}: ${r.Error.Code} ${r.Error.Message}`);
  return r;
}

// ---- servers ----
const dataDir = join(scratch, "data");
const nodeFlags = CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`] : [];
if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
const openkms = await startChild(
  [...nodeFlags, "apps/server/dist/openkms.js", "serve", "--data-dir", dataDir, "--port", "0", "--rate-limits", "off", ...SERVE_ARGS],
  {}, join(scratch, "openkms.log"),
);
const credential = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
const ceiling = await startChild(
  ["bench/src/api-ceiling.mjs"], { CEILING_SECRET_ID: credential.SecretId, CEILING_SECRET_KEY: credential.SecretKey }, join(scratch, "ceiling.log"),
);
const { KeyId } = await call(openkms.url, credential, "CreateKey", { Alias: "api-bench" });
const plaintext = Buffer.alloc(32, 7).toString("base64");
const { CiphertextBlob } = await call(openkms.url, credential, "Encrypt", { KeyId, Plaintext: plaintext });
const targets = { openkms: openkms.url, ceiling: ceiling.url };
const processes = { openkms: openkms.child, ceiling: ceiling.child };
// An older build measured in the same run (before/after of an optimisation): BENCH_API_BASELINE=<its openkms.js>.
// It serves a copy of the same data dir (same credential and key), so the same signed requests work on it.
let baseline;
if (BASELINE) {
  const baseDir = join(scratch, "baseline-data");
  cpSync(dataDir, baseDir, { recursive: true, filter: (src) => !src.endsWith("openkms.pid") });
  const baselineEnv = Object.fromEntries((process.env.BENCH_API_BASELINE_ENV ?? "").split(/\s+/).filter(Boolean).map((kv) => kv.split("=")));
  baseline = await startChild([...nodeFlags, BASELINE, "serve", "--data-dir", baseDir, "--port", "0", "--rate-limits", "off"], baselineEnv, join(scratch, "baseline.log"));
  targets.baseline = baseline.url;
  processes.baseline = baseline.child;
}


const ACTIONS = [
  { label: "Encrypt 32 B", action: "Encrypt", params: { KeyId, Plaintext: plaintext } },
  { label: "Decrypt", action: "Decrypt", params: { CiphertextBlob } },
  { label: "GenerateDataKey", action: "GenerateDataKey", params: { KeyId, KeySpec: "AES_256" } },
  { label: "GenerateRandom", action: "GenerateRandom", params: { NumberOfBytes: 32 } },
  { label: "UpdateKeyDescription", action: "UpdateKeyDescription", params: { KeyId, Description: "api bench" } },
];
const wanted = ONLY ? ONLY.split(",").map((s) => s.split(":")) : undefined;
const cases = ACTIONS.flatMap((a) => CONNECTIONS.map((c) => ({ ...a, connections: c }))).filter(
  (c) => !wanted || wanted.some(([name, n]) => c.action === name && (!n || Number(n) === c.connections)),
);

/** CPU time (user + system, ms) a child process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(child) {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** One autocannon run; counts answers that are not a success envelope as errors. */
async function drive(url, c, seconds, child) {
  const cpuBefore = child ? cpuMs(child) : NaN;
  const body = JSON.stringify(c.params);
  const headers = signedHeaders(c.action, body, credential);
  let errors = 0;
  let firstError;
  const onResponse = (status, resBody) => {
    if (status !== 200 || resBody.includes('"Error"')) {
      errors++;
      firstError ??= `${status} ${resBody.slice(0, 200)}`;
    }
  };
  const r = await autocannon({
    url, connections: c.connections, duration: seconds, pipelining: 1,
    requests: [{ method: "POST", path: "/", headers, body, onResponse }],
  });
  const cpu = child ? cpuMs(child) - cpuBefore : NaN;
  return {
    requestsPerSec: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
    errors: errors + r.errors + r.timeouts + r.non2xx, firstError, cpuUsPerRequest: r.requests.total ? (cpu * 1000) / r.requests.total : NaN,
  };
}

// Warm both up (JIT, SQLite caches) before measuring.
for (const name of Object.keys(targets)) await drive(targets[name], { ...ACTIONS[0], connections: 8 }, 1);

/** Several runs of one target merged: requests/s over their whole time, median p50, worst p99 and max, CPU per request. */
function merge(runs) {
  const total = runs.reduce((n, r) => n + r.total, 0);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cpu = runs.reduce((n, r) => n + r.cpuUsPerRequest * r.total, 0) / (total || 1);
  return {
    requestsPerSec: runs.reduce((n, r) => n + r.requestsPerSec, 0) / runs.length, total,
    p50: median(runs.map((r) => r.p50)), p99: Math.max(...runs.map((r) => r.p99)), max: Math.max(...runs.map((r) => r.max)),
    errors: runs.reduce((n, r) => n + r.errors, 0), firstError: runs.find((r) => r.firstError)?.firstError, cpuUsPerRequest: cpu,
  };
}

const results = [];
let flip = false;
for (const c of cases) {
  // Interleaved: ROUNDS slices per target, the targets taking turns (order alternating), so load from other work on
  // the machine falls on all of them alike.
  const runs = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = flip ? ["openkms", "ceiling"] : ["ceiling", "openkms"];
    if (baseline) order.splice(1, 0, "baseline");
    flip = !flip;
    for (const name of order) runs[name].push(await drive(targets[name], c, Math.max(1, Math.round(SECONDS / ROUNDS)), processes[name]));
  }
  const got = Object.fromEntries(Object.entries(runs).map(([name, rs]) => [name, merge(rs)]));
  const row = { action: c.label, connections: c.connections, openkms: got.openkms, ceiling: got.ceiling, ratio: got.openkms.requestsPerSec / got.ceiling.requestsPerSec };
  if (got.baseline) Object.assign(row, { baseline: got.baseline, baselineRatio: got.baseline.requestsPerSec / got.ceiling.requestsPerSec });
  results.push(row);
  console.log(
    `${c.label.padEnd(22)} ${String(c.connections).padStart(3)} conns: openkms ${Math.round(got.openkms.requestsPerSec)} req/s ` +
      `(p50 ${got.openkms.p50} p99 ${got.openkms.p99} max ${got.openkms.max} ms, ${Math.round(got.openkms.cpuUsPerRequest)} µs CPU/req, ${got.openkms.errors} errors${got.openkms.firstError ? `: ${got.openkms.firstError}` : ""}) ` +
      `ceiling ${Math.round(got.ceiling.requestsPerSec)} req/s (p99 ${got.ceiling.p99} ms, ${Math.round(got.ceiling.cpuUsPerRequest)} µs CPU/req) → ${row.ratio.toFixed(2)}×` +
      (got.baseline ? ` | baseline ${Math.round(got.baseline.requestsPerSec)} req/s (p99 ${got.baseline.p99} ms, ${Math.round(got.baseline.cpuUsPerRequest)} µs CPU/req) → ${row.baselineRatio.toFixed(2)}×` : ""),
  );
}

await stopChild(ceiling.child);
if (baseline) await stopChild(baseline.child);
await stopChild(openkms.child);

let profile;
if (CPU_PROF) {
  const file = readdirSync(CPU_PROF).filter((f) => f.endsWith(".cpuprofile")).sort().at(-1);
  profile = summarise(join(CPU_PROF, file));
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  console.log(`\nprofile ${file}: ${profile.totalMs.toFixed(0)} ms sampled\nby area:`);
  for (const r of profile.byArea.slice(0, 25)) console.log(`  ${pct(r.share).padStart(6)}  ${r.name}`);
  console.log("by function (self):");
  for (const r of profile.byFunction.slice(0, 40)) console.log(`  ${pct(r.share).padStart(6)}  ${r.name}`);
}
const fsType = (() => {
  const names = { 0x01021994: "tmpfs", 0xef53: "ext4", 0x58465342: "xfs", 0x9123683e: "btrfs", 0x794c7630: "overlayfs" };
  try {
    const t = statfsSync(scratch).type;
    return names[t] ?? `0x${t.toString(16)}`;
  } catch {
    return "unknown";
  }
})();
if (process.env.BENCH_API_KEEP_LOG) cpSync(join(scratch, "openkms.log"), process.env.BENCH_API_KEEP_LOG);
rmSync(scratch, { recursive: true, force: true });
if (ONLY) process.exit(0);

// ---- report ----
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? "unknown", logicalCores: cpus.length, arch: process.arch, node: process.version, dataDirFileSystem: fsType,
  loadAverage1mAtEnd: os.loadavg()[0].toFixed(2), date: new Date().toISOString(), secondsPerMeasurement: SECONDS,
  serveArgs: ["--rate-limits", "off", ...SERVE_ARGS].join(" "), loadGenerator: "autocannon 9.0.0 (in the bench process)",
  rounds: ROUNDS, ...(BASELINE ? { baseline: BASELINE_LABEL } : {}),
};
mkdirSync(reports, { recursive: true });
writeFileSync(join(reports, "api.json"), JSON.stringify({ machine, results }, null, 2) + "\n");
const notes = existsNotes();
function existsNotes() {
  try {
    return readFileSync(join(here, "api-notes.md"), "utf8");
  } catch {
    return "";
  }
}
const f = (x) => Math.round(x).toLocaleString("en-US");
let md = `# API throughput: openkms serve against the ceiling\n\nGenerated by \`pnpm bench:api\` (bench/src/api.mjs) — do not edit; the analysis below the tables comes from bench/src/api-notes.md.\n\n`;
md += `- **openkms**: \`openkms serve --rate-limits off\` (${machine.serveArgs}), default logging (info → a file), audit on: every request's record committed (fsynced) before its response; UpdateKeyDescription also writes its write-ahead record first.\n`;
md += `- **ceiling**: bench/src/api-ceiling.mjs, fastify doing exactly what every KMS Encrypt must — the TC3 check (body hash, canonical-request hash, four HMACs), one AES-256-GCM seal, a UUID, JSON out — for every action; nothing else.\n`;
md += `- Same pre-signed requests, keep-alive, autocannon; ${SECONDS} s per target and case in ${ROUNDS} interleaved slices (order alternating), all targets in the same run, on a 2-core machine shared with other work, so absolute numbers are noisy — read the ratio. p50 is the median of the slices, p99 and max the worst.\n\n`;
md += `## Machine\n\n| | |\n| --- | --- |\n` + Object.entries(machine).map(([k, v]) => `| ${k} | ${v} |`).join("\n") + "\n\n";
const withBaseline = results.some((r) => r.baseline);
md += `## Results\n\n| action | connections | openkms req/s | p50 ms | p99 ms | max ms | errors | CPU µs/req | ceiling req/s | ceiling p99 ms | ceiling CPU µs/req | openkms ÷ ceiling |${withBaseline ? " before: req/s | before ÷ ceiling | before CPU µs/req |" : ""}\n`;
md += `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${withBaseline ? " ---: | ---: | ---: |" : ""}\n`;
for (const r of results) {
  md += `| ${r.action} | ${r.connections} | ${f(r.openkms.requestsPerSec)} | ${r.openkms.p50} | ${r.openkms.p99} | ${r.openkms.max} | ${r.openkms.errors} | ${f(r.openkms.cpuUsPerRequest)} | ${f(r.ceiling.requestsPerSec)} | ${r.ceiling.p99} | ${f(r.ceiling.cpuUsPerRequest)} | ${r.ratio.toFixed(2)}× |`;
  md += withBaseline ? ` ${f(r.baseline.requestsPerSec)} | ${r.baselineRatio.toFixed(2)}× | ${f(r.baseline.cpuUsPerRequest)} |\n` : "\n";
}
if (withBaseline) md += `\n"before" is ${BASELINE_LABEL} (BENCH_API_BASELINE), measured in the same run on a copy of the same data dir.\n`;
const enc32 = results.find((r) => r.action === "Encrypt 32 B" && r.connections === 32);
if (enc32) {
  md += `\nTargets (issue 14): Encrypt at 32 connections ≥ 0.6× the ceiling — **${enc32.ratio.toFixed(2)}×**; p99 ≤ 25 ms at 32 connections — **${enc32.openkms.p99} ms**; no errors — **${results.reduce((a, r) => a + r.openkms.errors, 0)}** in all.\n`;
}
md += notes ? `\n${notes}` : "";
writeFileSync(join(reports, "api.md"), md);
console.log(`\nwrote ${join(reports, "api.md")}`);
