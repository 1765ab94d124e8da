// GHASH (NIST SP 800-38D §6.4) with the multiplication of §6.3 in GF(2^128) mod x^128 + x^7 + x^2 + x + 1.
//
// Constant time: no table lookups. Blocks are mapped to polynomials (bit i of a u64 = coefficient of x^i), the
// 128×128 carry-less product is computed by Karatsuba from 64×64 products, and each 64×64 product uses integer
// multiplications on operands whose set bits are spread 4 apart ("holes"), so carries never reach a bit that is kept.
import { C_H, C_HPOW, C_PART, C_PARTLEN, C_Y, CTX } from "./_layout";

const M0: u64 = 0x1111111111111111;
const M1: u64 = 0x2222222222222222;
const M2: u64 = 0x4444444444444444;
const M3: u64 = 0x8888888888888888;

/** Low 64 bits of the carry-less product x·y. */
// @ts-ignore: decorator
@inline function clmulLo(x: u64, y: u64): u64 {
  const x0 = x & M0, x1 = x & M1, x2 = x & M2, x3 = x & M3;
  const y0 = y & M0, y1 = y & M1, y2 = y & M2, y3 = y & M3;
  // Within one class of bit positions (mod 4) at most 16 terms meet, and only at the top digit: no kept bit is
  // disturbed by a carry, so the lowest bit of each 4-bit digit is the XOR of its terms.
  const z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
  const z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
  const z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
  const z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
  return (z0 & M0) | (z1 & M1) | (z2 & M2) | (z3 & M3);
}

/** clmulLo on the two 64-bit lanes of x and y at once (SIMD build): the vector multiplier works beside the scalar one. */
// @ts-ignore: decorator
@inline function clmulLo2(x: v128, y: v128): v128 {
  const m0 = i64x2.splat(M0), m1 = i64x2.splat(M1), m2 = i64x2.splat(M2), m3 = i64x2.splat(M3);
  const x0 = v128.and(x, m0), x1 = v128.and(x, m1), x2 = v128.and(x, m2), x3 = v128.and(x, m3);
  const y0 = v128.and(y, m0), y1 = v128.and(y, m1), y2 = v128.and(y, m2), y3 = v128.and(y, m3);
  const z0 = v128.xor(v128.xor(i64x2.mul(x0, y0), i64x2.mul(x1, y3)), v128.xor(i64x2.mul(x2, y2), i64x2.mul(x3, y1)));
  const z1 = v128.xor(v128.xor(i64x2.mul(x0, y1), i64x2.mul(x1, y0)), v128.xor(i64x2.mul(x2, y3), i64x2.mul(x3, y2)));
  const z2 = v128.xor(v128.xor(i64x2.mul(x0, y2), i64x2.mul(x1, y1)), v128.xor(i64x2.mul(x2, y0), i64x2.mul(x3, y3)));
  const z3 = v128.xor(v128.xor(i64x2.mul(x0, y3), i64x2.mul(x1, y2)), v128.xor(i64x2.mul(x2, y1), i64x2.mul(x3, y0)));
  return v128.or(v128.or(v128.and(z0, m0), v128.and(z1, m1)), v128.or(v128.and(z2, m2), v128.and(z3, m3)));
}

/** Reverses the bits within each of the 16 bytes (SIMD build): two nibble permutes of a constant table. */
// @ts-ignore: decorator
@inline function revBitsV(x: v128): v128 {
  const rev = v128(0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15);
  const m = i8x16.splat(0x0f);
  const lo = i8x16.swizzle(rev, v128.and(x, m)), hi = i8x16.swizzle(rev, v128.and(i16x8.shr_u(x, 4), m));
  return v128.or(i16x8.shl(lo, 4), hi);
}

/** Reverses the bits within each byte. */
// @ts-ignore: decorator
@inline function revBitsInBytes(x: u64): u64 {
  x = ((x >>> 1) & 0x5555555555555555) | ((x & 0x5555555555555555) << 1);
  x = ((x >>> 2) & 0x3333333333333333) | ((x & 0x3333333333333333) << 2);
  return ((x >>> 4) & 0x0f0f0f0f0f0f0f0f) | ((x & 0x0f0f0f0f0f0f0f0f) << 4);
}

/** Reverses all 64 bits. */
// @ts-ignore: decorator
@inline function rev64(x: u64): u64 {
  return bswap<u64>(revBitsInBytes(x));
}

/**
 * Block ↔ polynomial (§6.3: the leftmost bit of a block is the coefficient of x^0): a little-endian load puts byte 0
 * in bits 0..7 with its leftmost bit at bit 7; reversing the bits in each byte puts it at bit 0.
 */
// @ts-ignore: decorator
@inline export function loadPoly(p: usize, off: usize): u64 {
  return revBitsInBytes(load<u64>(p + off));
}
// @ts-ignore: decorator
@inline export function storePoly(p: usize, v: u64, off: usize): void {
  store<u64>(p + off, revBitsInBytes(v));
}

/** Stores the Karatsuba operands of a key power (hl, hh) at `q`: hl, hh, hl ⊕ hh and their 64-bit reversals. */
// @ts-ignore: decorator
@inline function storePower(q: usize, hl: u64, hh: u64): void {
  store<u64>(q, hl); store<u64>(q, hh, 8); store<u64>(q, hl ^ hh, 16);
  store<u64>(q, rev64(hl), 24); store<u64>(q, rev64(hh), 32); store<u64>(q, rev64(hl ^ hh), 40);
}

// Accumulators of unreduced products (module globals would cost speed: the sums live in locals of the callers).
// A product X·H^e contributes to six 64-bit sums: a0 = lo(xl·hl), b0 = lo(xh·hh), cc = lo((xl⊕xh)·hm) and the same
// three on bit-reversed operands (ra, rb, rc), from which the high halves are recovered once per reduction.

/** Reduces the 256-bit product held as (a0, b0, cc, ra, rb, rc) modulo x^128 + x^7 + x^2 + x + 1 into Y. */
// @ts-ignore: decorator
@inline function reduceInto(a0: u64, b0: u64, cc: u64, ra: u64, rb: u64, rc: u64): void {
  // Karatsuba: (xh·x^64 + xl)(hh·x^64 + hl); the high half of a 64×64 product is rev(clmulLo(rev a, rev b)) >> 1.
  const c0 = cc ^ a0 ^ b0;
  const a1 = rev64(ra) >>> 1, b1 = rev64(rb) >>> 1, c1 = rev64(rc ^ ra ^ rb) >>> 1;
  const p0 = a0, p1 = a1 ^ c0, p2 = b0 ^ c1, p3 = b1;
  // x^128 ≡ x^7 + x^2 + x + 1: fold (p3, p2) once, then the ≤ 7 bits that overflow past x^127 again.
  const ov = (p3 >>> 63) ^ (p3 >>> 62) ^ (p3 >>> 57);
  store<u64>(CTX + C_Y, p0 ^ p2 ^ (p2 << 1) ^ (p2 << 2) ^ (p2 << 7) ^ ov ^ (ov << 1) ^ (ov << 2) ^ (ov << 7));
  store<u64>(CTX + C_Y, p1 ^ p3 ^ (p3 << 1 | p2 >>> 63) ^ (p3 << 2 | p2 >>> 62) ^ (p3 << 7 | p2 >>> 57), 8);
}

/** One GF(2^128) product (§6.3) of polynomials (xl, xh)·(yl, yh), reduced, written into Y (used for the key powers). */
function gfMulToY(xl: u64, xh: u64, yl: u64, yh: u64): void {
  const rxl = rev64(xl), rxh = rev64(xh), ryl = rev64(yl), ryh = rev64(yh);
  reduceInto(clmulLo(xl, yl), clmulLo(xh, yh), clmulLo(xl ^ xh, yl ^ yh),
    clmulLo(rxl, ryl), clmulLo(rxh, ryh), clmulLo(rxl ^ rxh, ryl ^ ryh));
}

/** Sets the hash subkey H (16 bytes at `h`) and its Karatsuba operands; Y ← 0, empty buffer. H^2..H^4 come later. */
export function ghashInit(h: usize): void {
  storePower(CTX + C_H, loadPoly(h, 0), loadPoly(h, 8));
  store<u32>(CTX + C_HPOW, 0);
  ghashReset();
}

/** Y ← 0 and an empty buffer, keeping H (a prepared key used for a new message). */
export function ghashReset(): void {
  store<u64>(CTX + C_Y, 0); store<u64>(CTX + C_Y, 0, 8);
  store<u64>(CTX + C_PART, 0); store<u64>(CTX + C_PART, 0, 8);
  store<u32>(CTX + C_PARTLEN, 0);
}

/** Precomputes H^2, H^3, H^4 (and their Karatsuba operands) once per key; Y is preserved. */
export function ghashPowers(): void {
  if (load<u32>(CTX + C_HPOW) != 0) return;
  const yl = load<u64>(CTX + C_Y), yh = load<u64>(CTX + C_Y, 8);
  const hl = load<u64>(CTX + C_H), hh = load<u64>(CTX + C_H, 8);
  let pl = hl, ph = hh;
  for (let e: usize = 1; e < 4; e++) {
    gfMulToY(pl, ph, hl, hh);
    pl = load<u64>(CTX + C_Y); ph = load<u64>(CTX + C_Y, 8);
    storePower(CTX + C_H + e * 48, pl, ph);
  }
  store<u64>(CTX + C_Y, yl); store<u64>(CTX + C_Y, yh, 8);
  store<u32>(CTX + C_HPOW, 1);
}

/**
 * Y_i = (Y_{i-1} ⊕ X_i) · H for `n` whole blocks at `p` (§6.4 steps 2–3). Four blocks at a time as
 * Y' = (Y ⊕ X_1)·H^4 ⊕ X_2·H^3 ⊕ X_3·H^2 ⊕ X_4·H — the same value, with one reduction and one set of reversals per
 * four blocks and four independent products in flight.
 */
export function ghashBlocks(p: usize, n: i32): void {
  // H^2..H^4 cost three products: computed for a run of at least POWERS_MIN blocks (or already there, e.g. a prepared
  // key); a short message under a fresh key is cheaper block by block.
  if (n >= 4 && load<u32>(CTX + C_HPOW) == 0) {
    if (n < POWERS_MIN) n = ghashSerial(p, n);
    else ghashPowers();
  }
  while (n >= 4) {
    let a0: u64 = 0, b0: u64 = 0, cc: u64 = 0, ra: u64 = 0, rb: u64 = 0, rc: u64 = 0;
    if (ASC_FEATURE_SIMD) {
      let ab = i64x2.splat(0), rab = i64x2.splat(0);
      const yv = v128.load(CTX + C_Y);
      for (let t: usize = 0; t < 4; t++) {
        const raw = v128.load(p + (t << 4));
        let xv = revBitsV(raw); // (xl, xh) = loadPoly of both halves
        let rxv = i8x16.shuffle(raw, raw, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8); // rev64 of each = bswap
        if (t == 0) {
          xv = v128.xor(xv, yv);
          const ry = revBitsV(yv);
          rxv = v128.xor(rxv, i8x16.shuffle(ry, ry, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8));
        }
        const q = CTX + C_H + (3 - t) * 48; // H^(4-t)
        ab = v128.xor(ab, clmulLo2(xv, v128.load(q)));
        rab = v128.xor(rab, clmulLo2(rxv, v128.load(q, 24)));
        cc ^= clmulLo(i64x2.extract_lane(xv, 0) ^ i64x2.extract_lane(xv, 1), load<u64>(q, 16));
        rc ^= clmulLo(i64x2.extract_lane(rxv, 0) ^ i64x2.extract_lane(rxv, 1), load<u64>(q, 40));
      }
      a0 = i64x2.extract_lane(ab, 0); b0 = i64x2.extract_lane(ab, 1);
      ra = i64x2.extract_lane(rab, 0); rb = i64x2.extract_lane(rab, 1);
    } else {
    for (let t: usize = 0; t < 4; t++) {
      let xl = loadPoly(p + (t << 4), 0), xh = loadPoly(p + (t << 4), 8);
      if (t == 0) { xl ^= load<u64>(CTX + C_Y); xh ^= load<u64>(CTX + C_Y, 8); }
      const q = CTX + C_H + (3 - t) * 48; // H^(4-t)
      const rxl = rev64(xl), rxh = rev64(xh);
      a0 ^= clmulLo(xl, load<u64>(q)); b0 ^= clmulLo(xh, load<u64>(q, 8)); cc ^= clmulLo(xl ^ xh, load<u64>(q, 16));
      ra ^= clmulLo(rxl, load<u64>(q, 24)); rb ^= clmulLo(rxh, load<u64>(q, 32)); rc ^= clmulLo(rxl ^ rxh, load<u64>(q, 40));
    }
    }
    reduceInto(a0, b0, cc, ra, rb, rc);
    p += 64; n -= 4;
  }
  ghashSerial(p, n);
}

/** Blocks at or past this count make the H^2..H^4 precomputation worth its three products. */
const POWERS_MIN: i32 = 32;

/** Y_i = (Y_{i-1} ⊕ X_i) · H one block at a time (§6.4 steps 2–3) for `n` blocks at `p`; returns 0. */
function ghashSerial(p: usize, n: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    for (; n > 0; n--, p += 16) {
      const yv = v128.load(CTX + C_Y), raw = v128.load(p);
      const xv = v128.xor(revBitsV(raw), yv); // (xl, xh) of Y ⊕ X
      const r = v128.xor(raw, revBitsV(yv));
      const rxv = i8x16.shuffle(r, r, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8); // (rev xl, rev xh)
      const q = CTX + C_H;
      const ab = clmulLo2(xv, v128.load(q)), rab = clmulLo2(rxv, v128.load(q, 24));
      reduceInto(i64x2.extract_lane(ab, 0), i64x2.extract_lane(ab, 1),
        clmulLo(i64x2.extract_lane(xv, 0) ^ i64x2.extract_lane(xv, 1), load<u64>(q, 16)),
        i64x2.extract_lane(rab, 0), i64x2.extract_lane(rab, 1),
        clmulLo(i64x2.extract_lane(rxv, 0) ^ i64x2.extract_lane(rxv, 1), load<u64>(q, 40)));
    }
    return 0;
  }
  for (; n > 0; n--, p += 16) {
    const xl = load<u64>(CTX + C_Y) ^ loadPoly(p, 0), xh = load<u64>(CTX + C_Y, 8) ^ loadPoly(p, 8);
    const rxl = rev64(xl), rxh = rev64(xh);
    const q = CTX + C_H;
    reduceInto(clmulLo(xl, load<u64>(q)), clmulLo(xh, load<u64>(q, 8)), clmulLo(xl ^ xh, load<u64>(q, 16)),
      clmulLo(rxl, load<u64>(q, 24)), clmulLo(rxh, load<u64>(q, 32)), clmulLo(rxl ^ rxh, load<u64>(q, 40)));
  }
  return 0;
}

/** Absorbs `len` bytes at `p`, buffering a partial block in the context. */
export function ghashUpdate(p: usize, len: i32): void {
  let part = <i32>load<u32>(CTX + C_PARTLEN);
  if (part > 0) {
    const take = min(16 - part, len);
    memory.copy(CTX + C_PART + part, p, take);
    part += take; p += take; len -= take;
    if (part < 16) { store<u32>(CTX + C_PARTLEN, part); return; }
    ghashBlocks(CTX + C_PART, 1);
    part = 0;
  }
  const n = len >> 4;
  if (n > 0) { ghashBlocks(p, n); p += n << 4; len -= n << 4; }
  if (len > 0) {
    memory.fill(CTX + C_PART, 0, 16);
    memory.copy(CTX + C_PART, p, len);
  }
  store<u32>(CTX + C_PARTLEN, len);
}

/** Pads a buffered partial block with zeros and absorbs it (the 0^v / 0^u padding of §7.1 step 5). */
export function ghashPad(): void {
  const part = <i32>load<u32>(CTX + C_PARTLEN);
  if (part > 0) {
    memory.fill(CTX + C_PART + part, 0, 16 - part);
    ghashBlocks(CTX + C_PART, 1);
    store<u32>(CTX + C_PARTLEN, 0);
  }
}

/** Writes Y (16 bytes) to `out`. */
export function ghashOutput(out: usize): void {
  storePoly(out, load<u64>(CTX + C_Y), 0);
  storePoly(out, load<u64>(CTX + C_Y, 8), 8);
}
