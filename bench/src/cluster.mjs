// Cluster throughput (issue 13): `openkms serve` as users run it, in three setups measured in the same run —
//
//   sqlite-1:   one node on the embedded store (SQLite in the data dir), the default;
//   postgres-1: one node on PostgreSQL (`--store postgres://…`, a throwaway PostgreSQL on this machine);
//   postgres-2: two nodes on the same PostgreSQL database, the load split evenly between them.
//
// Actions: Encrypt 32 B (read-only: one audit record per request) and CreateKey (state-changing: a write-ahead
// audit record, the key insert, the final record; every request a new alias, signed per request). Load: autocannon
// (in this process) with the same total connections per setup (for two nodes, half on each, two autocannon runs at
// once). Rate limits off, audit on, default logging to a file. The setups run interleaved, twice, in alternating
// order (A B C, C B A) so background load on a shared machine hits all alike; the ratio to sqlite-1 is what to read.
//
// Env: BENCH_CLUSTER_SECONDS (per measurement, default 4), BENCH_CLUSTER_CONNECTIONS (total, default 16),
// BENCH_DIR (where data dirs go; default the OS temp dir); BENCH_CLUSTER_BEFORE (the path of an older build's
// openkms.js: its postgres-1 and postgres-2 run in the same rounds, as `…-before`); BENCH_CLUSTER_ACTIONS and
// BENCH_CLUSTER_SETUPS (comma lists: only these); BENCH_CLUSTER_PROFILE (a dir: every node runs under
// `node --cpu-prof` and the summary of each profile is printed; the report is not written then).
//
// Round trips: PostgreSQL runs with pg_stat_statements; after each measurement the statements the setup's database
// executed are divided by the requests answered (statements per request).
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { tc3Signature, utcDate } from "@openkms/server";
import pg from "pg";
import { startPostgres } from "../../packages/server/test/_postgres.mjs";
import { summarise } from "./cpuprofile-summary.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const reports = join(here, "..", "reports");
const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CLUSTER_CONNECTIONS ?? 16);
const scratch = mkdtempSync(join(process.env.BENCH_DIR ?? os.tmpdir(), "openkms-cluster-bench-"));
const HOST = "localhost";
const ROOT_KEY = randomBytes(32).toString("base64");
const BEFORE = process.env.BENCH_CLUSTER_BEFORE;
const PROFILE = process.env.BENCH_CLUSTER_PROFILE;
const only = (v) => (v ? new Set(v.split(",")) : undefined);
const ONLY_ACTIONS = only(process.env.BENCH_CLUSTER_ACTIONS);
const ONLY_SETUPS = only(process.env.BENCH_CLUSTER_SETUPS);

async function startNode(name, args, binary = "apps/server/dist/openkms.js") {
  const logFile = join(scratch, `${name}.log`);
  const log = openSync(logFile, "a");
  const dataDir = join(scratch, name);
  const prof = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...prof, binary, "serve", "--data-dir", dataDir, "--port", "0", "--rate-limits", "off", ...args], {
    cwd: root, env: { ...process.env, OPENKMS_ROOT_KEY: ROOT_KEY }, stdio: ["ignore", "pipe", log],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`${name} exited with ${code}; see ${logFile}`);
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
  return { name, child, url, credential: JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")) };
}

async function stopNode(node) {
  if (node.child.exitCode !== null) return;
  node.child.kill("SIGTERM");
  await once(node.child, "exit");
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

async function call(node, action, params) {
  const body = JSON.stringify(params);
  const text = await new Promise((resolve, reject) => {
    const req = request(node.url, { method: "POST", headers: signedHeaders(action, body, node.credential) }, (res) => {
      let data = "";
      res.setEncoding("utf8").on("data", (d) => (data += d)).on("end", () => resolve(data));
    });
    req.on("error", reject).end(body);
  });
  const r = JSON.parse(text).Response;
  if (r.Error) throw new Error(`${action}: ${r.Error.Code} ${r.Error.Message}`);
  return r;
}

// ---- setups ----
console.log("starting PostgreSQL and the nodes…");
const postgres = await startPostgres({ settings: ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all"] });
const setups = {};
/** The database of each PostgreSQL setup (for its statement counts). */
const databaseOf = {};
const wanted = (name) => !ONLY_SETUPS || ONLY_SETUPS.has(name);
if (wanted("sqlite-1")) setups["sqlite-1"] = [await startNode("sqlite", [])];
const pgSetups = [["postgres-1", 1, undefined], ["postgres-2", 2, undefined]];
if (BEFORE) pgSetups.push(["postgres-1-before", 1, BEFORE], ["postgres-2-before", 2, BEFORE]);
for (const [name, n, binary] of pgSetups) {
  if (!wanted(name)) continue;
  const db = name.replaceAll("-", "_");
  const url = await postgres.createDatabase(db);
  databaseOf[name] = db;
  setups[name] = [];
  for (let i = 0; i < n; i++) setups[name].push(await startNode(`${name}-${"ab"[i]}`, ["--store", url], binary));
}
const stats = new pg.Client(`postgres://postgres@127.0.0.1:${postgres.port}/postgres`);
await stats.connect();
await stats.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
const TICK = 100; // clock ticks per second of /proc/<pid>/stat (USER_HZ)
/** CPU seconds (user + system) used so far by process `pid` (0 once it is gone). */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}
/** The PostgreSQL server's processes (the postmaster listening on our port and its children). */
function postgresPids() {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const stat = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    } catch {
      return undefined;
    }
  };
  const master = all.find((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return args.some((a, i) => a === "-p" && args[i + 1] === String(postgres.port));
    } catch {
      return false;
    }
  });
  if (!master) return [];
  return [master, ...all.filter((pid) => stat(pid)?.[1] === master)];
}
/** CPU seconds used so far by the nodes of every setup and by PostgreSQL. */
function cpuNow() {
  const nodes = Object.values(setups).flat().reduce((s, n) => s + cpuOf(n.child.pid), 0);
  const pgCpu = postgresPids().reduce((s, pid) => s + cpuOf(pid), 0);
  return { nodes, postgres: pgCpu, bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 };
}

/** Statements executed so far in `db` (pg_stat_statements, nested ones in functions and triggers not counted). */
async function statementsIn(db) {
  const { rows } = await stats.query(
    "SELECT COALESCE(SUM(calls), 0)::bigint AS n FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 AND s.toplevel",
    [db],
  );
  return Number(rows[0].n);
}

const plaintext = Buffer.alloc(32, 7).toString("base64");
const keyOf = new Map();
for (const [name, nodes] of Object.entries(setups)) keyOf.set(name, (await call(nodes[0], "CreateKey", { Alias: `bench-${name}` })).KeyId);

let aliasCounter = 0;
/** One autocannon run against one node; counts answers that are not a success envelope as errors. */
async function drive(node, action, keyId, connections, seconds) {
  let errors = 0;
  let firstError;
  const onResponse = (status, resBody) => {
    if (status !== 200 || resBody.includes('"Error"')) {
      errors++;
      firstError ??= `${status} ${resBody.slice(0, 200)}`;
    }
  };
  let req;
  if (action === "Encrypt") {
    const body = JSON.stringify({ KeyId: keyId, Plaintext: plaintext });
    req = { method: "POST", path: "/", headers: signedHeaders("Encrypt", body, node.credential), body, onResponse };
  } else {
    req = {
      method: "POST", path: "/", onResponse,
      setupRequest: (r) => {
        const body = JSON.stringify({ Alias: `k${process.pid}-${++aliasCounter}` });
        return { ...r, body, headers: signedHeaders("CreateKey", body, node.credential) };
      },
    };
  }
  const r = await autocannon({ url: node.url, connections, duration: seconds, pipelining: 1, requests: [req] });
  return { requestsPerSec: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, errors: errors + r.errors + r.timeouts + r.non2xx, firstError };
}

/** A setup under `action`: its nodes driven at once, connections split evenly; totals summed. */
async function measure(name, action, seconds) {
  const nodes = setups[name];
  const per = Math.max(1, Math.floor(CONNECTIONS / nodes.length));
  const before = databaseOf[name] ? await statementsIn(databaseOf[name]) : 0;
  const cpu0 = cpuNow();
  const runs = await Promise.all(nodes.map((n) => drive(n, action, keyOf.get(name), per, seconds)));
  const cpu1 = cpuNow();
  const statements = databaseOf[name] ? (await statementsIn(databaseOf[name])) - before : undefined;
  const total = runs.reduce((s, r) => s + r.total, 0);
  const perRequest = (k) => ((cpu1[k] - cpu0[k]) * 1e6) / Math.max(1, total);
  return {
    cpuMicrosPerRequest: { nodes: perRequest("nodes"), postgres: perRequest("postgres"), bench: perRequest("bench") },
    statementsPerRequest: statements === undefined ? undefined : statements / Math.max(1, total),
    requestsPerSec: runs.reduce((s, r) => s + r.requestsPerSec, 0),
    total: runs.reduce((s, r) => s + r.total, 0),
    p50: Math.max(...runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    firstError: runs.find((r) => r.firstError)?.firstError,
  };
}

// Warm-up (JIT, caches, pools).
for (const name of Object.keys(setups)) await measure(name, "Encrypt", 1);

const ACTIONS = ["Encrypt", "CreateKey"].filter((a) => !ONLY_ACTIONS || ONLY_ACTIONS.has(a));
const ORDER = Object.keys(setups);
const samples = {};
for (const round of [0, 1]) {
  const order = round === 0 ? ORDER : [...ORDER].reverse();
  for (const action of ACTIONS) {
    for (const name of order) {
      const m = await measure(name, action, SECONDS);
      (samples[`${action}|${name}`] ??= []).push(m);
      const spr = (m.statementsPerRequest === undefined ? "" : `, ${m.statementsPerRequest.toFixed(2)} statements/request`) +
        `, CPU µs/request: nodes ${Math.round(m.cpuMicrosPerRequest.nodes)} postgres ${Math.round(m.cpuMicrosPerRequest.postgres)} load ${Math.round(m.cpuMicrosPerRequest.bench)}`;
      console.log(`${action.padEnd(10)} ${name.padEnd(17)} round ${round + 1}: ${Math.round(m.requestsPerSec)} req/s (p50 ${m.p50} p99 ${m.p99} ms${spr}, ${m.errors} errors${m.firstError ? `: ${m.firstError}` : ""})`);
    }
  }
}

for (const nodes of Object.values(setups)) for (const n of nodes) await stopNode(n);
await stats.end();
await postgres.stop();
rmSync(scratch, { recursive: true, force: true });
if (PROFILE) {
  for (const nodes of Object.values(setups)) {
    for (const n of nodes) {
      const s = summarise(join(PROFILE, `${n.name}.cpuprofile`));
      console.log(`\n${n.name}: ${Math.round(s.totalMs)} ms sampled; self time by area:`);
      for (const r of s.byArea.slice(0, 14)) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}`);
      console.log("  self time, by function:");
      for (const r of s.byFunction.slice(0, 25)) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}`);
      console.log("  inclusive, by function:");
      for (const r of s.inclusive.slice(0, 40)) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}`);
    }
  }
  process.exit(0);
}

// ---- report ----
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const results = ACTIONS.map((action) => {
  const row = { action, setups: {} };
  for (const name of ORDER) {
    const ms = samples[`${action}|${name}`];
    row.setups[name] = {
      requestsPerSec: mean(ms.map((m) => m.requestsPerSec)), rounds: ms.map((m) => Math.round(m.requestsPerSec)),
      p50: Math.max(...ms.map((m) => m.p50)), p99: Math.max(...ms.map((m) => m.p99)), errors: ms.reduce((s, m) => s + m.errors, 0),
    };
  }
  const base = row.setups["sqlite-1"].requestsPerSec;
  for (const name of ORDER) row.setups[name].ratioToSqlite = row.setups[name].requestsPerSec / base;
  return row;
});
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? "unknown", logicalCores: cpus.length, arch: process.arch, node: process.version,
  loadAverage1mAtEnd: os.loadavg()[0].toFixed(2), date: new Date().toISOString(), secondsPerMeasurement: SECONDS,
  totalConnections: CONNECTIONS, loadGenerator: "autocannon 9.0.0 (in the bench process)",
  postgres: "local throwaway instance (initdb by the bench, fsync off: the database's own durability is not what is measured)",
};
writeFileSync(join(reports, "cluster.json"), JSON.stringify({ machine, results }, null, 2) + "\n");

const fmt = (x) => Math.round(x).toLocaleString("en-US");
const lines = [
  "# Cluster throughput: one node on SQLite, one and two nodes on PostgreSQL",
  "",
  "`openkms serve` as users run it (rate limits off, audit on, default logging to a file), driven over HTTP keep-alive",
  `by autocannon with ${CONNECTIONS} connections in total per setup (two nodes: half on each, at once), ${SECONDS} s per`,
  "measurement, two rounds in alternating order; the numbers are the mean of the rounds. `bench/src/cluster.mjs`",
  "(`pnpm --filter @openkms/bench bench:cluster`).",
  "",
  "| Action | Setup | req/s | × sqlite-1 | p50 ms | p99 ms | errors | rounds |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
];
for (const r of results) {
  for (const name of ORDER) {
    const s = r.setups[name];
    lines.push(`| ${r.action} | ${name} | ${fmt(s.requestsPerSec)} | ${s.ratioToSqlite.toFixed(2)} | ${s.p50} | ${s.p99} | ${s.errors} | ${s.rounds.join(", ")} |`);
  }
}
lines.push(
  "",
  `Machine: ${machine.cpu}, ${machine.logicalCores} logical cores shared with other work (load average ${machine.loadAverage1mAtEnd} at the end), Node ${machine.node}; PostgreSQL: ${machine.postgres}.`,
  "",
  "## Reading it",
  "",
  "- Everything here — the nodes, PostgreSQL and the load generator — shares one machine's cores (with other work:",
  "  see the load average), so a second node adds no CPU: two nodes measure what coordination costs, not capacity.",
  "  On separate machines each node brings its own CPU; what stays shared is the database and the audit chain's head.",
  "- Where the time goes on PostgreSQL (no cache, so every change applies on every node's next request): an Encrypt",
  "  reads the credential, the account, the key and its version (four round trips to the database) and commits its",
  "  audit record (BEGIN, lock the chain head, INSERT, UPDATE head, COMMIT); SQLite answers the reads in-process from",
  "  its row cache. A CreateKey commits three times (write-ahead record, insert, final record) on either store.",
  "- Two nodes contend for the audit chain's head row: each node commits its queued records as one transaction, and",
  "  the other node's transaction waits for the row lock meanwhile. The next steps, measured against this report: a",
  "  node-local cache of credentials and keys invalidated by LISTEN/NOTIFY (removes the reads), and a shorter",
  "  head-lock hold (one statement for the INSERT and the head UPDATE).",
  "",
);
writeFileSync(join(reports, "cluster.md"), lines.join("\n"));
console.log(`\nwrote ${join(reports, "cluster.md")}`);
