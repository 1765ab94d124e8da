// 1 KiB messages/s against a running server (`openkms serve` in a child process, rate limits off): one-shot
// `encrypt` with a KmsKeyring, without and with a DataKeyCache, then `decrypt` of those messages likewise; every
// KMS call counted by action through the client's injected fetch. With the cache, an entry serves MAX_MESSAGES
// messages, so the expected number of entries is ceil(messages / MAX_MESSAGES) and the KMS calls per entry are
// calls / entries.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KmsClient } from "@openkms/client";
import { DataKeyCache, decrypt, encrypt, KmsKeyring } from "@openkms/envelope";

const here = dirname(fileURLToPath(import.meta.url));
const openkms = join(here, "..", "..", "..", "apps", "server", "dist", "openkms.js");
export const MAX_MESSAGES = 10_000;

async function startServer(dataDir) {
  const child = spawn(process.execPath, [openkms, "serve", "--port", "0", "--data-dir", dataDir, "--rate-limits", "off", "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (/openkms listening on /.test(out)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`openkms serve exited ${code}`)));
  });
  return child;
}

/** Run `op` from `concurrency` loops for `ms` milliseconds; @returns { messages, seconds } */
async function loop(op, concurrency, ms) {
  let messages = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op(messages);
        messages++;
      }
    }),
  );
  return { messages, seconds: (performance.now() - t0) / 1000 };
}

export async function kmsMessages({ budgetMs, concurrencies }) {
  const scratch = mkdtempSync(join(os.tmpdir(), "openkms-envelope-bench-"));
  const server = await startServer(join(scratch, "data"));
  try {
    const c = JSON.parse(readFileSync(join(scratch, "data", "credentials.json"), "utf8"));
    const calls = {};
    const counting = (input, init) => {
      const action = init?.headers?.["X-TC-Action"] ?? "?";
      calls[action] = (calls[action] ?? 0) + 1;
      return fetch(input, init);
    };
    const client = new KmsClient({ endpoint: `http://${c.Endpoint}`, secretId: c.SecretId, secretKey: c.SecretKey, region: c.Region, fetch: counting });
    const { KeyId } = await client.createKey({ Alias: `bench-${Date.now()}` });
    const { KeyMetadata } = await client.describeKey({ KeyId });
    const suite = KeyMetadata.Type === 4 ? "SM4_GCM" : "AES_256_GCM";
    const keyring = new KmsKeyring({ client, keyIds: [KeyId] });
    const plaintext = new Uint8Array(randomBytes(1024));
    const context = { bench: "envelope" };
    // warm-up (JIT in this process and in the server), not counted
    for (let i = 0; i < 30; i++) await decrypt(await encrypt(plaintext, { keyring, suite, encryptionContext: context }), { keyring });
    const rows = [];
    for (const concurrency of concurrencies) {
      for (const cached of [false, true]) {
        const cache = cached ? new DataKeyCache({ maxAgeSeconds: 300, maxMessages: MAX_MESSAGES }) : undefined;
        for (const k of Object.keys(calls)) delete calls[k];
        const made = [];
        const enc = await loop(async () => {
          const m = await encrypt(plaintext, { keyring, suite, encryptionContext: context, ...(cache ? { cache } : {}) });
          if (made.length < 20_000) made.push(m);
        }, concurrency, budgetMs);
        const encCalls = { ...calls };
        for (const k of Object.keys(calls)) delete calls[k];
        const decCache = cached ? new DataKeyCache({ maxAgeSeconds: 300, maxMessages: MAX_MESSAGES }) : undefined;
        const edks = new Set();
        const dec = await loop(async (i) => {
          const { plaintext: p, header } = await decrypt(made[i % made.length], { keyring, ...(decCache ? { cache: decCache } : {}) });
          if (p.length !== plaintext.length) throw new Error("bad round trip");
          edks.add(Buffer.from(header.encryptedDataKeys[0].ciphertext).toString("base64"));
        }, concurrency, budgetMs);
        const decCalls = { ...calls };
        const encEntries = cached ? Math.ceil(enc.messages / MAX_MESSAGES) : enc.messages;
        const kmsEnc = Object.values(encCalls).reduce((a, b) => a + b, 0);
        const kmsDec = Object.values(decCalls).reduce((a, b) => a + b, 0);
        const distinctEdks = edks.size; // decryption entries: one per distinct encrypted data key among the messages decrypted
        rows.push({
          concurrency, cached, suite,
          encrypt: { messages: enc.messages, perSec: enc.messages / enc.seconds, kmsCalls: encCalls, callsPerMessage: kmsEnc / enc.messages, entries: encEntries, callsPerEntry: kmsEnc / encEntries },
          decrypt: { messages: dec.messages, perSec: dec.messages / dec.seconds, kmsCalls: decCalls, callsPerMessage: kmsDec / dec.messages, entries: cached ? distinctEdks : dec.messages, callsPerEntry: kmsDec / (cached ? distinctEdks : dec.messages) },
        });
      }
    }
    return rows;
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.on("exit", r));
    rmSync(scratch, { recursive: true, force: true });
  }
}
