// pnpm bench:fuzz — 100,000 fuzzed, signed requests (packages/server/test/_fuzz.mjs, the generator the test suite runs
// 10,000 of) against a started `openkms serve`, then `openkms audit verify`. Writes bench/reports/fuzz.md + .json:
// requests sent, successes, answers by error code and by action, anything that was not an HTTP 200 API answer (must
// be none), the server's RSS before and after, and the time taken. FUZZ_COUNT / FUZZ_SEED override the defaults.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { actions, ErrorCode } from "@openkms/server";
import { fuzzRequests, runFuzz } from "../../packages/server/test/_fuzz.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "../../apps/server/dist/openkms.js");
const COUNT = Number(process.env.FUZZ_COUNT ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const dataDir = mkdtempSync(join(tmpdir(), "openkms-fuzz-"));

const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", dataDir, "--rate-limits", "off", "--log-level", "warn"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve, reject) => {
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
    const m = /openkms listening on (\S+)\n/.exec(out);
    if (m) resolve(m[1]);
  });
  child.on("exit", (code) => reject(new Error(`openkms serve exited ${code}`)));
});
const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
const rss = () => Number(readFileSync(`/proc/${child.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) * 1024;

const { KmsClient } = await import("@openkms/client");
const kms = new KmsClient({ endpoint: url, secretId: creds.SecretId, secretKey: creds.SecretKey, region: creds.Region });
const seeds = { keyIds: [], blobs: [] };
for (const KeyUsage of ["ENCRYPT_DECRYPT", "ASYMMETRIC_SIGN_VERIFY_ECC", "ASYMMETRIC_DECRYPT_SM2", "ASYMMETRIC_SIGN_VERIFY_DILITHIUM"]) {
  seeds.keyIds.push((await kms.requestAny("CreateKey", { Alias: `fuzz-${KeyUsage.toLowerCase().replace(/_/g, "-")}`, KeyUsage })).KeyId);
}
seeds.blobs.push((await kms.requestAny("Encrypt", { KeyId: seeds.keyIds[0], Plaintext: Buffer.from("fuzz").toString("base64") })).CiphertextBlob);

const shapes = [...actions.values()].map((a) => ({ name: a.name, params: Object.keys(a.schema.shape ?? {}) }));
const requests = fuzzRequests({ actions: shapes, count: COUNT, seed: SEED, seeds });
const rssBefore = rss();
const started = performance.now();
let last = 0;
const { signTc3 } = await import("@openkms/client/tc3");
const sign = async ({ host, payload, timestamp }) =>
  (await signTc3({ secretId: creds.SecretId, secretKey: creds.SecretKey, service: "kms", host, contentType: "application/json", method: "POST", payload, timestamp })).authorization;
const tally = await runFuzz({
  url, sign, region: creds.Region, requests, allowedCodes: new Set(Object.values(ErrorCode)),
  onProgress: (n) => { if (n - last >= 10_000) { last = n; process.stderr.write(`  ${n} requests\n`); } },
});
const seconds = (performance.now() - started) / 1000;
const rssAfter = rss();
child.kill("SIGTERM");
await new Promise((r) => child.on("exit", r));
let auditVerify;
try {
  auditVerify = execFileSync(process.execPath, [bin, "audit", "verify", "--data-dir", dataDir], { encoding: "utf8" }).trim();
} catch (e) {
  auditVerify = `FAILED: ${e.stdout}${e.stderr}`;
}
rmSync(dataDir, { recursive: true, force: true });

const report = {
  date: new Date().toISOString(), node: process.version, seed: SEED, requests: COUNT, sent: tally.sent, unsendable: tally.unsendable ?? 0,
  success: tally.success, problems: tally.problems, seconds: Math.round(seconds * 10) / 10, requestsPerSecond: Math.round(tally.sent / seconds),
  serverRss: { before: rssBefore, after: rssAfter }, auditVerify,
  byCode: Object.fromEntries(Object.entries(tally.byCode).sort((a, b) => b[1] - a[1])),
  byAction: Object.fromEntries(Object.entries(tally.byAction).sort()),
};
const reports = join(here, "../reports");
writeFileSync(join(reports, "fuzz.json"), JSON.stringify(report, null, 2) + "\n");
const mb = (b) => (b / 2 ** 20).toFixed(1);
const md = `# Fuzzing the API (bench:fuzz)

${report.date}, Node ${report.node}, seed ${SEED}: ${COUNT.toLocaleString("en")} signed requests from the generator the test suite
runs 10,000 of (\`packages/server/test/_fuzz.mjs\`): every action with its own parameter names and generated values of
every JSON type, size and encoding (unicode with lone surrogates, numbers as strings, nesting, prototype names), plus
well-formed calls on real keys; against \`openkms serve\` (SQLite store, audit on, rate limits off), 8 in flight.

| | |
|---|---|
| sent | ${tally.sent.toLocaleString("en")} (${report.unsendable} not sendable by fetch: control characters in the action name) |
| success | ${tally.success.toLocaleString("en")} |
| API error answers | ${(tally.sent - tally.success).toLocaleString("en")} in ${Object.keys(report.byCode).length} codes |
| **not an HTTP 200 API answer, or InternalError** | **${tally.problems.length}** |
| time | ${report.seconds} s (${report.requestsPerSecond} requests/s) |
| server RSS | ${mb(rssBefore)} MiB before → ${mb(rssAfter)} MiB after |
| \`openkms audit verify\` afterwards | ${auditVerify.split("\\n")[0]} |

## Answers by error code

| code | count |
|---|---:|
${Object.entries(report.byCode).map(([c, n]) => `| ${c} | ${n} |`).join("\n")}

## By action (success / error)

| action | success | error |
|---|---:|---:|
${Object.entries(report.byAction).map(([a, v]) => `| \`${a.replace(/\|/g, "\\\\|")}\` | ${v.success} | ${v.error} |`).join("\n")}
${tally.problems.length ? `\n## Problems\n\n${tally.problems.slice(0, 50).map((p) => `- ${p}`).join("\n")}\n` : ""}`;
writeFileSync(join(reports, "fuzz.md"), md);
console.log(`bench:fuzz: ${tally.sent} sent, ${tally.success} success, ${tally.problems.length} problems; reports/fuzz.md`);
if (tally.problems.length) process.exitCode = 1;
