/**
 * Galois/Counter Mode (NIST SP 800-38D) over any 128-bit block cipher, in portable TypeScript.
 * Restricted to KMS use: 12-byte nonce (§8.2.1 deterministic construction, J0 = IV ‖ 0^31 ‖ 1), 16-byte tag.
 * The block cipher is given as a function that encrypts whole 16-byte blocks in ECB (used for the counter blocks).
 */
import { AuthenticationError } from "./aead.js";
import { constantTimeEqual, wipe } from "./constant-time.js";

/** Encrypts `blocks` (a multiple of 16 bytes) with the expanded key, block by block (ECB). */
export type EcbEncrypt = (blocks: Uint8Array) => Uint8Array;

const BLOCK = 16;

/** GF(2^128) multiply X·Y in GCM's bit order (SP 800-38D §6.3, Algorithm 1); words are big-endian 32-bit. */
function gfMul(x: Uint32Array, y: Uint32Array, out: Uint32Array): void {
  let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
  let v0 = y[0]!, v1 = y[1]!, v2 = y[2]!, v3 = y[3]!;
  for (let i = 0; i < 128; i++) {
    const bit = (x[i >>> 5]! >>> (31 - (i & 31))) & 1;
    const mask = -bit;
    z0 ^= v0 & mask; z1 ^= v1 & mask; z2 ^= v2 & mask; z3 ^= v3 & mask;
    const lsb = v3 & 1;
    v3 = (v3 >>> 1) | (v2 << 31);
    v2 = (v2 >>> 1) | (v1 << 31);
    v1 = (v1 >>> 1) | (v0 << 31);
    v0 = (v0 >>> 1) ^ (0xe1000000 & -lsb);
  }
  out[0] = z0; out[1] = z1; out[2] = z2; out[3] = z3;
}

function readBlock(src: Uint8Array, off: number, w: Uint32Array): void {
  for (let i = 0; i < 4; i++) {
    const o = off + 4 * i;
    w[i] = (((src[o] ?? 0) << 24) | ((src[o + 1] ?? 0) << 16) | ((src[o + 2] ?? 0) << 8) | (src[o + 3] ?? 0)) >>> 0;
  }
}

/** GHASH_H(A ‖ 0* ‖ C ‖ 0* ‖ [len(A)]64 ‖ [len(C)]64) (SP 800-38D §6.4, §7.1 step 5). */
function ghash(h: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array {
  const hw = new Uint32Array(4);
  readBlock(h, 0, hw);
  const y = new Uint32Array(4);
  const blk = new Uint32Array(4);
  const absorb = (data: Uint8Array) => {
    for (let off = 0; off < data.length; off += BLOCK) {
      const chunk = data.subarray(off, Math.min(off + BLOCK, data.length));
      readBlock(chunk, 0, blk);
      for (let i = 0; i < 4; i++) y[i] = (y[i]! ^ blk[i]!) >>> 0;
      gfMul(y, hw, y);
    }
  };
  absorb(aad);
  absorb(ct);
  const lens = new Uint8Array(16);
  const dv = new DataView(lens.buffer);
  dv.setBigUint64(0, BigInt(aad.length) * 8n);
  dv.setBigUint64(8, BigInt(ct.length) * 8n);
  absorb(lens);
  const out = new Uint8Array(16);
  const odv = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) odv.setUint32(4 * i, y[i]!);
  hw.fill(0);
  return out;
}

/** Counter blocks inc32(J0), inc32²(J0), … for `n` blocks (SP 800-38D §6.5 GCTR). */
function counterBlocks(nonce: Uint8Array, first: number, n: number): Uint8Array {
  const out = new Uint8Array(n * BLOCK);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    out.set(nonce, i * BLOCK);
    dv.setUint32(i * BLOCK + 12, (first + i) >>> 0);
  }
  return out;
}

function gctr(ecb: EcbEncrypt, nonce: Uint8Array, input: Uint8Array): Uint8Array {
  const n = Math.ceil(input.length / BLOCK);
  const ks = ecb(counterBlocks(nonce, 2, n));
  const out = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i]! ^ ks[i]!;
  wipe(ks);
  return out;
}

function tagFor(ecb: EcbEncrypt, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array {
  const h = ecb(new Uint8Array(BLOCK));
  const s = ghash(h, aad, ct);
  const ekj0 = ecb(counterBlocks(nonce, 1, 1));
  for (let i = 0; i < BLOCK; i++) s[i] = s[i]! ^ ekj0[i]!;
  wipe(h, ekj0);
  return s;
}

/** GCM-AE (SP 800-38D §7.1) with a 12-byte nonce and 16-byte tag; returns C ‖ T. */
export function gcmSeal(ecb: EcbEncrypt, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const ct = gctr(ecb, nonce, plaintext);
  const tag = tagFor(ecb, nonce, aad, ct);
  const out = new Uint8Array(ct.length + BLOCK);
  out.set(ct, 0);
  out.set(tag, ct.length);
  return out;
}

/** GCM-AD (SP 800-38D §7.2): verifies the 16-byte tag in constant time before any plaintext is produced. */
export function gcmOpen(ecb: EcbEncrypt, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  const ct = sealed.subarray(0, sealed.length - BLOCK);
  const tag = sealed.subarray(sealed.length - BLOCK);
  const expected = tagFor(ecb, nonce, aad, ct);
  const ok = constantTimeEqual(expected, tag);
  wipe(expected);
  if (!ok) throw new AuthenticationError();
  return gctr(ecb, nonce, ct);
}
