// Secret hygiene of the core, both builds: after every call the context holding key schedules, H and counters is
// zero, and no copy of the key or of H = CIPH_K(0^128) is left anywhere in WASM memory (the SIMD build's deferred SM4
// key and padded-batch buffer included). Also pins the block-count paths: every count of blocks 1..17 through ECB
// (fused key-expansion batches, 4-block groups, 1–3-block tails) equals node:crypto.
import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Core, wasmBytes, type BlockCipher } from "../src/index.js";
import type { CoreExports } from "../src/_core.js";

const rnd = (n: number) => new Uint8Array(randomBytes(n));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ecbName = (cipher: BlockCipher, key: Uint8Array) => (cipher === "SM4" ? "sm4-ecb" : `aes-${key.length * 8}-ecb`);
function nodeEcb(cipher: BlockCipher, key: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(ecbName(cipher, key), key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}
/** Index of `needle` in `hay`, or -1. */
function find(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle));
}

describe.each(["scalar", "simd"] as const)("core-wasm %s", (flavor) => {
  const imports = { env: { abort: () => { throw new Error("abort"); } } };
  const exports = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(flavor)), imports).exports as unknown as CoreExports;
  const core = new Core(exports);
  const mem = () => new Uint8Array(exports.memory.buffer);
  const ctx = exports.ctxPtr(), ctxSize = exports.cipherCtxSize();

  describe.each([["SM4", 16], ["AES", 16], ["AES", 32]] as const)("%s key %i B", (cipher, keyLen) => {
    const cases: [string, (key: Uint8Array) => unknown][] = [
      ["GCM seal/open, 64 B", (k) => core.gcmOpen(cipher, k, new Uint8Array(12), core.gcmSeal(cipher, k, new Uint8Array(12), rnd(64)))],
      ["GCM seal, 16 B (1 block)", (k) => core.gcmSeal(cipher, k, rnd(12), rnd(16), rnd(5))],
      ["GCM seal, 100 KiB (streamed through the window)", (k) => core.gcmSeal(cipher, k, rnd(12), rnd(100_000))],
      ["GCM failed open", (k) => expect(() => core.gcmOpen(cipher, k, rnd(12), rnd(80))).toThrow()],
      ["CTR 1 B, 64 B, 5000 B", (k) => [1, 64, 5000].map((n) => core.ctr(cipher, k, rnd(16), rnd(n)))],
      ["CBC encrypt/decrypt", (k) => core.cbcPkcs7(cipher, "decrypt", k, new Uint8Array(16), core.cbcPkcs7(cipher, "encrypt", k, new Uint8Array(16), rnd(77)))],
      ["ECB decrypt only (deferred key expanded for decryption)", (k) => core.ecb(cipher, "decrypt", k, rnd(48))],
      ["CTR stream, disposed", (k) => { const s = core.createCtr(cipher, k, rnd(16)); s.update(rnd(33)); s.dispose(); }],
      ["GCM stream, finalised", (k) => { const s = core.createGcmEncrypt(cipher, k, rnd(12)); s.update(rnd(40)); s.final(); }],
      ["prepared key, disposed", (k) => { const g = core.gcmKey(cipher, k); g.seal(rnd(12), rnd(64)); g.dispose(); }],
    ];
    it.each(cases)("%s: context zeroed, no key or H left in memory", (_name, op) => {
      const key = rnd(keyLen);
      const h = nodeEcb(cipher, key, new Uint8Array(16));
      op(key);
      const m = mem();
      expect(m.subarray(ctx, ctx + ctxSize).every((b) => b === 0)).toBe(true);
      expect(find(m, key.subarray(0, 12))).toBe(-1);
      expect(find(m, h.subarray(0, 12))).toBe(-1);
    });
    it("every block count 1..17 equals node:crypto ECB, both directions", () => {
      for (let n = 1; n <= 17; n++) {
        const key = rnd(keyLen), pt = rnd(16 * n), want = nodeEcb(cipher, key, pt);
        expect(hex(core.ecb(cipher, "encrypt", key, pt))).toBe(hex(want));
        expect(hex(core.ecb(cipher, "decrypt", key, want))).toBe(hex(pt));
      }
    });
  });
});
