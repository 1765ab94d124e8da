// Post-quantum benchmark: ML-KEM-768 keygen / encaps / decaps and ML-DSA-65 keygen / sign / verify on the WASM PQC
// module (scalar and SIMD128 builds of @openkms/core-wasm/pqc) against @noble/post-quantum 0.7.1 (pure JS), all in
// the same process and run. Writes reports/pqc.json and reports/pqc.md. Run: `pnpm bench` at the root (builds first).
//
// Each task is timed by tinybench (time budget per task, warm-up first). Signing time varies with the number of
// FIPS 204 rejection-loop iterations, so sign is hedged with fresh randomness each call (as the server signs) and
// the report gives the median and 90th percentile per operation besides ops/s.
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { Bench } from "tinybench";
import { loadPqcSync, pqcSimdSupported } from "@openkms/core-wasm/pqc";
import { ml_kem768 as nobleKem } from "@noble/post-quantum/ml-kem.js";
import { ml_dsa65 as nobleDsa } from "@noble/post-quantum/ml-dsa.js";

const here = dirname(fileURLToPath(import.meta.url));
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500);
const TARGET = 5; // issue 5: ≥ 5× noble for encaps, decaps, sign, verify
const TARGET_OPS = ["ML-KEM-768 encaps", "ML-KEM-768 decaps", "ML-DSA-65 sign", "ML-DSA-65 verify"];
const rnd32 = () => crypto.getRandomValues(new Uint8Array(32));
const message = new TextEncoder().encode("OpenKMS post-quantum benchmark message (a typical short payload)");
const EMPTY = new Uint8Array(0);

function implementations() {
  const impls = [];
  for (const flavor of ["scalar", ...(pqcSimdSupported() ? ["simd"] : [])]) {
    const p = loadPqcSync(flavor);
    const seed = crypto.getRandomValues(new Uint8Array(64));
    const kem = p.mlKem768KeyGen(seed.subarray(0, 32), seed.subarray(32));
    const ct = p.mlKem768Encaps(kem.encapsulationKey, rnd32()).ciphertext;
    const dsa = p.mlDsa65KeyGen(rnd32());
    const sig = p.mlDsa65Sign(dsa.secretKey, message, EMPTY, rnd32());
    impls.push({
      name: `WASM ${flavor}`,
      ops: {
        "ML-KEM-768 keygen": () => p.mlKem768KeyGen(rnd32(), rnd32()),
        "ML-KEM-768 encaps": () => p.mlKem768Encaps(kem.encapsulationKey, rnd32()),
        "ML-KEM-768 decaps": () => p.mlKem768Decaps(kem.decapsulationKey, ct),
        "ML-DSA-65 keygen": () => p.mlDsa65KeyGen(rnd32()),
        "ML-DSA-65 sign": () => p.mlDsa65Sign(dsa.secretKey, message, EMPTY, rnd32()),
        "ML-DSA-65 verify": () => p.mlDsa65Verify(dsa.publicKey, message, sig, EMPTY),
      },
    });
  }
  const kem = nobleKem.keygen();
  const ct = nobleKem.encapsulate(kem.publicKey).cipherText;
  const dsa = nobleDsa.keygen();
  const sig = nobleDsa.sign(message, dsa.secretKey);
  impls.push({
    name: "@noble/post-quantum 0.7.1",
    ops: {
      "ML-KEM-768 keygen": () => nobleKem.keygen(),
      "ML-KEM-768 encaps": () => nobleKem.encapsulate(kem.publicKey),
      "ML-KEM-768 decaps": () => nobleKem.decapsulate(ct, kem.secretKey),
      "ML-DSA-65 keygen": () => nobleDsa.keygen(),
      "ML-DSA-65 sign": () => nobleDsa.sign(message, dsa.secretKey), // hedged (fresh randomness) by default
      "ML-DSA-65 verify": () => nobleDsa.verify(sig, message, dsa.publicKey),
    },
  });
  return impls;
}

function quantile(sorted, q) {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

const impls = implementations();
const opNames = Object.keys(impls[0].ops);
const results = {}; // results[op][impl] = { opsPerSec, medianUs, p90Us, samples }
for (const op of opNames) {
  results[op] = {};
  const bench = new Bench({ time: TIME_MS, warmupTime: 200, retainSamples: true });
  for (const impl of impls) bench.add(impl.name, impl.ops[op]);
  await bench.run();
  for (const task of bench.tasks) {
    if (task.result.state !== "completed") throw new Error(`${op} ${task.name}: ${task.result.state} ${task.result.error ?? ""}`);
    const samples = [...task.result.latency.samples].sort((a, b) => a - b); // ms per call
    results[op][task.name] = {
      opsPerSec: Math.round(1000 / task.result.latency.mean),
      medianUs: +(quantile(samples, 0.5) * 1000).toFixed(1),
      p90Us: +(quantile(samples, 0.9) * 1000).toFixed(1),
      samples: samples.length,
    };
  }
  process.stdout.write(`${op}: ${impls.map((i) => `${i.name} ${results[op][i.name].opsPerSec} ops/s`).join(", ")}\n`);
}

const noble = impls.at(-1).name;
const wasmNames = impls.slice(0, -1).map((i) => i.name);
// Two ratios per cell: by mean throughput (ops/s) and by median time; the target is judged on the lower one, so that
// neither garbage-collection outliers on the JS side nor a lucky mean decide it.
const ratios = {};
for (const op of opNames) {
  ratios[op] = {};
  for (const w of wasmNames) {
    ratios[op][w] = {
      byOpsPerSec: +(results[op][w].opsPerSec / results[op][noble].opsPerSec).toFixed(1),
      byMedian: +(results[op][noble].medianUs / results[op][w].medianUs).toFixed(1),
    };
  }
}
const conservative = (op, w) => Math.min(ratios[op][w].byOpsPerSec, ratios[op][w].byMedian);
const best = (op) => Math.max(...wasmNames.map((w) => conservative(op, w)));
const env = { node: process.version, v8: process.versions.v8, platform: `${process.platform} ${process.arch}`, cpu: cpus()[0]?.model ?? "unknown", cpus: cpus().length, date: new Date().toISOString() };
const report = { env, timePerTaskMs: TIME_MS, target: { ratio: TARGET, operations: TARGET_OPS }, results, ratiosVsNoble: ratios };

const reports = join(here, "..", "reports");
mkdirSync(reports, { recursive: true });
writeFileSync(join(reports, "pqc.json"), JSON.stringify(report, null, 2) + "\n");

const rows = [];
rows.push(`| operation | implementation | ops/s | median (µs) | p90 (µs) | × noble (ops/s) | × noble (median) |`);
rows.push(`|---|---|---:|---:|---:|---:|---:|`);
for (const op of opNames) {
  for (const impl of impls) {
    const r = results[op][impl.name];
    const x = impl.name === noble ? ["1.0", "1.0"] : [ratios[op][impl.name].byOpsPerSec.toFixed(1), ratios[op][impl.name].byMedian.toFixed(1)];
    rows.push(`| ${op} | ${impl.name} | ${r.opsPerSec.toLocaleString("en-US")} | ${r.medianUs} | ${r.p90Us} | ${x[0]} | ${x[1]} |`);
  }
}
const verdict = TARGET_OPS.map((op) => `- ${op}: best WASM build ${best(op).toFixed(1)}× noble (lower of the two ratios) — ${best(op) >= TARGET ? "target met" : `**target (${TARGET}×) missed**`}`);
const md = `# Post-quantum benchmark (ML-KEM-768, ML-DSA-65)

Generated by \`bench/src/pqc.mjs\` (tinybench, ${TIME_MS} ms per task) — do not edit by hand; re-run \`pnpm bench\`.
Same process, same run: the WASM PQC module of \`@openkms/core-wasm/pqc\` (scalar and SIMD128 builds) against
\`@noble/post-quantum\` 0.7.1 (pure JavaScript). Figures include the JS glue (copies in and out, wiping).
Sign is hedged with fresh randomness per call on both sides; its time varies with the FIPS 204 rejection loop, hence
median and p90.

Machine: ${env.cpu} (${env.cpus} logical CPUs, shared with other jobs), ${env.platform}, Node ${env.node} (V8 ${env.v8}), ${env.date}.

${rows.join("\n")}

## Target: ≥ ${TARGET}× noble for encaps, decaps, sign and verify

${verdict.join("\n")}

Notes:
- The SIMD128 build vectorises the NTT butterflies (layers with len ≥ 4), the inverse NTT, the final scaling and the
  pointwise Montgomery products (4 × i32 lanes, 64-bit products with \`i64x2.extmul\`). Keccak-f[1600] is scalar in
  both builds (WebAssembly SIMD has no 64-bit lane rotate and a 2-lane Keccak would need the rejection samplers
  restructured), so ML-KEM — dominated by SHAKE128 matrix expansion and SHA3/SHAKE hashing — gains little from SIMD,
  while ML-DSA signing, dominated by NTTs in the rejection loop, gains most.
- The machine is shared; absolute numbers move between runs, the ratios measured in the same run much less.
`;
writeFileSync(join(reports, "pqc.md"), md);
process.stdout.write(`\nwrote bench/reports/pqc.md and pqc.json\n${verdict.join("\n")}\n`);
