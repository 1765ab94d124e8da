// Asymmetric benchmark (issue 4): sign, verify and decrypt ops/s for SM2 (ours vs sm-crypto vs sm-crypto-v2),
// RSA-2048 and ECDSA P-256, all in the same run; plus the timing of RSAES-PKCS1-v1_5 decryption for a valid
// ciphertext against each class of malformed one (the no-padding-oracle requirement is measured here, not in tests).
// Writes reports/asymmetric.json and reports/asymmetric.md. Bounded: each task runs ~TASK_MS.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { Bench } from "tinybench";
import Chartscii from "chartscii";
import smCrypto from "sm-crypto";
import smCryptoV2 from "sm-crypto-v2";
import * as sm2 from "@openkms/crypto/sm2";
import * as rsa from "@openkms/crypto/rsa";
import * as oaep from "@openkms/crypto/rsaes-oaep";
import * as pkcs1 from "@openkms/crypto/rsaes-pkcs1v15";
import * as pss from "@openkms/crypto/rsassa-pss";
import * as pkcs1sig from "@openkms/crypto/rsassa-pkcs1v15";
import * as ecdsa from "@openkms/crypto/ecdsa-p256";

const here = dirname(fileURLToPath(import.meta.url));
const reports = join(here, "..", "reports");
const TASK_MS = Number(process.env.BENCH_TASK_MS ?? 250);
const hex = (b) => Buffer.from(b).toString("hex");

const message = new Uint8Array(randomBytes(256));
const msgArray = Array.from(message); // sm-crypto hashes a string argument as UTF-8 text, so pass the bytes
const secret32 = new Uint8Array(randomBytes(32));

// SM2: one key pair shared by every implementation (sm-crypto takes hex, public key 04‖x‖y).
const sm2Keys = sm2.generateKeyPair();
const sm2PrivHex = hex(sm2Keys.secretKey), sm2PubHex = hex(sm2Keys.publicKey);
const sm2Sig = sm2.sign(sm2Keys.secretKey, message);
const sm2SigV1 = smCrypto.sm2.doSignature(msgArray, sm2PrivHex, { hash: true, der: true });
const sm2SigV2 = smCryptoV2.sm2.doSignature(message, sm2PrivHex, { hash: true, der: true });
const sm2Ct = sm2.encrypt(sm2Keys.publicKey, secret32, "C1C3C2");
const sm2CtHex = hex(sm2Ct);
if (!sm2.verify(sm2Keys.publicKey, message, new Uint8Array(Buffer.from(sm2SigV1, "hex")))) throw new Error("sm-crypto signature does not verify under ours");
if (hex(smCrypto.sm2.doDecrypt(sm2CtHex, sm2PrivHex, 1, { output: "array" })) !== hex(secret32)) throw new Error("sm-crypto cannot decrypt our SM2 ciphertext");

const rsaKeys = rsa.generateKeyPair(2048);
const pssSig = pss.sign(rsaKeys.secretKey, message);
const pkcs1Sig = pkcs1sig.sign(rsaKeys.secretKey, message);
const oaepCt = oaep.encrypt(rsaKeys.publicKey, secret32, "SHA-256");
const pkcs1Ct = pkcs1.encrypt(rsaKeys.publicKey, secret32);
const ecKeys = ecdsa.generateKeyPair();
const ecSig = ecdsa.sign(ecKeys.secretKey, message);
const digest = new Uint8Array(createHash("sha256").update(message).digest());

const rows = [
  ["SM2 sign", "ours (@noble/curves + SM3)", () => sm2.sign(sm2Keys.secretKey, message)],
  ["SM2 sign", "sm-crypto", () => smCrypto.sm2.doSignature(msgArray, sm2PrivHex, { hash: true, der: true })],
  ["SM2 sign", "sm-crypto-v2", () => smCryptoV2.sm2.doSignature(message, sm2PrivHex, { hash: true, der: true })],
  ["SM2 verify", "ours (@noble/curves + SM3)", () => sm2.verify(sm2Keys.publicKey, message, sm2Sig)],
  ["SM2 verify", "sm-crypto", () => smCrypto.sm2.doVerifySignature(msgArray, sm2SigV1, sm2PubHex, { hash: true, der: true })],
  ["SM2 verify", "sm-crypto-v2", () => smCryptoV2.sm2.doVerifySignature(message, sm2SigV2, sm2PubHex, { hash: true, der: true })],
  ["SM2 decrypt", "ours (@noble/curves + SM3)", () => sm2.decrypt(sm2Keys.secretKey, sm2Ct, "C1C3C2")],
  ["SM2 decrypt", "sm-crypto", () => smCrypto.sm2.doDecrypt(sm2CtHex, sm2PrivHex, 1, { output: "array" })],
  ["SM2 decrypt", "sm-crypto-v2", () => smCryptoV2.sm2.doDecrypt(sm2CtHex, sm2PrivHex, 1, { output: "array" })],
  ["RSA-2048 sign PSS-SHA-256", "ours (node:crypto)", () => pss.sign(rsaKeys.secretKey, message)],
  ["RSA-2048 verify PSS-SHA-256", "ours (node:crypto)", () => pss.verify(rsaKeys.publicKey, message, pssSig)],
  ["RSA-2048 sign PKCS1-SHA-256", "ours (node:crypto)", () => pkcs1sig.sign(rsaKeys.secretKey, message)],
  ["RSA-2048 verify PKCS1-SHA-256", "ours (node:crypto)", () => pkcs1sig.verify(rsaKeys.publicKey, message, pkcs1Sig)],
  ["RSA-2048 decrypt OAEP-SHA-256", "ours (node:crypto)", () => oaep.decrypt(rsaKeys.secretKey, oaepCt, "SHA-256")],
  ["RSA-2048 decrypt PKCS1-v1_5", "ours (raw RSA + constant-time unpadding)", () => pkcs1.decrypt(rsaKeys.secretKey, pkcs1Ct)],
  ["ECDSA P-256 sign", "ours (@noble/curves)", () => ecdsa.sign(ecKeys.secretKey, message)],
  ["ECDSA P-256 sign DIGEST", "ours (@noble/curves)", () => ecdsa.signDigest(ecKeys.secretKey, digest)],
  ["ECDSA P-256 verify", "ours (@noble/curves)", () => ecdsa.verify(ecKeys.publicKey, message, ecSig)],
];

// PKCS#1 v1.5 decryption timing: valid vs malformed ciphertexts, made by encrypting crafted blocks with the raw
// public operation (RSAES-PKCS1-v1_5 EM = 0x00 ‖ 0x02 ‖ PS ‖ 0x00 ‖ M, RFC 8017 §7.2.1).
const { publicEncrypt, constants } = await import("node:crypto");
const pubKeyObj = { key: Buffer.from(rsaKeys.publicKey), format: "der", type: "spki", padding: constants.RSA_NO_PADDING };
const craft = (mutate) => {
  const em = Buffer.alloc(256);
  em[0] = 0x00; em[1] = 0x02;
  for (let i = 2; i < 256 - 33; i++) em[i] = 1 + (randomBytes(1)[0] % 255);
  em[256 - 33] = 0x00;
  Buffer.from(secret32).copy(em, 256 - 32);
  mutate(em);
  return new Uint8Array(publicEncrypt(pubKeyObj, em));
};
const timingClasses = [
  ["valid", craft(() => {})],
  ["first byte not 0x00", craft((em) => { em[0] = 0x01; })],
  ["block type not 0x02", craft((em) => { em[1] = 0x01; })],
  ["no 0x00 separator", craft((em) => { for (let i = 2; i < 256; i++) if (em[i] === 0) em[i] = 7; })],
  ["padding string < 8 bytes", craft((em) => { em[5] = 0x00; })],
];
for (const [name, ct] of timingClasses) {
  let ok = true;
  try { pkcs1.decrypt(rsaKeys.secretKey, ct); } catch { ok = false; }
  if (ok !== (name === "valid")) throw new Error(`PKCS#1 class ${name}: unexpected result`);
  rows.push(["PKCS1-v1_5 decrypt timing", name, () => { try { pkcs1.decrypt(rsaKeys.secretKey, ct); } catch { /* same error for all */ } }]);
}

const bench = new Bench({ time: TASK_MS, warmupTime: 50, iterations: 5, warmupIterations: 2 });
for (const [op, impl, fn] of rows) bench.add(`${op}|${impl}`, fn);
const started = Date.now();
await bench.run();
const elapsed = (Date.now() - started) / 1000;

const results = bench.tasks.map((t) => {
  const [operation, implementation] = t.name.split("|");
  if (t.result.state !== "completed") throw new Error(`${t.name}: ${t.result.state} ${t.result.error ?? ""}`);
  const l = t.result.latency;
  return { operation, implementation, opsPerSec: 1000 / l.mean, meanMs: l.mean, p50Ms: l.p50 ?? null, samples: l.samplesCount ?? null };
});
for (const r of results) {
  if (!r.operation.startsWith("SM2")) continue;
  const peer = results.find((x) => x.operation === r.operation && x.implementation === "sm-crypto");
  r.ratioToSmCrypto = peer ? r.opsPerSec / peer.opsPerSec : null;
}
const timing = results.filter((r) => r.operation === "PKCS1-v1_5 decrypt timing");
// Medians: means on a shared machine are dragged by scheduler hiccups.
const mid = (r) => r.p50Ms ?? r.meanMs;
const validMid = mid(timing.find((r) => r.implementation === "valid"));
for (const r of timing) r.relativeToValid = mid(r) / validMid - 1;

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? "unknown", logicalCores: cpus.length, arch: process.arch, node: process.version, openssl: process.versions.openssl,
  loadAverage1m: os.loadavg()[0].toFixed(2), date: new Date().toISOString(), benchSeconds: Number(elapsed.toFixed(1)),
};
mkdirSync(reports, { recursive: true });
writeFileSync(join(reports, "asymmetric.json"), JSON.stringify({ machine, taskMs: TASK_MS, messageBytes: message.length, results }, null, 2) + "\n");

const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1));
let md = `# Asymmetric benchmark\n\nGenerated by \`pnpm bench\` (bench/src/asymmetric.mjs, tinybench, ${TASK_MS} ms per task) — do not edit. `;
md += `Messages are ${message.length} bytes (RAW: the hash is part of the cost); decryptions recover a 32-byte key.\n\n`;
md += `## Machine\n\n| | |\n| --- | --- |\n` + Object.entries(machine).map(([k, v]) => `| ${k} | ${v} |`).join("\n") + "\n\n";
md += `## Operations per second\n\n| operation | implementation | ops/s | mean ms | × sm-crypto |\n| --- | --- | ---: | ---: | ---: |\n`;
for (const r of results.filter((x) => x.operation !== "PKCS1-v1_5 decrypt timing")) {
  md += `| ${r.operation} | ${r.implementation} | ${fmt(r.opsPerSec)} | ${r.meanMs.toFixed(3)} | ${r.ratioToSmCrypto == null ? "–" : `${r.ratioToSmCrypto.toFixed(2)}×`} |\n`;
}
md += `\n## RSAES-PKCS1-v1_5 decryption: valid vs malformed ciphertexts\n\n`;
md += `Every malformed class must cost the same as a valid ciphertext and give the same error (no padding oracle through `;
md += `time or message). Differences within a few percent are measurement noise on a shared 2-core machine.\n\n`;
md += `| ciphertext | mean ms | median ms | median vs valid |\n| --- | ---: | ---: | ---: |\n`;
for (const r of timing) md += `| ${r.implementation} | ${r.meanMs.toFixed(4)} | ${r.p50Ms == null ? "–" : r.p50Ms.toFixed(4)} | ${(r.relativeToValid * 100).toFixed(1)}% |\n`;
const worst = Math.max(...timing.map((r) => Math.abs(r.relativeToValid)));
const malformed = timing.filter((r) => r.implementation !== "valid").map(mid);
const spread = Math.max(...malformed) / Math.min(...malformed) - 1;
md += `\nLargest median difference from the valid case: ${(worst * 100).toFixed(1)}%; spread among the malformed classes: ${(spread * 100).toFixed(1)}%.\n\n`;
md += `What an attacker could learn: the API already answers a malformed ciphertext with \`FailedOperation.DecryptError\` `;
md += `(SPEC §2 keeps Tencent's error), so valid vs malformed is visible in the response itself; a valid-vs-malformed gap of `;
md += `a few percent is the cost of raising that error. What must not leak is *which* check failed (the Bleichenbacher/Marvin `;
md += `oracle): the malformed classes above should be within noise of each other. Callers who can should prefer OAEP.\n`;
const chart = new Chartscii(
  results.filter((r) => r.operation.startsWith("SM2")).map((r) => ({ label: `${r.operation} ${r.implementation.split(" ")[0]}`, value: Math.round(r.opsPerSec) })),
  { width: 60, barSize: 1, valueLabels: true, title: "SM2 ops/s" },
);
md += `\n## Chart: SM2 ops/s (chartscii)\n\n\`\`\`text\n${stripVTControlCharacters(chart.create())}\n\`\`\`\n`;
writeFileSync(join(reports, "asymmetric.md"), md);
console.log(md);
