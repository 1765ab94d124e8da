// SM4 block cipher (GB/T 32907-2016): key expansion and 32-round encryption/decryption of 16-byte blocks.
// Names follow the standard: S-box, τ (tau), L, L', T, T', FK, CK, rk_i, reverse transform R.
//
// Scalar path: T = L ∘ τ folded into four 256-entry u32 tables (byte lookups indexed by secret state: NOT constant
// time, see SECURITY.md). SIMD path (when built with SIMD128): four blocks at a time, τ evaluated with 16 i8x16.swizzle
// lookups over the whole S-box (no secret-dependent addresses: constant time).

import { vpermSbox } from "./_vperm";
import { SM4_IN_HI, SM4_IN_LO, SM4_OUT_C, SM4_OUT_HI, SM4_OUT_LO } from "./_vperm-tables";

// S-box (standard, "S盒" table).
const SBOX: usize = memory.data<u8>([
  0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
  0x2b, 0x67, 0x9a, 0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99,
  0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef, 0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62,
  0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80, 0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6,
  0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19, 0xe6, 0x85, 0x4f, 0xa8,
  0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d, 0x35,
  0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87,
  0xd4, 0x00, 0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e,
  0xea, 0xbf, 0x8a, 0xd2, 0x40, 0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1,
  0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55, 0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3,
  0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23, 0xab, 0x0d, 0x53, 0x4e, 0x6f,
  0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51,
  0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8,
  0x0a, 0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0,
  0x89, 0x69, 0x97, 0x4a, 0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84,
  0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d, 0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48,
], 64);

// System parameter FK (standard, key expansion).
const FK: usize = memory.data<u32>([0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc]);

// Linear transform L(B) = B ⊕ (B <<< 2) ⊕ (B <<< 10) ⊕ (B <<< 18) ⊕ (B <<< 24) (standard, round function).
// @ts-ignore: decorator
@inline function L(b: u32): u32 {
  return b ^ rotl<u32>(b, 2) ^ rotl<u32>(b, 10) ^ rotl<u32>(b, 18) ^ rotl<u32>(b, 24);
}

// T tables: T_k[x] = L(S(x) << (24 - 8k)), so T(A) = L(τ(A)) = T_0[a0] ⊕ T_1[a1] ⊕ T_2[a2] ⊕ T_3[a3].
const TT: usize = memory.data(4 * 1024, 64);
for (let x: u32 = 0; x < 256; x++) {
  const s = <u32>load<u8>(SBOX + x);
  store<u32>(TT + (x << 2), L(s << 24));
  store<u32>(TT + 1024 + (x << 2), L(s << 16));
  store<u32>(TT + 2048 + (x << 2), L(s << 8));
  store<u32>(TT + 3072 + (x << 2), L(s));
}

// @ts-ignore: decorator
@inline function T(a: u32): u32 {
  return load<u32>(TT + ((a >>> 24) << 2)) ^ load<u32>(TT + (((a >>> 16) & 255) << 2), 1024) ^
    load<u32>(TT + (((a >>> 8) & 255) << 2), 2048) ^ load<u32>(TT + ((a & 255) << 2), 3072);
}

// τ: the S-box applied to each byte of a word.
// @ts-ignore: decorator
@inline function tau(a: u32): u32 {
  return (<u32>load<u8>(SBOX + (a >>> 24)) << 24) | (<u32>load<u8>(SBOX + ((a >>> 16) & 255)) << 16) |
    (<u32>load<u8>(SBOX + ((a >>> 8) & 255)) << 8) | <u32>load<u8>(SBOX + (a & 255));
}

/**
 * Key expansion: (K0..K3) = MK ⊕ FK; rk_i = K_{i+4} = K_i ⊕ T'(K_{i+1} ⊕ K_{i+2} ⊕ K_{i+3} ⊕ CK_i), i = 0..31,
 * with T' = L' ∘ τ, L'(B) = B ⊕ (B <<< 13) ⊕ (B <<< 23) and CK_i bytes ck_{i,j} = (4i + j) × 7 mod 256.
 * Writes rk_0..rk_31 to `enc` and the reversed order (decryption) to `dec`.
 */
export function sm4ExpandKey(key: usize, enc: usize, dec: usize): void {
  let k0 = bswap<u32>(load<u32>(key)) ^ load<u32>(FK), k1 = bswap<u32>(load<u32>(key, 4)) ^ load<u32>(FK, 4);
  let k2 = bswap<u32>(load<u32>(key, 8)) ^ load<u32>(FK, 8), k3 = bswap<u32>(load<u32>(key, 12)) ^ load<u32>(FK, 12);
  for (let i: u32 = 0; i < 32; i++) {
    const c = i << 2;
    const ck = ((c * 7 & 255) << 24) | (((c + 1) * 7 & 255) << 16) | (((c + 2) * 7 & 255) << 8) | ((c + 3) * 7 & 255);
    let b: u32;
    if (ASC_FEATURE_SIMD) b = i32x4.extract_lane(tauV(i32x4.splat(k1 ^ k2 ^ k3 ^ ck)), 0); // no secret-indexed loads
    else b = tau(k1 ^ k2 ^ k3 ^ ck);
    const rk = k0 ^ b ^ rotl<u32>(b, 13) ^ rotl<u32>(b, 23);
    store<u32>(enc + (i << 2), rk);
    store<u32>(dec + ((31 - i) << 2), rk);
    k0 = k1; k1 = k2; k2 = k3; k3 = rk;
  }
}

/** One block: X_{i+4} = X_i ⊕ T(X_{i+1} ⊕ X_{i+2} ⊕ X_{i+3} ⊕ rk_i), 32 rounds, then R(X32..X35) = (X35, X34, X33, X32). */
// @ts-ignore: decorator
@inline function block(rk: usize, src: usize, dst: usize): void {
  let x0 = bswap<u32>(load<u32>(src)), x1 = bswap<u32>(load<u32>(src, 4));
  let x2 = bswap<u32>(load<u32>(src, 8)), x3 = bswap<u32>(load<u32>(src, 12));
  for (let i: usize = 0; i < 128; i += 16) {
    x0 ^= T(x1 ^ x2 ^ x3 ^ load<u32>(rk + i));
    x1 ^= T(x2 ^ x3 ^ x0 ^ load<u32>(rk + i, 4));
    x2 ^= T(x3 ^ x0 ^ x1 ^ load<u32>(rk + i, 8));
    x3 ^= T(x0 ^ x1 ^ x2 ^ load<u32>(rk + i, 12));
  }
  store<u32>(dst, bswap<u32>(x3)); store<u32>(dst, bswap<u32>(x2), 4);
  store<u32>(dst, bswap<u32>(x1), 8); store<u32>(dst, bswap<u32>(x0), 12);
}

// ---- SIMD128 path: 4 blocks per step, word j of the 4 blocks in the 4 lanes of one v128 ----

// τ on 16 bytes: the S-box as a vector-permute circuit (_vperm.ts), no secret-dependent address.
// @ts-ignore: decorator
@inline function tauV(a: v128): v128 {
  return vpermSbox(a, SM4_IN_LO, SM4_IN_HI, SM4_OUT_HI, SM4_OUT_LO, SM4_OUT_C);
}

// @ts-ignore: decorator
@inline function rotlV(a: v128, n: i32): v128 {
  return v128.or(i32x4.shl(a, n), i32x4.shr_u(a, 32 - n));
}

// @ts-ignore: decorator
@inline function TV(a: v128): v128 {
  return LV(tauV(a));
}

// @ts-ignore: decorator
@inline function LV(b: v128): v128 {
  // L(B) = B ⊕ (B <<< 2) ⊕ (B <<< 10) ⊕ (B <<< 18) ⊕ (B <<< 24)
  //      = B ⊕ ((B ⊕ (B <<< 8) ⊕ (B <<< 16)) <<< 2) ⊕ (B <<< 24)
  const b8 = i8x16.shuffle(b, b, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14); // lanes are little-endian words
  const b16 = i8x16.shuffle(b, b, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
  const b24 = i8x16.shuffle(b, b, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
  return v128.xor(v128.xor(b, b24), rotlV(v128.xor(v128.xor(b, b8), b16), 2));
}

// Word j (big-endian, byte-swapped into a little-endian lane) of the 4 blocks at `src`, one block per lane.
// @ts-ignore: decorator
@inline function wordsIn(src: usize, j: i32): v128 {
  const m0 = v128.load(src), m1 = v128.load(src, 16), m2 = v128.load(src, 32), m3 = v128.load(src, 48);
  if (j < 2) {
    const t0 = i8x16.shuffle(m0, m1, 3, 2, 1, 0, 19, 18, 17, 16, 7, 6, 5, 4, 23, 22, 21, 20); // a0 b0 a1 b1
    const t2 = i8x16.shuffle(m2, m3, 3, 2, 1, 0, 19, 18, 17, 16, 7, 6, 5, 4, 23, 22, 21, 20); // c0 d0 c1 d1
    return j == 0 ? i64x2.shuffle(t0, t2, 0, 2) : i64x2.shuffle(t0, t2, 1, 3);
  }
  const t1 = i8x16.shuffle(m0, m1, 11, 10, 9, 8, 27, 26, 25, 24, 15, 14, 13, 12, 31, 30, 29, 28); // a2 b2 a3 b3
  const t3 = i8x16.shuffle(m2, m3, 11, 10, 9, 8, 27, 26, 25, 24, 15, 14, 13, 12, 31, 30, 29, 28); // c2 d2 c3 d3
  return j == 2 ? i64x2.shuffle(t1, t3, 0, 2) : i64x2.shuffle(t1, t3, 1, 3);
}

// R: output words (X35, X34, X33, X32) of each block, transposed back and byte-swapped.
// @ts-ignore: decorator
@inline function blocksOut(dst: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const u0 = i8x16.shuffle(x3, x2, 3, 2, 1, 0, 19, 18, 17, 16, 7, 6, 5, 4, 23, 22, 21, 20); // a35 a34 b35 b34
  const u1 = i8x16.shuffle(x3, x2, 11, 10, 9, 8, 27, 26, 25, 24, 15, 14, 13, 12, 31, 30, 29, 28); // c35 c34 d35 d34
  const u2 = i8x16.shuffle(x1, x0, 3, 2, 1, 0, 19, 18, 17, 16, 7, 6, 5, 4, 23, 22, 21, 20); // a33 a32 b33 b32
  const u3 = i8x16.shuffle(x1, x0, 11, 10, 9, 8, 27, 26, 25, 24, 15, 14, 13, 12, 31, 30, 29, 28); // c33 c32 d33 d32
  v128.store(dst, i64x2.shuffle(u0, u2, 0, 2));
  v128.store(dst, i64x2.shuffle(u0, u2, 1, 3), 16);
  v128.store(dst, i64x2.shuffle(u1, u3, 0, 2), 32);
  v128.store(dst, i64x2.shuffle(u1, u3, 1, 3), 48);
}

/** 4 blocks, word-sliced: lane b of x_j is word j of block b; 32 rounds X_{i+4} = X_i ⊕ T(X_{i+1} ⊕ X_{i+2} ⊕ X_{i+3} ⊕ rk_i). */
function blocks4(rk: usize, src: usize, dst: usize): void {
  let x0 = wordsIn(src, 0), x1 = wordsIn(src, 1), x2 = wordsIn(src, 2), x3 = wordsIn(src, 3);
  for (let i: usize = 0; i < 128; i += 16) {
    x0 = v128.xor(x0, TV(v128.xor(v128.xor(x1, x2), v128.xor(x3, i32x4.splat(load<u32>(rk + i))))));
    x1 = v128.xor(x1, TV(v128.xor(v128.xor(x2, x3), v128.xor(x0, i32x4.splat(load<u32>(rk + i, 4))))));
    x2 = v128.xor(x2, TV(v128.xor(v128.xor(x3, x0), v128.xor(x1, i32x4.splat(load<u32>(rk + i, 8))))));
    x3 = v128.xor(x3, TV(v128.xor(v128.xor(x0, x1), v128.xor(x2, i32x4.splat(load<u32>(rk + i, 12))))));
  }
  blocksOut(dst, x0, x1, x2, x3);
}

/** 8 blocks as two independent 4-block batches interleaved round by round (more instructions in flight). */
function blocks8(rk: usize, src: usize, dst: usize): void {
  let x0 = wordsIn(src, 0), x1 = wordsIn(src, 1), x2 = wordsIn(src, 2), x3 = wordsIn(src, 3);
  let y0 = wordsIn(src + 64, 0), y1 = wordsIn(src + 64, 1), y2 = wordsIn(src + 64, 2), y3 = wordsIn(src + 64, 3);
  for (let i: usize = 0; i < 128; i += 4) {
    const k = i32x4.splat(load<u32>(rk + i));
    const t = TV(v128.xor(v128.xor(x1, x2), v128.xor(x3, k)));
    const u = TV(v128.xor(v128.xor(y1, y2), v128.xor(y3, k)));
    // X_{i+4} enters as the last word: rotate the names instead of the data.
    const nx = v128.xor(x0, t), ny = v128.xor(y0, u);
    x0 = x1; x1 = x2; x2 = x3; x3 = nx;
    y0 = y1; y1 = y2; y2 = y3; y3 = ny;
  }
  blocksOut(dst, x0, x1, x2, x3);
  blocksOut(dst + 64, y0, y1, y2, y3);
}

/** 16 blocks as four independent 4-block batches interleaved round by round. */
function blocks16(rk: usize, src: usize, dst: usize): void {
  let x0 = wordsIn(src, 0), x1 = wordsIn(src, 1), x2 = wordsIn(src, 2), x3 = wordsIn(src, 3);
  let y0 = wordsIn(src + 64, 0), y1 = wordsIn(src + 64, 1), y2 = wordsIn(src + 64, 2), y3 = wordsIn(src + 64, 3);
  let z0 = wordsIn(src + 128, 0), z1 = wordsIn(src + 128, 1), z2 = wordsIn(src + 128, 2), z3 = wordsIn(src + 128, 3);
  let w0 = wordsIn(src + 192, 0), w1 = wordsIn(src + 192, 1), w2 = wordsIn(src + 192, 2), w3 = wordsIn(src + 192, 3);
  for (let i: usize = 0; i < 128; i += 4) {
    const k = i32x4.splat(load<u32>(rk + i));
    const tx = TV(v128.xor(v128.xor(x1, x2), v128.xor(x3, k)));
    const ty = TV(v128.xor(v128.xor(y1, y2), v128.xor(y3, k)));
    const tz = TV(v128.xor(v128.xor(z1, z2), v128.xor(z3, k)));
    const tw = TV(v128.xor(v128.xor(w1, w2), v128.xor(w3, k)));
    const nx = v128.xor(x0, tx), ny = v128.xor(y0, ty), nz = v128.xor(z0, tz), nw = v128.xor(w0, tw);
    x0 = x1; x1 = x2; x2 = x3; x3 = nx;
    y0 = y1; y1 = y2; y2 = y3; y3 = ny;
    z0 = z1; z1 = z2; z2 = z3; z3 = nz;
    w0 = w1; w1 = w2; w2 = w3; w3 = nw;
  }
  blocksOut(dst, x0, x1, x2, x3);
  blocksOut(dst + 64, y0, y1, y2, y3);
  blocksOut(dst + 128, z0, z1, z2, z3);
  blocksOut(dst + 192, w0, w1, w2, w3);
}

// ck_{i,j} = (4i + j) × 7 mod 256 as the word CK_i (key expansion constant; i is public).
// @ts-ignore: decorator
@inline function CK(i: u32): u32 {
  const c = i << 2;
  return ((c * 7 & 255) << 24) | (((c + 1) * 7 & 255) << 16) | (((c + 2) * 7 & 255) << 8) | ((c + 3) * 7 & 255);
}

/**
 * Key expansion (as {@link sm4ExpandKey}) and the encryption of `n` ≤ 8 blocks in one pass: round i of the
 * interleaved 4-block chains uses rk_i as soon as it is computed (SIMD build; a batch under 8 blocks is padded).
 * Up to 6 blocks, the key expansion rides in lane 2 of the second chain (blocks 4 and 5 in lanes 0 and 1), one round
 * ahead of the data: each step is then two S-box evaluations instead of three.
 */
export function sm4ExpandKeyAndEncrypt(key: usize, enc: usize, dec: usize, src: usize, dst: usize, n: i32): void {
  if (n <= 6) { expandKeyAndEncrypt6(key, enc, dec, src, dst, n); return; }
  memory.copy(TAIL, src, <usize>n << 4);
  let x0 = wordsIn(TAIL, 0), x1 = wordsIn(TAIL, 1), x2 = wordsIn(TAIL, 2), x3 = wordsIn(TAIL, 3);
  let y0 = wordsIn(TAIL + 64, 0), y1 = wordsIn(TAIL + 64, 1), y2 = wordsIn(TAIL + 64, 2), y3 = wordsIn(TAIL + 64, 3);
  // K_j kept splat across the four lanes, so rk_i feeds the rounds without leaving the vector unit.
  let k0 = i32x4.splat(bswap<u32>(load<u32>(key)) ^ load<u32>(FK)), k1 = i32x4.splat(bswap<u32>(load<u32>(key, 4)) ^ load<u32>(FK, 4));
  let k2 = i32x4.splat(bswap<u32>(load<u32>(key, 8)) ^ load<u32>(FK, 8)), k3 = i32x4.splat(bswap<u32>(load<u32>(key, 12)) ^ load<u32>(FK, 12));
  for (let i: u32 = 0; i < 32; i++) {
    // rk_i = K_i ⊕ T'(K_{i+1} ⊕ K_{i+2} ⊕ K_{i+3} ⊕ CK_i), T' = L' ∘ τ, L'(B) = B ⊕ (B <<< 13) ⊕ (B <<< 23)
    const c = i << 2;
    const ck = ((c * 7 & 255) << 24) | (((c + 1) * 7 & 255) << 16) | (((c + 2) * 7 & 255) << 8) | ((c + 3) * 7 & 255);
    const b = tauV(v128.xor(v128.xor(k1, k2), v128.xor(k3, i32x4.splat(ck))));
    const k = v128.xor(v128.xor(k0, b), v128.xor(rotlV(b, 13), rotlV(b, 23)));
    const rk = i32x4.extract_lane(k, 0);
    store<u32>(enc + (<usize>i << 2), rk);
    store<u32>(dec + (<usize>(31 - i) << 2), rk);
    k0 = k1; k1 = k2; k2 = k3; k3 = k;
    // X_{i+4} = X_i ⊕ T(X_{i+1} ⊕ X_{i+2} ⊕ X_{i+3} ⊕ rk_i) on both chains
    const t = TV(v128.xor(v128.xor(x1, x2), v128.xor(x3, k)));
    const u = TV(v128.xor(v128.xor(y1, y2), v128.xor(y3, k)));
    const nx = v128.xor(x0, t), ny = v128.xor(y0, u);
    x0 = x1; x1 = x2; x2 = x3; x3 = nx;
    y0 = y1; y1 = y2; y2 = y3; y3 = ny;
  }
  blocksOut(TAIL, x0, x1, x2, x3);
  blocksOut(TAIL + 64, y0, y1, y2, y3);
  memory.copy(dst, TAIL, <usize>n << 4);
  memory.fill(TAIL, 0, 128);
}

/**
 * {@link sm4ExpandKeyAndEncrypt} for n ≤ 6. Chain x holds blocks 0–3; chain y holds blocks 4–5 in lanes 0–1 and, in
 * lane 2, the key-expansion register: at step i, lane 2 of (y0, y1, y2, y3) is (K_{i+1}, K_{i+2}, K_{i+3}, K_{i+4} =
 * rk_i), so the same step computes data round i (lanes 0, 1, 3 and chain x, with rk_i) and key round i + 1
 * (lane 2: K_{i+5} = K_{i+1} ⊕ L'(τ(K_{i+2} ⊕ K_{i+3} ⊕ K_{i+4} ⊕ CK_{i+1})), L applied to the data lanes and L' to
 * lane 2). Lane 3 encrypts a zero block that is discarded; lane 2's last value (a "K_36") is never stored.
 */
function expandKeyAndEncrypt6(key: usize, enc: usize, dec: usize, src: usize, dst: usize, n: i32): void {
  memory.copy(TAIL, src, <usize>n << 4); // TAIL is all zero beyond the n blocks
  let x0 = wordsIn(TAIL, 0), x1 = wordsIn(TAIL, 1), x2 = wordsIn(TAIL, 2), x3 = wordsIn(TAIL, 3);
  let y0 = wordsIn(TAIL + 64, 0), y1 = wordsIn(TAIL + 64, 1), y2 = wordsIn(TAIL + 64, 2), y3 = wordsIn(TAIL + 64, 3);
  // (K0, K1, K2, K3) = MK ⊕ FK; rk_0 = K_4 on its own.
  const k0 = bswap<u32>(load<u32>(key)) ^ load<u32>(FK), k1 = bswap<u32>(load<u32>(key, 4)) ^ load<u32>(FK, 4);
  const k2 = bswap<u32>(load<u32>(key, 8)) ^ load<u32>(FK, 8), k3 = bswap<u32>(load<u32>(key, 12)) ^ load<u32>(FK, 12);
  const b = i32x4.extract_lane(tauV(i32x4.splat(k1 ^ k2 ^ k3 ^ CK(0))), 0);
  const rk0 = k0 ^ b ^ rotl<u32>(b, 13) ^ rotl<u32>(b, 23);
  store<u32>(enc, rk0);
  store<u32>(dec + 124, rk0);
  y0 = i32x4.replace_lane(y0, 2, k1); y1 = i32x4.replace_lane(y1, 2, k2);
  y2 = i32x4.replace_lane(y2, 2, k3); y3 = i32x4.replace_lane(y3, 2, rk0);
  const lane2 = v128(0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0, 0);
  for (let i: u32 = 0; i < 32; i++) {
    const ck = i32x4.replace_lane(i32x4.splat(0), 2, CK(i + 1)); // public; off the dependency chain
    const rk = i8x16.shuffle(y3, y3, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11); // rk_i in every lane
    const tx = TV(v128.xor(v128.xor(x1, x2), v128.xor(x3, rk)));
    // lanes 0, 1, 3: X_{i+1} ⊕ X_{i+2} ⊕ X_{i+3} ⊕ rk_i; lane 2: K_{i+2} ⊕ K_{i+3} ⊕ K_{i+4} ⊕ CK_{i+1}
    const s = tauV(v128.xor(v128.xor(y1, y2), v128.xor(y3, v128.bitselect(ck, rk, lane2))));
    // L' (B) = B ⊕ (B <<< 13) ⊕ (B <<< 23) for lane 2, L for the data lanes
    const ty = v128.bitselect(v128.xor(s, v128.xor(rotlV(s, 13), rotlV(s, 23))), LV(s), lane2);
    const nx = v128.xor(x0, tx), ny = v128.xor(y0, ty);
    x0 = x1; x1 = x2; x2 = x3; x3 = nx;
    y0 = y1; y1 = y2; y2 = y3; y3 = ny;
    if (i < 31) {
      const r = i32x4.extract_lane(ny, 2); // rk_{i+1}
      store<u32>(enc + (<usize>(i + 1) << 2), r);
      store<u32>(dec + (<usize>(30 - i) << 2), r);
    }
  }
  blocksOut(TAIL, x0, x1, x2, x3);
  blocksOut(TAIL + 64, y0, y1, y2, y3);
  memory.copy(dst, TAIL, <usize>n << 4);
  memory.fill(TAIL, 0, 128);
}

// 1–7 trailing blocks of the SIMD path are padded to a 4- or 8-block batch here, so no block ever takes the table path.
const TAIL: usize = memory.data(128, 16);

/**
 * Encrypts (with `rk` = encryption schedule) or decrypts (with the reversed schedule) `n` blocks from src to dst.
 * SIMD build: every block goes through the constant-time 16-, 8- or 4-block paths (a partial batch is padded).
 */
export function sm4Blocks(rk: usize, src: usize, dst: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    while (n >= 16) {
      blocks16(rk, src, dst);
      src += 256; dst += 256; n -= 16;
    }
    while (n >= 8) {
      blocks8(rk, src, dst);
      src += 128; dst += 128; n -= 8;
    }
    if (n == 4) {
      blocks4(rk, src, dst);
    } else if (n > 4) { // 5–7 blocks: one padded 8-block call costs about one 4-block call (two chains in flight)
      memory.copy(TAIL, src, <usize>n << 4);
      blocks8(rk, TAIL, TAIL);
      memory.copy(dst, TAIL, <usize>n << 4);
      memory.fill(TAIL, 0, 128);
    } else if (n > 0) {
      memory.copy(TAIL, src, <usize>n << 4);
      blocks4(rk, TAIL, TAIL);
      memory.copy(dst, TAIL, <usize>n << 4);
      memory.fill(TAIL, 0, 64);
    }
    return;
  }
  for (let i = 0; i < n; i++) block(rk, src + (<usize>i << 4), dst + (<usize>i << 4));
}
