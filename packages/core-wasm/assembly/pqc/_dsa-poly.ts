// Polynomial arithmetic of ML-DSA (FIPS 204 §7.5–7.6, §7.4 rounding): R_q = Z_q[X]/(X^256 + 1), q = 8380417, with
// the NTT over the 512-th root of unity ζ = 1753 (Algorithms 41–42), Montgomery reduction with R = 2^32
// (Algorithm 49, MontgomeryReduce), and the rounding helpers Power2Round, Decompose, HighBits, LowBits, MakeHint,
// UseHint (Algorithms 35–40). Polynomials are 256 × i32 at a pointer. No secret-dependent branch, table index or
// division: divisions by constants are multiplications checked exact on their input range.
import { spongeNextBlock, spongeSqueeze } from "./_keccak";
import { ctLayer4, montMul4 } from "./_simd";

export const Q: i32 = 8380417;
/** q^−1 mod 2^32. */
const QINV: i32 = 58728449;
/** R mod q, R = 2^32. */
const R_MOD_Q: i64 = 4193792;
/** 256^−1 · R² mod q: the final scaling of {@link invNtt}, so that fqmul(x, F) = x · 256^−1 · R. */
const INV_SCALE: i32 = 41978;
const ZETA: i64 = 1753;
export const GAMMA2: i32 = 261888; // (q − 1)/32 (Table 1, ML-DSA-65)
const TWO_GAMMA2: i32 = 523776;

// @ts-ignore: decorator
@inline function montReduce(x: i64): i32 {
  // Algorithm 49: t ← (x mod 2^32)·QINV mod 2^32 (signed); r ← (x − t·q) / 2^32 ≡ x·2^−32 (mod q), |r| < q.
  const t = <i32>x * QINV;
  return <i32>((x - <i64>t * <i64>Q) >> 32);
}
// @ts-ignore: decorator
@inline function fqmul(a: i32, b: i32): i32 {
  return montReduce(<i64>a * <i64>b);
}

/** r ≡ a (mod q) with |r| < 0.75·q, for |a| < 2^31 − 2^22. */
// @ts-ignore: decorator
@inline function reduce32(a: i32): i32 {
  return a - ((a + (1 << 22)) >> 23) * Q;
}

/** The representative of x mod q in [0, q), for |x| < 2^31 (Barrett with round(2^48 / q)). */
// @ts-ignore: decorator
@inline export function freeze(x: i32): i32 {
  const t = <i32>((<i64>x * 33587228 + (<i64>1 << 47)) >> 48);
  let r = x - t * Q; // |r| < q
  r += (r >> 31) & Q;
  return r;
}

/** x mod± q: the representative in [−(q−1)/2, (q−1)/2]. */
// @ts-ignore: decorator
@inline export function centered(x: i32): i32 {
  const r = freeze(x);
  return r - (Q & ~((r - ((Q + 1) >> 1)) >> 31)); // subtract q iff r > (q − 1)/2
}

// @ts-ignore: decorator
@inline function abs(x: i32): i32 {
  const m = x >> 31;
  return (x ^ m) - m;
}

function powMod(b: i64, e: i32): i64 {
  let r: i64 = 1;
  for (let i = 0; i < e; i++) r = (r * b) % <i64>Q;
  return r;
}
function bitRev8(i: i32): i32 {
  let r = 0;
  for (let b = 0; b < 8; b++) r |= ((i >> b) & 1) << (7 - b);
  return r;
}

/** zetas[i] = ζ^BitRev8(i)·R mod q, i = 0..255 (Appendix B values, times R). */
const ZETAS: usize = memory.data(256 * 4, 16);
for (let i = 0; i < 256; i++) store<i32>(ZETAS + (<usize>i << 2), <i32>((powMod(ZETA, bitRev8(i)) * R_MOD_Q) % <i64>Q));

/** NTT(w) in place (Algorithm 41). Input |w_i| < 2^24; output |ŵ_i| < 2^24 + 8q. */
export function ntt(w: usize): void {
  let m: usize = 0;
  for (let len: usize = 128; len >= 1; len >>= 1) {
    for (let start: usize = 0; start < 256; start += len << 1) {
      m++;
      const z = load<i32>(ZETAS + (m << 2)); // step 10: z ← zetas[m] (step 9: m ← m + 1 above)
      if (ASC_FEATURE_SIMD && len >= 4) { // steps 11–15, four j at a time
        ctLayer4(w, start, len, z, i32x4.splat(Q), i32x4.splat(QINV));
        continue;
      }
      for (let j = start; j < start + len; j++) {
        const pj = w + (j << 2), pk = pj + (len << 2);
        const t = fqmul(z, load<i32>(pk)); // step 12
        const wj = load<i32>(pj);
        store<i32>(pk, wj - t); // step 13
        store<i32>(pj, wj + t); // step 14
      }
    }
  }
}

/**
 * NTT^−1 (Algorithm 42) of a sum of at most 8 Montgomery products from {@link pointwise} (each carrying R^−1): the
 * final scaling is 256^−1·R², so the result is the exact inverse transform, |w_i| < q. Sums are reduced in every
 * layer so nothing overflows.
 */
export function invNtt(w: usize): void {
  let m: usize = 256;
  for (let len: usize = 1; len < 256; len <<= 1) {
    for (let start: usize = 0; start < 256; start += len << 1) {
      m--;
      const z = -load<i32>(ZETAS + (m << 2)); // step 10: z ← −zetas[m] (step 9: m ← m − 1 above)
      if (ASC_FEATURE_SIMD && len >= 4) { // steps 11–16, four j at a time
        const zv = i32x4.splat(z), q = i32x4.splat(Q), qinv = i32x4.splat(QINV);
        for (let j = start; j < start + len; j += 4) {
          const pj = w + (j << 2), pk = pj + (len << 2);
          const t = v128.load(pj), u = v128.load(pk);
          const s = i32x4.add(t, u); // reduce32 lane-wise
          v128.store(pj, i32x4.sub(s, i32x4.mul(i32x4.shr_s(i32x4.add(s, i32x4.splat(1 << 22)), 23), q)));
          v128.store(pk, montMul4(zv, i32x4.sub(t, u), q, qinv));
        }
        continue;
      }
      for (let j = start; j < start + len; j++) {
        const pj = w + (j << 2), pk = pj + (len << 2);
        const t = load<i32>(pj); // step 12
        const u = load<i32>(pk);
        store<i32>(pj, reduce32(t + u)); // step 13
        store<i32>(pk, fqmul(z, t - u)); // steps 14–15
      }
    }
  }
  if (ASC_FEATURE_SIMD) {
    const f = i32x4.splat(INV_SCALE), q = i32x4.splat(Q), qinv = i32x4.splat(QINV);
    for (let j: usize = 0; j < 1024; j += 16) v128.store(w + j, montMul4(v128.load(w + j), f, q, qinv)); // steps 21–24
    return;
  }
  for (let j: usize = 0; j < 256; j++) store<i32>(w + (j << 2), fqmul(load<i32>(w + (j << 2)), INV_SCALE)); // steps 21–24
}

/** r ← (first ? 0 : r) + a ∘ b (MultiplyNTT, Algorithm 45, with Montgomery reduction: the result carries R^−1). */
export function pointwise(r: usize, a: usize, b: usize, first: bool): void {
  if (ASC_FEATURE_SIMD) {
    const q = i32x4.splat(Q), qinv = i32x4.splat(QINV);
    for (let o: usize = 0; o < 1024; o += 16) {
      const p = montMul4(v128.load(a + o), v128.load(b + o), q, qinv);
      v128.store(r + o, first ? p : i32x4.add(v128.load(r + o), p));
    }
    return;
  }
  for (let j: usize = 0; j < 256; j++) {
    const o = j << 2;
    const p = fqmul(load<i32>(a + o), load<i32>(b + o));
    store<i32>(r + o, first ? p : load<i32>(r + o) + p);
  }
}

export function copy(r: usize, a: usize): void {
  memory.copy(r, a, 1024);
}
export function add(r: usize, a: usize, b: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r + (j << 2), load<i32>(a + (j << 2)) + load<i32>(b + (j << 2)));
}
export function sub(r: usize, a: usize, b: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r + (j << 2), load<i32>(a + (j << 2)) - load<i32>(b + (j << 2)));
}
export function centeredAll(r: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r + (j << 2), centered(load<i32>(r + (j << 2))));
}
/** Multiplies by 2^d = 2^13 (t1 · 2^d of Algorithm 8 step 9). */
export function shiftD(r: usize, a: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r + (j << 2), load<i32>(a + (j << 2)) << 13);
}

/** Returns all ones when some |r_i| ≥ bound (coefficients already centered), else 0 (infinity-norm check, §2.3). */
export function normAtLeast(r: usize, bound: i32): i32 {
  let over = 0;
  for (let j: usize = 0; j < 256; j++) over |= ~((abs(load<i32>(r + (j << 2))) - bound) >> 31);
  return over;
}

/**
 * RejNTTPoly (Algorithm 30) from a SHAKE128 sponge that has absorbed ρ‖s‖r, with CoeffFromThreeBytes (Algorithm 14):
 * z = 2^16·(b2 mod 128) + 2^8·b1 + b0, accepted when z < q. Reads whole 168-byte blocks in place.
 */
export function rejNttPoly(a: usize, st: usize): void {
  let j: usize = 0;
  while (j < 256) {
    spongeNextBlock(st);
    for (let p: usize = 0; p < 168 && j < 256; p += 3) {
      const z = <i32>load<u8>(st + p) | (<i32>load<u8>(st + p, 1) << 8) | ((<i32>load<u8>(st + p, 2) & 0x7f) << 16);
      if (z < Q) { store<i32>(a + (j << 2), z); j++; }
    }
  }
}

/**
 * RejBoundedPoly (Algorithm 31) for η = 4 from a SHAKE256 sponge that has absorbed ρ′‖IntegerToBytes(r, 2), with
 * CoeffFromHalfByte (Algorithm 15): b < 9 ↦ 4 − b. Reads whole 136-byte blocks in place; the rejection depends only
 * on the sponge output, not on the secret coefficients' values after acceptance.
 */
export function rejBoundedPoly(a: usize, st: usize): void {
  let j: usize = 0;
  while (j < 256) {
    spongeNextBlock(st);
    for (let p: usize = 0; p < 136 && j < 256; p++) {
      const z = <i32>load<u8>(st + p);
      const z0 = z & 15, z1 = z >> 4;
      if (z0 < 9) { store<i32>(a + (j << 2), 4 - z0); j++; }
      if (z1 < 9 && j < 256) { store<i32>(a + (j << 2), 4 - z1); j++; }
    }
  }
}

/**
 * SampleInBall (Algorithm 29), τ = 49, from a SHAKE256 sponge that has absorbed c̃: c has τ coefficients ±1.
 * `buf` is 8 bytes of scratch.
 */
export function sampleInBall(c: usize, st: usize, buf: usize): void {
  memory.fill(c, 0, 1024);
  spongeSqueeze(st, buf, 8); // steps 4–5: s ← H.Squeeze(ctx, 8); h ← BytesToBits(s)
  const h = load<u64>(buf);
  for (let i = 256 - 49; i < 256; i++) {
    spongeSqueeze(st, buf, 1); // step 7
    let j = <i32>load<u8>(buf);
    while (j > i) { spongeSqueeze(st, buf, 1); j = <i32>load<u8>(buf); } // steps 8–10
    store<i32>(c + (<usize>i << 2), load<i32>(c + (<usize>j << 2))); // step 11: c_i ← c_j
    const bit = <i32>((h >> <u64>(i + 49 - 256)) & 1);
    store<i32>(c + (<usize>j << 2), 1 - 2 * bit); // step 12: c_j ← (−1)^h[i+τ−256]
  }
}

/** Power2Round (Algorithm 35), d = 13: r ↦ (r1, r0) with r+ = r mod q, r0 = r+ mod± 2^13, r1 = (r+ − r0)/2^13. */
export function power2Round(r1: usize, r0: usize, r: usize): void {
  for (let j: usize = 0; j < 256; j++) {
    const rp = freeze(load<i32>(r + (j << 2)));
    let lo = rp & 0x1fff;
    lo -= 0x2000 & ~((lo - 4097) >> 31); // mod± 2^13: subtract 2^13 iff lo > 2^12
    store<i32>(r0 + (j << 2), lo);
    store<i32>(r1 + (j << 2), (rp - lo) >> 13);
  }
}

/**
 * Decompose (Algorithm 36) for 2γ2 = (q − 1)/16 of r+ ∈ [0, q): r0 = r+ mod± 2γ2; when r+ − r0 = q − 1 then r1 = 0
 * and r0 = r0 − 1, else r1 = (r+ − r0)/(2γ2). Returns r1 in the low 32 bits and r0 in the high 32 bits, branch-free;
 * {@link r1Of} / {@link r0Of} take them apart.
 */
// @ts-ignore: decorator
@inline function decompose(rp: i32): i64 {
  // t = ⌊r+ / 2γ2⌋ = ⌊⌊r+ / 512⌋ / 1023⌋ (2γ2 = 512 · 1023), as a multiplication exact for r+ < 2^23.
  let t = ((rp >> 9) * 16401) >>> 24;
  let lo = rp - t * TWO_GAMMA2; // r+ mod 2γ2 ∈ [0, 2γ2)
  const up = (GAMMA2 - lo) >> 31; // all ones iff lo > γ2: then r0 = lo − 2γ2 and r1 = t + 1
  lo -= TWO_GAMMA2 & up;
  t -= up;
  const wrap = ((t ^ 16) - 1) >> 31; // all ones iff t = 16, i.e. r+ − r0 = q − 1
  return <i64><u32>(t & ~wrap) | (<i64>(lo + wrap) << 32);
}
// @ts-ignore: decorator
@inline function r1Of(d: i64): i32 { return <i32>d; }
// @ts-ignore: decorator
@inline function r0Of(d: i64): i32 { return <i32>(d >> 32); }

/** HighBits (Algorithm 37) of every coefficient (input any representative with |r| < 2^31). */
export function highBits(r1: usize, r: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r1 + (j << 2), r1Of(decompose(freeze(load<i32>(r + (j << 2))))));
}

/** LowBits (Algorithm 38) of every coefficient: r0 ∈ (−γ2, γ2] (or −γ2 in the wrap case). */
export function lowBits(r0: usize, r: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r0 + (j << 2), r0Of(decompose(freeze(load<i32>(r + (j << 2))))));
}

/**
 * MakeHint (Algorithm 39) per coefficient: h_i = [HighBits(r_i) ≠ HighBits(r_i + z_i)], given a = r and b = r + z.
 * Returns the number of ones.
 */
export function makeHint(h: usize, a: usize, b: usize): i32 {
  let n = 0;
  for (let j: usize = 0; j < 256; j++) {
    const x = r1Of(decompose(freeze(load<i32>(a + (j << 2))))) ^ r1Of(decompose(freeze(load<i32>(b + (j << 2)))));
    const bit = ((x | -x) >>> 31) & 1;
    store<i32>(h + (j << 2), bit);
    n += bit;
  }
  return n;
}

/** UseHint (Algorithm 40), m = (q − 1)/(2γ2) = 16: r1 ± 1 mod 16 when h_i = 1 (+ if r0 > 0), else r1. */
export function useHint(r1: usize, h: usize, r: usize): void {
  for (let j: usize = 0; j < 256; j++) {
    const rp = freeze(load<i32>(r + (j << 2)));
    const d = decompose(rp);
    const hi = r1Of(d), lo = r0Of(d);
    const hj = load<i32>(h + (j << 2));
    const delta = hj * (lo > 0 ? 1 : -1); // public values in verification
    store<i32>(r1 + (j << 2), (hi + delta) & 15);
  }
}
