// Crypto benchmark: the WASM core (scalar and SIMD128 builds) against node:crypto, sm-crypto, hash-wasm and
// @noble/ciphers, all measured in the same run. Writes reports/crypto.json and reports/crypto.md.
// Bounded in time: every task runs for ~TASK_MS (few iterations for the slow pure-JS peers).
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import { stripVTControlCharacters } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import Chartscii from "chartscii";
import { gcm as nobleGcm } from "@noble/ciphers/aes.js";
import { sm3 as hashWasmSm3, createSM3 } from "hash-wasm";
import smCrypto from "sm-crypto";
import { loadCoreSync, simdSupported } from "@openkms/core-wasm";

const here = dirname(fileURLToPath(import.meta.url));
const reports = join(here, "..", "reports");
const TASK_MS = Number(process.env.BENCH_TASK_MS ?? 250);
const SIZES = [64, 4096, 1 << 20];
const BATCH = { 64: 64, 4096: 8, [1 << 20]: 1 }; // operations per timed call, so timer overhead stays negligible

const scalar = loadCoreSync("scalar");
const simd = simdSupported() ? loadCoreSync("simd") : null;
const key16 = new Uint8Array(randomBytes(16)), key32 = new Uint8Array(randomBytes(32));
const iv16 = new Uint8Array(randomBytes(16)), nonce = new Uint8Array(randomBytes(12));
const key16Hex = Buffer.from(key16).toString("hex"), iv16Hex = Buffer.from(iv16).toString("hex");
const hashWasmHasher = await createSM3(); // hash-wasm's synchronous API: a created hasher
const nodeRun = (c, d) => { c.update(d); return c.final(); };

/**
 * Rows: [algorithm, implementation, baselineImplementation?, fn(data)]. Each algorithm's ratios are taken against its
 * node:crypto row (for SM4-GCM, which Node lacks, against node:crypto sm4-ctr, which does no authentication).
 */
const impls = [];
const add = (algorithm, impl, fn, maxSize = Infinity) => impls.push({ algorithm, impl, fn, maxSize });
for (const [name, core] of [["wasm-scalar", scalar], ["wasm-simd", simd]]) {
  if (!core) continue;
  add("SM3", name, (d) => core.sm3(d));
  add("SM4-GCM", name, (d) => core.gcmSeal("SM4", key16, nonce, d)); // one-shot: key schedule and H in every call
  const sm4Key = core.gcmKey("SM4", key16); // prepared key: key schedule and H^1..H^4 once, outside the timing
  add("SM4-GCM", `${name} keyed`, (d) => sm4Key.seal(nonce, d));
  add("SM4-CTR", name, (d) => core.ctr("SM4", key16, iv16, d));
  add("SM4-CBC", name, (d) => core.cbcPkcs7("SM4", "encrypt", key16, iv16, d));
  add("AES-256-GCM", name, (d) => core.gcmSeal("AES", key32, nonce, d));
  add("AES-256-CTR", name, (d) => core.ctr("AES", key32, iv16, d)); // GCM's cipher half alone
  add("GHASH", name, (d) => core.ghash(key16, d)); // GCM's authentication half alone (no node:crypto equivalent)
}
add("SM3", "node:crypto", (d) => createHash("sm3").update(d).digest());
add("SM4-GCM", "node:crypto sm4-ctr", (d) => nodeRun(createCipheriv("sm4-ctr", key16, iv16), d)); // Node has no SM4-GCM
add("SM4-CTR", "node:crypto", (d) => nodeRun(createCipheriv("sm4-ctr", key16, iv16), d));
add("SM4-CBC", "node:crypto", (d) => nodeRun(createCipheriv("sm4-cbc", key16, iv16), d));
add("AES-256-CTR", "node:crypto", (d) => nodeRun(createCipheriv("aes-256-ctr", key32, iv16), d));
add("AES-256-GCM", "node:crypto", (d) => { const c = createCipheriv("aes-256-gcm", key32, nonce); nodeRun(c, d); return c.getAuthTag(); });
add("SM3", "hash-wasm", (d) => { hashWasmHasher.init(); hashWasmHasher.update(d); return hashWasmHasher.digest("binary"); });
add("SM3", "sm-crypto", (d) => smCrypto.sm3(d));
add("SM4-CBC", "sm-crypto", (d) => smCrypto.sm4.encrypt(d, key16Hex, { mode: "cbc", iv: iv16Hex, output: "array" }));
add("AES-256-GCM", "@noble/ciphers", (d) => nobleGcm(key32, nonce).encrypt(d));
void hashWasmSm3;

const bench = new Bench({ time: TASK_MS, warmupTime: 30, iterations: 2, warmupIterations: 1 });
const inputs = Object.fromEntries(SIZES.map((s) => [s, new Uint8Array(randomBytes(s))]));
for (const r of impls) {
  for (const size of SIZES) {
    const d = inputs[size], k = BATCH[size];
    bench.add(`${r.algorithm}|${r.impl}|${size}`, () => { for (let i = 0; i < k; i++) r.fn(d); });
  }
}
const loadBefore = os.loadavg()[0];
const started = Date.now();
await bench.run();
const elapsed = (Date.now() - started) / 1000;

const results = [];
for (const t of bench.tasks) {
  const [algorithm, impl, sizeStr] = t.name.split("|");
  const size = Number(sizeStr);
  if (t.result.state !== "completed") throw new Error(`${t.name}: ${t.result.state} ${t.result.error ?? ""}`);
  const secondsPerOp = t.result.latency.mean / 1000 / BATCH[size];
  results.push({ algorithm, impl, size, opsPerSec: 1 / secondsPerOp, mbPerSec: size / secondsPerOp / 1e6, samples: t.result.latency.samplesCount ?? null });
}
const find = (a, i, s) => results.find((r) => r.algorithm === a && r.impl === i && r.size === s);
for (const r of results) {
  const base = find(r.algorithm, "node:crypto", r.size) ?? find(r.algorithm, "node:crypto sm4-ctr", r.size);
  r.ratioToNode = base ? r.mbPerSec / base.mbPerSec : null;
}

// Targets (issue 3): shown, not asserted.
const bestOf = (a, s, impls) => impls.map((i) => find(a, i, s)).filter(Boolean).sort((x, y) => y.mbPerSec - x.mbPerSec)[0];
const best = (a, s) => bestOf(a, s, ["wasm-simd", "wasm-scalar"]); // one-shot calls, as the targets were set
const bestKeyed = (a, s) => bestOf(a, s, ["wasm-simd keyed", "wasm-scalar keyed"]);
const MiB = 1 << 20;
const target = (what, value, goal, detail) => ({ what, value: Number(value.toFixed(2)), goal, met: value >= goal, detail });
const targets = [
  target("WASM SM4-GCM ÷ node:crypto sm4-ctr, MB/s at 1 MiB", best("SM4-GCM", MiB).mbPerSec / find("SM4-CTR", "node:crypto", MiB).mbPerSec, 1.0, best("SM4-GCM", MiB).impl),
  target("WASM SM3 ÷ hash-wasm sm3, MB/s at 1 MiB", best("SM3", MiB).mbPerSec / find("SM3", "hash-wasm", MiB).mbPerSec, 1.0, best("SM3", MiB).impl),
  target("WASM SM4-GCM ÷ sm-crypto sm4-cbc, MB/s at 1 MiB", best("SM4-GCM", MiB).mbPerSec / find("SM4-CBC", "sm-crypto", MiB).mbPerSec, 15, best("SM4-GCM", MiB).impl),
  target("WASM SM3 ÷ sm-crypto sm3, MB/s at 1 MiB", best("SM3", MiB).mbPerSec / find("SM3", "sm-crypto", MiB).mbPerSec, 15, best("SM3", MiB).impl),
  target("WASM AES-256-GCM ÷ @noble/ciphers, MB/s at 1 MiB", best("AES-256-GCM", MiB).mbPerSec / find("AES-256-GCM", "@noble/ciphers", MiB).mbPerSec, 5, best("AES-256-GCM", MiB).impl),
  target("WASM SM3 ÷ node:crypto sm3, ops/s at 64 B", best("SM3", 64).opsPerSec / find("SM3", "node:crypto", 64).opsPerSec, 3, best("SM3", 64).impl),
  target("WASM SM4-CTR ÷ node:crypto sm4-ctr, ops/s at 64 B", best("SM4-CTR", 64).opsPerSec / find("SM4-CTR", "node:crypto", 64).opsPerSec, 3, best("SM4-CTR", 64).impl),
  target("WASM SM4-GCM ÷ node:crypto sm4-ctr, ops/s at 64 B", best("SM4-GCM", 64).opsPerSec / find("SM4-CTR", "node:crypto", 64).opsPerSec, 3, best("SM4-GCM", 64).impl),
  target("WASM SM4-GCM, prepared key (gcmKey / sm4GcmKey) ÷ node:crypto sm4-ctr, ops/s at 64 B", bestKeyed("SM4-GCM", 64).opsPerSec / find("SM4-CTR", "node:crypto", 64).opsPerSec, 3, bestKeyed("SM4-GCM", 64).impl),
];

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? "unknown", logicalCores: cpus.length, arch: process.arch, platform: `${os.type()} ${os.release()}`,
  memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)), node: process.version, v8: process.versions.v8,
  openssl: process.versions.openssl, wasmSimd128: simdSupported(),
  loadAverage1m: `${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after (other processes share the cores)`, date: new Date().toISOString(), benchSeconds: Number(elapsed.toFixed(1)),
};
mkdirSync(reports, { recursive: true });
writeFileSync(join(reports, "crypto.json"), JSON.stringify({ machine, sizes: SIZES, taskMs: TASK_MS, results, targets }, null, 2) + "\n");

// ---- Markdown ----
const fmt = (x, d = 1) => (x >= 100 ? x.toFixed(0) : x.toFixed(d));
const algorithms = [...new Set(results.map((r) => r.algorithm))];
let md = `# Crypto benchmark\n\nGenerated by \`pnpm bench\` (bench/src/crypto.mjs, tinybench, ${TASK_MS} ms per task) — do not edit.\n\n`;
md += `## Machine\n\n| | |\n| --- | --- |\n` + Object.entries(machine).map(([k, v]) => `| ${k} | ${v} |`).join("\n") + "\n\n";
md += `## Targets (issue 3; reported, not asserted)\n\n| target | measured | goal | status |\n| --- | ---: | ---: | --- |\n`;
for (const t of targets) md += `| ${t.what} (${t.detail}) | ${t.value}× | ≥ ${t.goal}× | ${t.met ? "met" : "**MISSED**"} |\n`;
const missed = targets.filter((t) => !t.met);
md += missed.length ? `\n**${missed.length} target(s) missed on this machine:** ${missed.map((t) => t.what).join("; ")}.\n\n` : "\nAll targets met on this machine.\n\n";
// Why each missed target is missed (written for the targets that are missed in this run).
const mb = (a, i) => find(a, i, MiB)?.mbPerSec ?? 0;
const ghashBest = Math.max(mb("GHASH", "wasm-simd"), mb("GHASH", "wasm-scalar"));
const why = {
  "WASM SM4-GCM ÷ node:crypto sm4-ctr, MB/s at 1 MiB":
    `GCM = CTR + GHASH, so its rate is 1 / (1/CTR + 1/GHASH): here SM4-CTR ${fmt(Math.max(mb("SM4-CTR", "wasm-simd"), mb("SM4-CTR", "wasm-scalar")))} MB/s and the table-free GHASH ${fmt(ghashBest)} MB/s. ` +
    `WebAssembly has no carry-less multiply; a table-driven GHASH would be faster but not constant time.`,
  "WASM SM4-GCM ÷ sm-crypto sm4-cbc, MB/s at 1 MiB":
    `Within noise of the goal (≈ 11–16 × across runs on this machine): SM4-GCM is bound by 1 / (1/CTR + 1/GHASH) — here SM4-CTR ${fmt(Math.max(mb("SM4-CTR", "wasm-simd"), mb("SM4-CTR", "wasm-scalar")))} MB/s and GHASH ${fmt(ghashBest)} MB/s, i.e. at most ${fmt(1 / (1 / Math.max(mb("SM4-CTR", "wasm-simd"), mb("SM4-CTR", "wasm-scalar")) + 1 / ghashBest))} MB/s — ` +
    `and sm-crypto's rate at 1 MiB (${fmt(mb("SM4-CBC", "sm-crypto"))} MB/s in this run) moves a lot with garbage collection.`,
  "WASM AES-256-GCM ÷ @noble/ciphers, MB/s at 1 MiB":
    `5 × @noble/ciphers is ${fmt(5 * mb("AES-256-GCM", "@noble/ciphers"))} MB/s here. GCM = CTR + GHASH, so its rate is at most 1 / (1/CTR + 1/GHASH): ` +
    `the WASM AES-256-CTR runs at ${fmt(Math.max(mb("AES-256-CTR", "wasm-simd"), mb("AES-256-CTR", "wasm-scalar")))} MB/s (SIMD build: constant-time vector-permute AES, 14 rounds of ~9 byte permutes per block; scalar build: T-tables, not constant time) ` +
    `and the table-free GHASH at ${fmt(ghashBest)} MB/s (WebAssembly has no carry-less multiply; each block costs 96 masked 64-bit multiplies). ` +
    `Meeting the target would need AES-CTR ≥ ${ghashBest > 5 * mb("AES-256-GCM", "@noble/ciphers") ? fmt(1 / (1 / (5 * mb("AES-256-GCM", "@noble/ciphers")) - 1 / ghashBest)) + " MB/s" : "an infinitely fast cipher"} with this GHASH — several times what byte permutes in WASM reach — so this target is out of reach for a constant-time WASM AES-GCM; node:crypto (AES-NI) stays the facade's AES default.`,
  "WASM SM3 ÷ node:crypto sm3, ops/s at 64 B": `A 64-byte message costs two compressions (the padding needs a second block) plus the copy into and out of WASM memory.`,
  "WASM SM4-GCM ÷ node:crypto sm4-ctr, ops/s at 64 B":
    `3 × node:crypto sm4-ctr is ${fmt(3 * (find("SM4-CTR", "node:crypto", 64)?.opsPerSec ?? 0) / 1000, 0)} k ops/s here, i.e. ≤ ${fmt(1e9 / (3 * (find("SM4-CTR", "node:crypto", 64)?.opsPerSec ?? 1)), 0)} ns per call, while node:crypto sm4-ctr does no authentication. ` +
    `A one-shot SM4-GCM call on top of SM4-CTR's work computes H = E(K, 0^128) and E(K, J0) (in the same batch, and in the SIMD build in the same loop as the key expansion) and runs GHASH over 5 blocks one after the other (≈ 50 ns each); ` +
    `the result (80 B) must be a fresh array, and V8 allocates typed arrays over 64 B outside the heap (≈ 120 ns). The WASM SM4-CTR row at 64 B is the ceiling for this design.`,
  "WASM SM4-GCM, prepared key (gcmKey / sm4GcmKey) ÷ node:crypto sm4-ctr, ops/s at 64 B": `See the one-shot row: with the key schedule and H^1..H^4 prepared, what is left per call is the 5-block SM4 batch (32 dependent rounds), GHASH over 5 blocks, copying the 832-byte prepared state in and wiping it, and the result allocation.`,
  "WASM SM3 ÷ hash-wasm sm3, MB/s at 1 MiB": `SM3 compression is scalar 32-bit arithmetic in both; the margin is small and within this machine's noise.`,
  "WASM SM3 ÷ sm-crypto sm3, MB/s at 1 MiB": `Unexpected; see the raw rows.`,
  "WASM SM4-CTR ÷ node:crypto sm4-ctr, ops/s at 64 B": `Met in most runs (≈ 3–5 ×); at 64 B a call is dominated by key expansion and copying, which this machine's load makes noisy.`,
};
md += `### Notes\n\n` +
  `- Prepared-key rows ("keyed") are labelled separately: node:crypto has no way to reuse a key schedule across IVs, so its baseline pays the key setup on every call; the one-shot rows are the like-for-like comparison the targets were set for.\n` +
  `- The machine is shared (see loadAverage1m): absolute MB/s move by ±30 % between runs, especially at 4 KiB and 1 MiB for the pure-JS peers; compare ratios, and rerun before drawing conclusions from one row.\n` +
  `- Constant time: every wasm-simd row is constant time (SM4 and AES by vector-permute S-boxes, key schedules included; GHASH by masked multiplies); the wasm-scalar SM4 and AES rows are T-table ciphers, NOT constant time (see packages/core-wasm/SECURITY.md). A target met only by a wasm-scalar row is met by the non-constant-time fallback.\n` +
  missed.map((t) => `- **${t.what} — missed:** ${why[t.what] ?? "see the rows below."}\n`).join("") + "\n";
md += `## Results\n\nMB/s = 10^6 bytes per second of input; ops/s at 64 B; ×node = ratio to the node:crypto row of the same algorithm and size from this run (SM4-GCM: node:crypto has no SM4-GCM, its baseline is node:crypto sm4-ctr, which does no authentication).\n\n`;
md += `| algorithm | implementation | 64 B MB/s | 64 B ops/s | 4 KiB MB/s | 1 MiB MB/s | ×node 64 B | ×node 4 KiB | ×node 1 MiB |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n`;
for (const a of algorithms) {
  for (const impl of [...new Set(results.filter((r) => r.algorithm === a).map((r) => r.impl))]) {
    const [s, m, l] = SIZES.map((z) => find(a, impl, z));
    const ratio = (r) => (r.ratioToNode == null ? "–" : `${r.ratioToNode.toFixed(2)}×`);
    md += `| ${a} | ${impl} | ${fmt(s.mbPerSec)} | ${Math.round(s.opsPerSec).toLocaleString("en-US")} | ${fmt(m.mbPerSec)} | ${fmt(l.mbPerSec)} | ${ratio(s)} | ${ratio(m)} | ${ratio(l)} |\n`;
  }
}
const chartRows = results.filter((r) => r.size === MiB).map((r) => ({ label: `${r.algorithm} ${r.impl}`, value: Number(r.mbPerSec.toFixed(1)) }));
const chart = new Chartscii(chartRows, { width: 60, barSize: 1, valueLabels: true, valueLabelsFloatingPoint: 1, title: "MB/s at 1 MiB" });
md += `\n## Chart: MB/s at 1 MiB (chartscii)\n\n\`\`\`text\n${stripVTControlCharacters(chart.create())}\n\`\`\`\n`;
writeFileSync(join(reports, "crypto.md"), md);
console.log(md);
