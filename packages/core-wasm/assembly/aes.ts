// AES block cipher (FIPS 197): KeyExpansion (§5.2), Cipher (§5.1) and the equivalent inverse cipher (§5.3.5), with
// Nk = 4 / 6 / 8 words (Nr = 10 / 12 / 14).
//
// Scalar build: SubBytes + ShiftRows + MixColumns folded into four 256-entry u32 tables (Te, and Td for the inverse):
// byte lookups indexed by secret state, NOT constant time (see SECURITY.md).
// SIMD128 build: one block per v128 in the standard's byte order, SubBytes by the vector-permute S-box (_vperm.ts;
// M. Hamburg, CHES 2009), ShiftRows as a fixed byte shuffle, MixColumns from byte rotations within columns and xtime:
// no table lookup and no branch depends on a secret, KeyExpansion included (constant time, see SECURITY.md).
import { vpermSbox } from "./_vperm";
import {
  AES_IN_HI, AES_IN_LO, AES_OUT_C, AES_OUT_HI, AES_OUT_LO, AESI_IN_HI, AESI_IN_LO, AESI_OUT_C, AESI_OUT_HI, AESI_OUT_LO,
} from "./_vperm-tables";

const SBOX: usize = memory.data(256, 64);
const INV_SBOX: usize = memory.data(256, 64);
const TE: usize = memory.data(4 * 1024, 64); // Te_k[x] = (MixColumns column of S(x)) >>> 8k
const TD: usize = memory.data(4 * 1024, 64); // Td_k[x] = (InvMixColumns column of S⁻¹(x)) >>> 8k

// xtime (§4.2.1): multiplication by x in GF(2^8) mod m(x) = x^8 + x^4 + x^3 + x + 1.
// @ts-ignore: decorator
@inline function xtime(b: u32): u32 {
  return ((b << 1) ^ ((b >>> 7) * 0x1b)) & 0xff;
}

function gmul(a: u32, b: u32): u32 {
  let r: u32 = 0;
  for (let i = 0; i < 8; i++) {
    r ^= a & -(b & 1);
    a = xtime(a);
    b >>>= 1;
  }
  return r;
}

// S-box (§5.1.1): the multiplicative inverse in GF(2^8) followed by the affine transformation with constant 0x63.
// Tables are generated here rather than typed in; the FIPS 197 / ACVP vectors check them. Scalar build only.
if (!ASC_FEATURE_SIMD) {
  // Powers of the generator 3 give log/antilog tables for the inverse.
  const EXP: usize = memory.data(256);
  const LOG: usize = memory.data(256);
  let p: u32 = 1;
  for (let i: u32 = 0; i < 255; i++) {
    store<u8>(EXP + i, <u8>p);
    store<u8>(LOG + p, <u8>i);
    p ^= xtime(p); // p × 3
  }
  for (let x: u32 = 0; x < 256; x++) {
    const inv: u32 = x == 0 ? 0 : <u32>load<u8>(EXP + ((255 - <u32>load<u8>(LOG + x)) % 255));
    let s = inv;
    for (let k = 1; k <= 4; k++) s ^= ((inv << k) | (inv >>> (8 - k))) & 0xff; // b'_i = b_i ⊕ b_{i+4} ⊕ … (rotations)
    s ^= 0x63;
    store<u8>(SBOX + x, <u8>s);
    store<u8>(INV_SBOX + s, <u8>x);
  }
  for (let x: u32 = 0; x < 256; x++) {
    const s = <u32>load<u8>(SBOX + x);
    const te = (xtime(s) << 24) | (s << 16) | (s << 8) | (xtime(s) ^ s); // MixColumns column (02, 01, 01, 03)·s
    const i = <u32>load<u8>(INV_SBOX + x);
    const td = (gmul(i, 0x0e) << 24) | (gmul(i, 0x09) << 16) | (gmul(i, 0x0d) << 8) | gmul(i, 0x0b); // InvMixColumns
    for (let k: u32 = 0; k < 4; k++) {
      store<u32>(TE + (k << 10) + (x << 2), rotr<u32>(te, 8 * k));
      store<u32>(TD + (k << 10) + (x << 2), rotr<u32>(td, 8 * k));
    }
  }
}

// @ts-ignore: decorator
@inline function subWord(w: u32): u32 {
  return (<u32>load<u8>(SBOX + (w >>> 24)) << 24) | (<u32>load<u8>(SBOX + ((w >>> 16) & 255)) << 16) |
    (<u32>load<u8>(SBOX + ((w >>> 8) & 255)) << 8) | <u32>load<u8>(SBOX + (w & 255));
}

/**
 * KeyExpansion (§5.2) of an `nk`-word key at `key` into w[0..4(Nr+1)) at `enc`, and the equivalent inverse cipher's
 * schedule (§5.3.5: reversed round order, InvMixColumns applied to rounds 1..Nr-1) at `dec`. Returns Nr.
 */
export function aesExpandKey(key: usize, nk: i32, enc: usize, dec: usize): i32 {
  if (ASC_FEATURE_SIMD) return expandKeyV(key, nk, enc, dec);
  const nr = nk + 6;
  const total = 4 * (nr + 1);
  for (let i = 0; i < nk; i++) store<u32>(enc + (<usize>i << 2), bswap<u32>(load<u32>(key + (<usize>i << 2))));
  let rcon: u32 = 1;
  for (let i = nk; i < total; i++) {
    let temp = load<u32>(enc + (<usize>(i - 1) << 2));
    if (i % nk == 0) {
      temp = subWord(rotl<u32>(temp, 8)) ^ (rcon << 24); // SubWord(RotWord(temp)) ⊕ Rcon[i/Nk]
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk == 4) {
      temp = subWord(temp);
    }
    store<u32>(enc + (<usize>i << 2), load<u32>(enc + (<usize>(i - nk) << 2)) ^ temp);
  }
  for (let r = 0; r <= nr; r++) {
    for (let c = 0; c < 4; c++) {
      let w = load<u32>(enc + (<usize>(4 * (nr - r) + c) << 2));
      if (r > 0 && r < nr) {
        w = load<u32>(TD + (<usize>load<u8>(SBOX + (w >>> 24)) << 2)) ^
          load<u32>(TD + (<usize>load<u8>(SBOX + ((w >>> 16) & 255)) << 2), 1024) ^
          load<u32>(TD + (<usize>load<u8>(SBOX + ((w >>> 8) & 255)) << 2), 2048) ^
          load<u32>(TD + (<usize>load<u8>(SBOX + (w & 255)) << 2), 3072);
      }
      store<u32>(dec + (<usize>(4 * r + c) << 2), w);
    }
  }
  return nr;
}

// @ts-ignore: decorator
@inline function te(a: u32, b: u32, c: u32, d: u32): u32 {
  return load<u32>(TE + ((a >>> 24) << 2)) ^ load<u32>(TE + (((b >>> 16) & 255) << 2), 1024) ^
    load<u32>(TE + (((c >>> 8) & 255) << 2), 2048) ^ load<u32>(TE + ((d & 255) << 2), 3072);
}
// @ts-ignore: decorator
@inline function td(a: u32, b: u32, c: u32, d: u32): u32 {
  return load<u32>(TD + ((a >>> 24) << 2)) ^ load<u32>(TD + (((b >>> 16) & 255) << 2), 1024) ^
    load<u32>(TD + (((c >>> 8) & 255) << 2), 2048) ^ load<u32>(TD + ((d & 255) << 2), 3072);
}
// @ts-ignore: decorator
@inline function last(box: usize, a: u32, b: u32, c: u32, d: u32): u32 {
  return (<u32>load<u8>(box + (a >>> 24)) << 24) | (<u32>load<u8>(box + ((b >>> 16) & 255)) << 16) |
    (<u32>load<u8>(box + ((c >>> 8) & 255)) << 8) | <u32>load<u8>(box + (d & 255));
}

/** Cipher (§5.1) on `n` blocks: AddRoundKey, Nr-1 full rounds (table form), final round without MixColumns. */
export function aesEncryptBlocks(w: usize, nr: i32, src: usize, dst: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) { encryptBlocksV(w, nr, src, dst, n); return; }
  const end = w + (<usize>(4 * nr) << 2);
  for (let b = 0; b < n; b++, src += 16, dst += 16) {
    let s0 = bswap<u32>(load<u32>(src)) ^ load<u32>(w), s1 = bswap<u32>(load<u32>(src, 4)) ^ load<u32>(w, 4);
    let s2 = bswap<u32>(load<u32>(src, 8)) ^ load<u32>(w, 8), s3 = bswap<u32>(load<u32>(src, 12)) ^ load<u32>(w, 12);
    for (let k = w + 16; k < end; k += 16) {
      const t0 = te(s0, s1, s2, s3) ^ load<u32>(k), t1 = te(s1, s2, s3, s0) ^ load<u32>(k, 4);
      const t2 = te(s2, s3, s0, s1) ^ load<u32>(k, 8), t3 = te(s3, s0, s1, s2) ^ load<u32>(k, 12);
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    store<u32>(dst, bswap<u32>(last(SBOX, s0, s1, s2, s3) ^ load<u32>(end)));
    store<u32>(dst, bswap<u32>(last(SBOX, s1, s2, s3, s0) ^ load<u32>(end, 4)), 4);
    store<u32>(dst, bswap<u32>(last(SBOX, s2, s3, s0, s1) ^ load<u32>(end, 8)), 8);
    store<u32>(dst, bswap<u32>(last(SBOX, s3, s0, s1, s2) ^ load<u32>(end, 12)), 12);
  }
}

/** Equivalent inverse cipher (§5.3.5) on `n` blocks with the `dec` schedule from {@link aesExpandKey}. */
export function aesDecryptBlocks(w: usize, nr: i32, src: usize, dst: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) { decryptBlocksV(w, nr, src, dst, n); return; }
  const end = w + (<usize>(4 * nr) << 2);
  for (let b = 0; b < n; b++, src += 16, dst += 16) {
    let s0 = bswap<u32>(load<u32>(src)) ^ load<u32>(w), s1 = bswap<u32>(load<u32>(src, 4)) ^ load<u32>(w, 4);
    let s2 = bswap<u32>(load<u32>(src, 8)) ^ load<u32>(w, 8), s3 = bswap<u32>(load<u32>(src, 12)) ^ load<u32>(w, 12);
    for (let k = w + 16; k < end; k += 16) {
      const t0 = td(s0, s3, s2, s1) ^ load<u32>(k), t1 = td(s1, s0, s3, s2) ^ load<u32>(k, 4);
      const t2 = td(s2, s1, s0, s3) ^ load<u32>(k, 8), t3 = td(s3, s2, s1, s0) ^ load<u32>(k, 12);
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    store<u32>(dst, bswap<u32>(last(INV_SBOX, s0, s3, s2, s1) ^ load<u32>(end)));
    store<u32>(dst, bswap<u32>(last(INV_SBOX, s1, s0, s3, s2) ^ load<u32>(end, 4)), 4);
    store<u32>(dst, bswap<u32>(last(INV_SBOX, s2, s1, s0, s3) ^ load<u32>(end, 8)), 8);
    store<u32>(dst, bswap<u32>(last(INV_SBOX, s3, s2, s1, s0) ^ load<u32>(end, 12)), 12);
  }
}

// ---- SIMD128 path (constant time) ----
// State (§3.4): byte k of the v128 is s[r][c] with r = k mod 4, c = k / 4 — the order of the input bytes, so a block
// is loaded and stored as is. Round keys are stored the same way (16 bytes per round, w[4r..4r+3] in byte order).

// @ts-ignore: decorator
@inline function subBytesV(x: v128): v128 { // SubBytes (§5.1.1)
  return vpermSbox(x, AES_IN_LO, AES_IN_HI, AES_OUT_HI, AES_OUT_LO, AES_OUT_C);
}
// @ts-ignore: decorator
@inline function invSubBytesV(x: v128): v128 { // InvSubBytes (§5.3.2)
  return vpermSbox(x, AESI_IN_LO, AESI_IN_HI, AESI_OUT_HI, AESI_OUT_LO, AESI_OUT_C);
}
// ShiftRows (§5.1.2): s'[r][c] = s[r][(c + r) mod 4]. A swizzle by a constant index vector in memory: the engine
// builds an i8x16.shuffle's arbitrary byte pattern from immediates at every use, which costs more.
const SHIFT_ROWS: usize = memory.data<u8>([0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11], 16);
// @ts-ignore: decorator
@inline function shiftRowsV(x: v128): v128 {
  return i8x16.swizzle(x, v128.load(SHIFT_ROWS));
}
// InvShiftRows (§5.3.1): s'[r][(c + r) mod 4] = s[r][c].
// @ts-ignore: decorator
@inline function invShiftRowsV(x: v128): v128 {
  return i8x16.shuffle(x, x, 0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3);
}
// xtime (§4.2.1) on 16 bytes: 2·b = (b + b) ⊕ (0x1b where the top bit of b was set).
// @ts-ignore: decorator
@inline function xtimeV(b: v128): v128 {
  return v128.xor(i8x16.add(b, b), v128.and(i8x16.lt_s(b, v128.splat<i8>(0)), i8x16.splat(0x1b)));
}
// MixColumns (§5.1.3): s'_r = 2·s_r ⊕ 3·s_{r+1} ⊕ s_{r+2} ⊕ s_{r+3} = xtime(t_r) ⊕ s_{r+1} ⊕ t_{r+2} with
// t_r = s_r ⊕ s_{r+1} (rows taken mod 4 within each column).
// @ts-ignore: decorator
@inline function mixColumnsV(s: v128): v128 {
  const r1 = v128.or(i32x4.shr_u(s, 8), i32x4.shl(s, 24)); // s_{r+1}: each column (a little-endian word) rotated
  const t = v128.xor(s, r1);
  const t2 = i8x16.shuffle(t, t, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
  return v128.xor(v128.xor(xtimeV(t), r1), t2);
}
// InvMixColumns (§5.3.3): the matrix {0e 0b 0d 09} is MixColumns' {02 03 01 01} times {05 00 04 00}, so
// InvMixColumns(s) = MixColumns(s ⊕ 4·(s ⊕ s_{r+2})).
// @ts-ignore: decorator
@inline function invMixColumnsV(s: v128): v128 {
  const u = v128.xor(s, i8x16.shuffle(s, s, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  return mixColumnsV(v128.xor(s, xtimeV(xtimeV(u))));
}

// SubWord (§5.2) of a word held as 4 bytes in memory order (a little-endian u32), by the vector-permute S-box.
// @ts-ignore: decorator
@inline function subWordV(w: u32): u32 {
  return i32x4.extract_lane(subBytesV(i32x4.splat(w)), 0);
}

/**
 * KeyExpansion (§5.2, Figure 11) with every S-box evaluation done by vector permutes; words are kept in byte order, so
 * RotWord is a rotation by 8 bits of the little-endian u32 and Rcon[i/Nk] = [rc, 00, 00, 00] is XORed into its low
 * byte. The equivalent inverse cipher's schedule (§5.3.5: dw = w in reverse round order, InvMixColumns on rounds
 * 1..Nr-1) goes to `dec`. Branches depend only on i and Nk (public).
 */
function expandKeyV(key: usize, nk: i32, enc: usize, dec: usize): i32 {
  const nr = nk + 6;
  const total = 4 * (nr + 1);
  for (let i = 0; i < nk; i++) store<u32>(enc + (<usize>i << 2), load<u32>(key + (<usize>i << 2)));
  let rcon: u32 = 1;
  for (let i = nk; i < total; i++) {
    let temp = load<u32>(enc + (<usize>(i - 1) << 2));
    if (i % nk == 0) {
      temp = subWordV(rotr<u32>(temp, 8)) ^ rcon; // SubWord(RotWord(temp)) ⊕ Rcon[i/Nk]
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk == 4) {
      temp = subWordV(temp);
    }
    store<u32>(enc + (<usize>i << 2), load<u32>(enc + (<usize>(i - nk) << 2)) ^ temp);
  }
  for (let r = 0; r <= nr; r++) {
    let k = v128.load(enc + (<usize>(nr - r) << 4));
    if (r > 0 && r < nr) k = invMixColumnsV(k);
    v128.store(dec + (<usize>r << 4), k);
  }
  return nr;
}

// One round of Cipher (§5.1): SubBytes, ShiftRows, MixColumns, AddRoundKey. SubBytes is bytewise, so it commutes with
// ShiftRows.
// @ts-ignore: decorator
@inline function roundV(x: v128, k: v128): v128 {
  return v128.xor(mixColumnsV(shiftRowsV(subBytesV(x))), k);
}
// @ts-ignore: decorator
@inline function lastRoundV(x: v128, k: v128): v128 {
  return v128.xor(shiftRowsV(subBytesV(x)), k);
}
// One round of the equivalent inverse cipher (§5.3.5): InvSubBytes, InvShiftRows, InvMixColumns, AddRoundKey(dw).
// @ts-ignore: decorator
@inline function invRoundV(x: v128, k: v128): v128 {
  return v128.xor(invMixColumnsV(invShiftRowsV(invSubBytesV(x))), k);
}
// @ts-ignore: decorator
@inline function invLastRoundV(x: v128, k: v128): v128 {
  return v128.xor(invShiftRowsV(invSubBytesV(x)), k);
}

/** Cipher (§5.1) on `n` blocks, four independent blocks in flight per round (a tail of 1–3 blocks one at a time). */
function encryptBlocksV(w: usize, nr: i32, src: usize, dst: usize, n: i32): void {
  const end = w + (<usize>nr << 4);
  for (; n >= 4; n -= 4, src += 64, dst += 64) {
    let k = v128.load(w);
    let a = v128.xor(v128.load(src), k), b = v128.xor(v128.load(src, 16), k);
    let c = v128.xor(v128.load(src, 32), k), d = v128.xor(v128.load(src, 48), k);
    for (let p = w + 16; p < end; p += 16) {
      k = v128.load(p);
      a = roundV(a, k); b = roundV(b, k); c = roundV(c, k); d = roundV(d, k);
    }
    k = v128.load(end);
    v128.store(dst, lastRoundV(a, k)); v128.store(dst, lastRoundV(b, k), 16);
    v128.store(dst, lastRoundV(c, k), 32); v128.store(dst, lastRoundV(d, k), 48);
  }
  for (; n > 0; n--, src += 16, dst += 16) {
    let a = v128.xor(v128.load(src), v128.load(w));
    for (let p = w + 16; p < end; p += 16) a = roundV(a, v128.load(p));
    v128.store(dst, lastRoundV(a, v128.load(end)));
  }
}

/** Equivalent inverse cipher (§5.3.5) on `n` blocks with the `dec` schedule of {@link expandKeyV}. */
function decryptBlocksV(w: usize, nr: i32, src: usize, dst: usize, n: i32): void {
  const end = w + (<usize>nr << 4);
  for (; n >= 4; n -= 4, src += 64, dst += 64) {
    let k = v128.load(w);
    let a = v128.xor(v128.load(src), k), b = v128.xor(v128.load(src, 16), k);
    let c = v128.xor(v128.load(src, 32), k), d = v128.xor(v128.load(src, 48), k);
    for (let p = w + 16; p < end; p += 16) {
      k = v128.load(p);
      a = invRoundV(a, k); b = invRoundV(b, k); c = invRoundV(c, k); d = invRoundV(d, k);
    }
    k = v128.load(end);
    v128.store(dst, invLastRoundV(a, k)); v128.store(dst, invLastRoundV(b, k), 16);
    v128.store(dst, invLastRoundV(c, k), 32); v128.store(dst, invLastRoundV(d, k), 48);
  }
  for (; n > 0; n--, src += 16, dst += 16) {
    let a = v128.xor(v128.load(src), v128.load(w));
    for (let p = w + 16; p < end; p += 16) a = invRoundV(a, v128.load(p));
    v128.store(dst, invLastRoundV(a, v128.load(end)));
  }
}
