/**
 * Memory stays flat whatever the message size: 256 MiB (AES) / 128 MiB (SM4) streamed through encryptTransform → decryptTransform in one
 * pipeline, sampling process.memoryUsage().rss; the growth over the idle RSS is bounded (a bound on memory, not on
 * time). Output checked by SHA-256 against the input.
 */
import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { decryptTransform, encryptTransform, RawKeyring } from "../src/node/index.js";

const CHUNK = 64 * 1024;
const BOUND = 96 * 1024 * 1024;

function source(hash: ReturnType<typeof createHash>, TOTAL: number): Readable {
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      if (sent >= TOTAL) return void this.push(null);
      const c = Buffer.allocUnsafe(Math.min(CHUNK + 123, TOTAL - sent)); // not frame-aligned on purpose
      c.fill(n++ & 0xff);
      hash.update(c);
      sent += c.length;
      this.push(c);
    },
  });
}

describe("memory", () => {
  // SM4-GCM runs in WebAssembly, several times slower than AES-NI: a smaller (still ≫ bound) message keeps CI short
  for (const [suite, mib] of [["AES_256_GCM", 256], ["SM4_GCM", 128]] as const) {
    it(`${suite}: a ${mib} MiB message streams through encrypt and decrypt with RSS growth < 96 MiB`, async () => {
      const TOTAL = mib * 1024 * 1024;
      const keyring = new RawKeyring({ keyName: "memory", key: new Uint8Array(32).fill(1) });
      globalThis.gc?.();
      const idle = process.memoryUsage().rss;
      let peak = idle;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const inHash = createHash("sha256"), outHash = createHash("sha256");
      let outBytes = 0;
      try {
        await pipeline(
          source(inHash, TOTAL),
          encryptTransform({ keyring, suite }),
          decryptTransform({ keyring }),
          new Writable({
            write(c: Buffer, _e, cb) {
              outHash.update(c);
              outBytes += c.length;
              peak = Math.max(peak, process.memoryUsage().rss);
              cb();
            },
          }),
        );
      } finally {
        clearInterval(timer);
      }
      expect(outBytes).toBe(TOTAL);
      expect(outHash.digest("hex")).toBe(inHash.digest("hex"));
      if (process.env.ENVELOPE_MEMORY_REPORT) console.log(`${suite}: RSS growth ${((peak - idle) / 2 ** 20).toFixed(1)} MiB`);
      expect(peak - idle).toBeLessThan(BOUND);
    }, 600_000);
  }
});
