// The envelope API of @openkms/browser in real Chromium: 32 MiB through Web Streams (encryptStream → decryptStream)
// with a KmsKeyring whose KmsClient calls the KMS from the page (another origin, CORS on), for both suites; the
// plaintext is regenerated and compared chunk by chunk, never held whole. Plus a message encrypted in the page that
// Node decrypts with @openkms/envelope, and the reverse.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { decrypt as nodeDecrypt, encrypt as nodeEncrypt, KmsKeyring } from "@openkms/envelope";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifacts, openSite, type Site } from "./_site.js";

let site: Site;
let keyId: string;

beforeAll(async () => {
  site = await openSite();
  ({ KeyId: keyId } = (await site.kms.requestAny("CreateKey", { Alias: `envelope-${Date.now()}` })) as unknown as { KeyId: string });
}, 120_000);

afterAll(async () => {
  if (!site) return;
  await mkdir(artifacts, { recursive: true });
  await site.page.screenshot({ path: join(artifacts, "browser-envelope-chromium.png"), fullPage: true });
  await site.close();
});

describe("envelope over Web Streams in the page, KmsKeyring through CORS", () => {
  for (const suite of ["AES_256_GCM", "SM4_GCM"] as const) {
    it(`${suite}: 32 MiB round trip, plaintext identical, ciphertext bigger by the header and frame tags`, async () => {
      const r = await site.page.evaluate(
        async ({ endpoint, credential, keyId, suite }) => {
          const { KmsClient, KmsKeyring, encryptStream, decryptStream } = (globalThis as any).openkms;
          const TOTAL = 32 * 1024 * 1024, CHUNK = 1 << 20;
          // Deterministic bytes (xorshift32), so the decrypted stream can be compared without keeping the input.
          const chunkAt = (i: number) => {
            const out = new Uint8Array(CHUNK);
            const words = new Uint32Array(out.buffer);
            let x = (i + 1) * 0x9e3779b9 >>> 0;
            for (let j = 0; j < words.length; j++) {
              x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
              words[j] = x;
            }
            return out;
          };
          const source = () => {
            let i = 0;
            return new ReadableStream<Uint8Array>({
              pull(c) {
                if (i * CHUNK >= TOTAL) c.close();
                else c.enqueue(chunkAt(i++));
              },
            });
          };
          const keyring = new KmsKeyring({ client: new KmsClient({ endpoint, ...credential }), keyIds: [keyId] });
          const t0 = performance.now();
          const parts: Uint8Array[] = [];
          let cipherBytes = 0;
          await source().pipeThrough(encryptStream({ keyring, suite, encryptionContext: { page: "chromium" } })).pipeTo(
            new WritableStream<Uint8Array>({ write(p) { parts.push(p); cipherBytes += p.length; } }),
          );
          const t1 = performance.now();
          const ciphertext = new Blob(parts as BlobPart[]);
          parts.length = 0;
          const dec = decryptStream({ keyring, encryptionContext: { page: "chromium" } });
          let plainBytes = 0, mismatchAt = -1, pending = new Uint8Array(0), index = 0;
          await ciphertext.stream().pipeThrough(dec).pipeTo(
            new WritableStream<Uint8Array>({
              write(p) {
                // Re-chunk to CHUNK-sized pieces and compare with the regenerated input.
                const joined = new Uint8Array(pending.length + p.length);
                joined.set(pending, 0);
                joined.set(p, pending.length);
                let off = 0;
                for (; joined.length - off >= CHUNK; off += CHUNK, index++) {
                  const expected = chunkAt(index), got = joined.subarray(off, off + CHUNK);
                  for (let k = 0; k < CHUNK; k++) if (got[k] !== expected[k]) { if (mismatchAt < 0) mismatchAt = index * CHUNK + k; break; }
                }
                pending = joined.slice(off);
                plainBytes += p.length;
              },
            }),
          );
          const header = await dec.header;
          const t2 = performance.now();
          (globalThis as any).log(`envelope ${suite}: 32 MiB encrypt ${Math.round(t1 - t0)} ms, decrypt ${Math.round(t2 - t1)} ms, ciphertext ${cipherBytes} B`);
          return { cipherBytes, plainBytes, mismatchAt, pending: pending.length, suite: header.suite, context: header.encryptionContext };
        },
        { endpoint: site.endpoint, credential: site.credential, keyId, suite },
      );
      expect(r.plainBytes).toBe(32 * 1024 * 1024);
      expect(r.mismatchAt).toBe(-1);
      expect(r.pending).toBe(0);
      expect(r.cipherBytes).toBeGreaterThan(32 * 1024 * 1024 + 512 * 16); // 512 frames of 64 KiB, a 16-byte tag each
      expect(r.suite).toBe(suite);
      expect(r.context).toEqual({ page: "chromium" });
    }, 300_000);
  }

  it("a message encrypted in the page decrypts in Node, and one encrypted in Node decrypts in the page", async () => {
    const text = "envelope across runtimes ✓";
    const fromPage = await site.page.evaluate(
      async ({ endpoint, credential, keyId, text }) => {
        const { KmsClient, KmsKeyring, encrypt } = (globalThis as any).openkms;
        const keyring = new KmsKeyring({ client: new KmsClient({ endpoint, ...credential }), keyIds: [keyId] });
        const sealed: Uint8Array = await encrypt(new TextEncoder().encode(text), { keyring, suite: "SM4_GCM" });
        return Array.from(sealed);
      },
      { endpoint: site.endpoint, credential: site.credential, keyId, text },
    );
    const keyring = new KmsKeyring({ client: site.kms, keyIds: [keyId] });
    const { plaintext } = await nodeDecrypt(new Uint8Array(fromPage), { keyring });
    expect(new TextDecoder().decode(plaintext)).toBe(text);

    const fromNode = await nodeEncrypt(new TextEncoder().encode(text), { keyring, suite: "AES_256_GCM" });
    const inPage = await site.page.evaluate(
      async ({ endpoint, credential, keyId, sealed }) => {
        const { KmsClient, KmsKeyring, decrypt } = (globalThis as any).openkms;
        const keyring = new KmsKeyring({ client: new KmsClient({ endpoint, ...credential }), keyIds: [keyId] });
        const { plaintext } = await decrypt(new Uint8Array(sealed), { keyring });
        return new TextDecoder().decode(plaintext);
      },
      { endpoint: site.endpoint, credential: site.credential, keyId, sealed: Array.from(fromNode) },
    );
    expect(inPage).toBe(text);
  });

  it("compiled no WebAssembly synchronously (SM4-GCM ran on the WASM core above)", async () => {
    expect(await site.page.evaluate(() => (globalThis as any).__syncWasmCompiles)).toBe(0);
  });
});
