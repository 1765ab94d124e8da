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
// openkms.js: its sqlite-1, postgres-1 and postgres-2 run in the same rounds, as `…-before`); BENCH_CLUSTER_ACTIONS and
// BENCH_CLUSTER_SETUPS (comma lists: only these); BENCH_CLUSTER_PROFILE (a dir: every node runs under
// `node --cpu-prof` and the summary of each profile is printed; the report is not written then);
// BENCH_CLUSTER_DRIVE_ONE (load only each setup's first node: postgres-2 then shows what an idle second node costs).
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

if (process.env.BENCH_CLUSTER_RENDER) {
  // Only write cluster.md again from cluster.json (the report's text changed; no measurement).
  const { machine, results } = JSON.parse(readFileSync(join(reports, "cluster.json"), "utf8"));
  render(machine, results);
  process.exit(0);
}

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
if (BEFORE && wanted("sqlite-1-before")) setups["sqlite-1-before"] = [await startNode("sqlite-before", [], BEFORE)];
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

/**
 * The statements `db` executed since the last reset (pg_stat_statements), by kind: the first words of each statement,
 * with its calls; `nested`: run inside a function (e.g. the audit append's INSERT, once per successful commit).
 */
async function statementsIn(db) {
  const { rows } = await stats.query(
    `SELECT regexp_replace(left(s.query, 48), '\\s+', ' ', 'g') AS q, NOT s.toplevel AS nested, SUM(s.calls)::bigint AS n
     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 GROUP BY 1, 2 ORDER BY 3 DESC`,
    [db],
  );
  return rows.map((r) => ({ statement: r.q, nested: r.nested, calls: Number(r.n) }));
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
  // BENCH_CLUSTER_DRIVE_ONE: load only the first node of each setup (the others run idle), for comparisons.
  const nodes = process.env.BENCH_CLUSTER_DRIVE_ONE ? setups[name].slice(0, 1) : setups[name];
  const per = Math.max(1, Math.floor(CONNECTIONS / nodes.length));
  if (databaseOf[name]) await stats.query("SELECT pg_stat_statements_reset()");
  const cpu0 = cpuNow();
  const runs = await Promise.all(nodes.map((n) => drive(n, action, keyOf.get(name), per, seconds)));
  const cpu1 = cpuNow();
  const kinds = databaseOf[name] ? await statementsIn(databaseOf[name]) : undefined;
  const total = runs.reduce((s, r) => s + r.total, 0);
  const statements = kinds?.reduce((s, k) => s + (k.nested ? 0 : k.calls), 0);
  const perRequest = (k) => ((cpu1[k] - cpu0[k]) * 1e6) / Math.max(1, total);
  return {
    cpuMicrosPerRequest: { nodes: perRequest("nodes"), postgres: perRequest("postgres"), bench: perRequest("bench") },
    statementsPerRequest: statements === undefined ? undefined : statements / Math.max(1, total),
    statementKinds: kinds?.slice(0, 10).map((k) => ({ statement: k.statement, nested: k.nested, perRequest: k.calls / Math.max(1, total) })),
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
      for (const k of m.statementKinds ?? []) console.log(`    ${k.perRequest.toFixed(3)}/request  ${k.nested ? "(nested) " : ""}${k.statement}`);
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
if (ONLY_ACTIONS || ONLY_SETUPS || process.env.BENCH_CLUSTER_DRIVE_ONE) process.exit(0); // a partial run writes no report
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
/** Calls per request of the statements whose text starts with `prefix` (mean of the rounds). */
const callsOf = (ms, prefix, nested = false) =>
  mean(ms.map((m) => (m.statementKinds ?? []).filter((k) => k.nested === nested && k.statement.startsWith(prefix)).reduce((s, k) => s + k.perRequest, 0)));
const results = ACTIONS.map((action) => {
  const row = { action, setups: {} };
  for (const name of ORDER) {
    const ms = samples[`${action}|${name}`];
    const pgSetup = ms[0].statementsPerRequest !== undefined;
    row.setups[name] = {
      requestsPerSec: mean(ms.map((m) => m.requestsPerSec)), rounds: ms.map((m) => Math.round(m.requestsPerSec)),
      p50: Math.max(...ms.map((m) => m.p50)), p99: Math.max(...ms.map((m) => m.p99)), errors: ms.reduce((s, m) => s + m.errors, 0),
      cpuMicrosPerRequest: {
        nodes: mean(ms.map((m) => m.cpuMicrosPerRequest.nodes)), postgres: mean(ms.map((m) => m.cpuMicrosPerRequest.postgres)),
        loadGenerator: mean(ms.map((m) => m.cpuMicrosPerRequest.bench)),
      },
      ...(pgSetup && {
        statementsPerRequest: mean(ms.map((m) => m.statementsPerRequest)),
        auditAppendsPerRequest: callsOf(ms, "SELECT o_seq, o_mac FROM openkms_audit_append"),
        auditCommitsPerRequest: callsOf(ms, "INSERT INTO audit_log", true),
        statementKinds: ms.at(-1).statementKinds,
      }),
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
  postgres: "local throwaway instance (initdb by the bench, fsync off: the database's own durability is not what is measured), with pg_stat_statements",
  before: BEFORE ? "the `…-before` setups run the build of main at 2e5e71e (before the node cache and the one-statement audit commit)" : undefined,
};
writeFileSync(join(reports, "cluster.json"), JSON.stringify({ machine, results }, null, 2) + "\n");

render(machine, results);
console.log(`\nwrote ${join(reports, "cluster.md")}`);

/** Write cluster.md from the measurements (cluster.json's `machine` and `results`). */
function render(machine, results) {
  const ORDER = Object.keys(results[0].setups);
  const BEFORE = machine.before;
  const fmt = (x) => Math.round(x).toLocaleString("en-US");
  const f2 = (x) => (x === undefined ? "—" : x.toFixed(2));
  const lines = [
    "# Cluster throughput: one node on SQLite, one and two nodes on PostgreSQL",
    "",
    "`openkms serve` as users run it (rate limits off, audit on, default logging to a file), driven over HTTP keep-alive",
    `by autocannon with ${machine.totalConnections} connections in total per setup (two nodes: half on each, at once), ${machine.secondsPerMeasurement} s per`,
    "measurement, two rounds in alternating order; the numbers are the mean of the rounds. `bench/src/cluster.mjs`",
    "(`pnpm --filter @openkms/bench bench:cluster`; `BENCH_CLUSTER_BEFORE=<older openkms.js>` adds the `…-before` setups).",
    ...(BEFORE ? ["", `The \`…-before\` setups are the build of main at 2e5e71e (no node cache, five-statement audit commits), measured in the same rounds.`] : []),
    "",
    "Statements: what the setup's database executed (pg_stat_statements, top level), per request answered. CPU: user +",
    "system time of the node processes and of every PostgreSQL process during the measurement, per request.",
    "",
    "| Action | Setup | req/s | × sqlite-1 | p50 ms | p99 ms | statements / request | CPU µs / request: nodes | PostgreSQL | errors | rounds |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of results) {
    for (const name of ORDER) {
      const s = r.setups[name];
      lines.push(
        `| ${r.action} | ${name} | ${fmt(s.requestsPerSec)} | ${s.ratioToSqlite.toFixed(2)} | ${s.p50} | ${s.p99} | ${f2(s.statementsPerRequest)} | ` +
          `${fmt(s.cpuMicrosPerRequest.nodes)} | ${s.statementsPerRequest === undefined ? "—" : fmt(s.cpuMicrosPerRequest.postgres)} | ${s.errors} | ${s.rounds.join(", ")} |`,
      );
    }
  }
  lines.push("", `Machine: ${machine.cpu}, ${machine.logicalCores} logical cores shared with other work (load average ${machine.loadAverage1mAtEnd} at the end), Node ${machine.node}; PostgreSQL: ${machine.postgres}.`, "");
  const enc = results.find((r) => r.action === "Encrypt")?.setups;
  if (enc) {
    lines.push("## Encrypt: the statements, per request (last round)", "", "| Setup | per request | statement |", "| --- | ---: | --- |");
    for (const name of ORDER) {
      for (const k of enc[name].statementKinds ?? []) {
      if (k.perRequest < 0.005) continue;
      // Inside openkms_audit_append: its INSERT runs once per commit, its `SELECT cur_seq` once per head moved by the other node.
      const label = !k.nested ? "" : k.statement.startsWith("INSERT INTO audit_log") ? "(inside, once per commit) " : k.statement.startsWith("SELECT cur_seq") ? "(inside, once per head moved by another node) " : undefined;
      if (label !== undefined) lines.push(`| ${name} | ${k.perRequest.toFixed(3)} | ${label}\`${k.statement.trim()}…\` |`);
    }
    }
    lines.push("");
  }

  lines.push(...reading(results));
  writeFileSync(join(reports, "cluster.md"), lines.join("\n") + "\n");
}

/** The report's reading of the numbers: where the time goes before and after, and why two nodes are where they are. */
function reading(results) {
  const by = (action) => results.find((r) => r.action === action)?.setups ?? {};
  const enc = by("Encrypt");
  const ck = by("CreateKey");
  const f = (x) => (x === undefined ? "—" : x.toFixed(2));
  const us = (s) => `${Math.round(s.cpuMicrosPerRequest.nodes)} µs in the node${s === enc["postgres-2"] || s === enc["postgres-2-before"] ? "s" : ""} + ${Math.round(s.cpuMicrosPerRequest.postgres)} µs in PostgreSQL`;
  const out = ["## Where the time goes", ""];
  const b1 = enc["postgres-1-before"];
  const a1 = enc["postgres-1"];
  const a2 = enc["postgres-2"];
  const s1 = enc["sqlite-1"];
  if (b1) {
    out.push(
      `- **Before** (postgres-1-before, ${(b1.ratioToSqlite).toFixed(2)} × sqlite-1 for Encrypt): ${f(b1.statementsPerRequest)} statements per Encrypt —`,
      "  the credential, the account, the key and its version read on every request (one round trip each; nothing was",
      "  cached), and the audit commit (BEGIN, `SELECT … FROM audit_head FOR UPDATE`, INSERT, UPDATE head, COMMIT: the",
      "  head's row lock held across three round trips), shared by the records queued meanwhile. CPU per Encrypt:",
      `  ${us(b1)}, against ${Math.round(s1.cpuMicrosPerRequest.nodes)} µs for the SQLite node. A profile of the node under this load`,
      "  (`BENCH_CLUSTER_PROFILE`, `node --cpu-prof`) had it idle three quarters of the time — waiting for the database —",
      "  and, of its busy time, about 30 % in the socket writes of the driver (`writev`) and a further share parsing the",
      "  answers: the round trips, not the KMS work, were the cost.",
    );
  }
  out.push(
    `- **After** (postgres-1, ${a1.ratioToSqlite.toFixed(2)} × sqlite-1 for Encrypt): ${f(a1.statementsPerRequest)} statements per Encrypt — the`,
    "  reads come from the node cache (the few left refill entries after their 0.5 s lifetime), and what remains is the",
    "  barrier on the listening connection (`SELECT 1`, shown as `SELECT $1`: one per event-loop turn's requests) and",
    `  the one-statement audit commit (\`openkms_audit_append\`, ${f(a1.auditAppendsPerRequest)} per request: group commit). CPU per Encrypt: ${us(a1)}.`,
  );
  if (ck["postgres-1"]) {
    const cb = ck["postgres-1-before"];
    out.push(
      `- CreateKey on PostgreSQL: ${f(ck["postgres-1"].statementsPerRequest)} statements per request${cb ? ` (before: ${f(cb.statementsPerRequest)})` : ""} — the key and its first`,
      "  version are one INSERT statement (was BEGIN, two INSERTs, COMMIT), the account's key count, the write-ahead and",
      "  final audit records (group-committed), the barrier. PostgreSQL's own work per CreateKey (WAL, indexes, the",
      "  foreign key check) stays the larger share of its CPU.",
    );
  }
  if (a2) {
    const conflicts = a2.auditAppendsPerRequest > 0 ? 1 - a2.auditCommitsPerRequest / a2.auditAppendsPerRequest : 0;
    out.push(
      "",
      "## Two nodes on one machine",
      "",
      `postgres-2 is ${(a2.requestsPerSec / a1.requestsPerSec).toFixed(2)} × postgres-1 for Encrypt here${enc["postgres-2-before"] ? ` (before: ${(enc["postgres-2-before"].requestsPerSec / b1.requestsPerSec).toFixed(2)} ×)` : ""}. Everything in this`,
      "run — both nodes, PostgreSQL and the load generator — shares one machine's two cores with other work (see the load",
      "average), so a second node adds no CPU, only a second process competing for the same cores. The measurements say",
      "where the difference goes:",
      "",
      `- CPU per Encrypt in the nodes: ${Math.round(a2.cpuMicrosPerRequest.nodes)} µs for two nodes against ${Math.round(a1.cpuMicrosPerRequest.nodes)} µs for one. Each node sees half`,
      "  the requests, so each event-loop turn, socket write, barrier and audit commit is shared by fewer requests",
      `  (statements per request: ${f(a2.statementsPerRequest)} against ${f(a1.statementsPerRequest)}), and two processes take turns on the cores.`,
      `- The audit chain's head: ${f(a2.auditAppendsPerRequest)} append statements per request, of which ${f(a2.auditCommitsPerRequest)} committed; ${Math.round(conflicts * 100)} % found`,
      "  that the other node had moved the head first and were chained again after it (one more round trip each). The",
      "  lock itself is held only while the statement runs, so no node waits on the other across a network round trip.",
      "- Coherence costs little: changes are notified only on update and delete (none in this load), and the barrier is",
      "  one trivial statement per event-loop turn. Measured apart (`BENCH_CLUSTER_DRIVE_ONE=1`: all 16 connections on",
      "  the first node, the second node of postgres-2 running idle but listening; Encrypt, 3 s, two rounds, same run):",
      "  postgres-2 2,092 and 3,086 req/s against postgres-1 2,029 and 2,991 req/s — a second node costs nothing until",
      "  the load is split across the two processes.",
      "",
      "On separate machines each node brings its own cores; what stays shared is PostgreSQL and the chain head, whose",
      "statement is short. On this one box, two nodes are slower than one because the work per request rises (the",
      "lines above) while the CPU does not.",
    );
  }
  out.push("");
  return out;
}
