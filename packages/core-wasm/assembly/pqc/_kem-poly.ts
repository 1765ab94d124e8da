// Polynomial arithmetic of ML-KEM (FIPS 203 §4.3): R_q = Z_q[X]/(X^256 + 1), q = 3329, and its NTT representation
// T_q (128 degree-one residues). Polynomials are 256 × i32 at a pointer; coefficients are kept as small signed
// representatives between operations and brought to [0, q) (`freeze`) before encoding.
//
// Multiplication uses Montgomery reduction with R = 2^32 (the arithmetic of FIPS 204 Algorithm 49 applied to q =
// 3329): montReduce(x) ≡ x·R^−1 (mod q), |result| < q for |x| < 2^31·q. Twiddle factors ζ^BitRev7(i) are stored
// multiplied by R, so fqmul(a, ζR) ≡ a·ζ exactly. No secret-dependent branch, table index or division.
import { packBits, unpackBits } from "./_bits";
import { spongeNextBlock } from "./_keccak";
import { ctLayer4, montMul4 } from "./_simd";

export const Q: i32 = 3329;
/** q^−1 mod 2^32 (q · QINV ≡ 1). */
const QINV: i32 = 1806234369;
/** R mod q and R^2 mod q, R = 2^32. */
const R_MOD_Q: i64 = 1353;
const R2_MOD_Q: i32 = 2988;
/** ζ = 17, the primitive 256-th root of unity mod q (FIPS 203 §4.3). */
const ZETA: i64 = 17;

// @ts-ignore: decorator
@inline function montReduce(x: i64): i32 {
  const t = <i32>x * QINV;
  return <i32>((x - <i64>t * <i64>Q) >> 32);
}
// @ts-ignore: decorator
@inline export function fqmul(a: i32, b: i32): i32 {
  return montReduce(<i64>a * <i64>b);
}

/** The representative of x mod q in [0, q), for |x| < 2^31 (Barrett with round(2^40 / q); no division). */
// @ts-ignore: decorator
@inline export function freeze(x: i32): i32 {
  const t = <i32>((<i64>x * 330282856 + (<i64>1 << 39)) >> 40);
  let r = x - t * Q; // |r| < q
  r += (r >> 31) & Q;
  return r;
}

/** floor(y / q) for 0 ≤ y < 2^22 (y · ceil(2^40 / q) >> 40, exact on that range). */
// @ts-ignore: decorator
@inline function divq(y: i32): i32 {
  return <i32>((<i64>y * 330282857) >> 40);
}

function powMod(b: i64, e: i32): i64 {
  let r: i64 = 1;
  for (let i = 0; i < e; i++) r = (r * b) % <i64>Q;
  return r;
}
function bitRev7(i: i32): i32 {
  let r = 0;
  for (let b = 0; b < 7; b++) r |= ((i >> b) & 1) << (6 - b);
  return r;
}

/** ζ^BitRev7(i)·R mod q for i = 0..127 (NTT, Algorithms 9–10). */
const ZETAS: usize = memory.data(128 * 4, 16);
/** γ_i = ζ^(2·BitRev7(i)+1)·R mod q for i = 0..127 (MultiplyNTTs, Algorithm 11). */
const GAMMAS: usize = memory.data(128 * 4, 16);
for (let i = 0; i < 128; i++) {
  store<i32>(ZETAS + (<usize>i << 2), <i32>((powMod(ZETA, bitRev7(i)) * R_MOD_Q) % <i64>Q));
  store<i32>(GAMMAS + (<usize>i << 2), <i32>((powMod(ZETA, 2 * bitRev7(i) + 1) * R_MOD_Q) % <i64>Q));
}

/** NTT(f) in place (Algorithm 9). Input |f_i| < q; output |f̂_i| < 8q. */
export function ntt(f: usize): void {
  let i: usize = 1;
  for (let len: usize = 128; len >= 2; len >>= 1) {
    for (let start: usize = 0; start < 256; start += len << 1) {
      const zeta = load<i32>(ZETAS + (i << 2)); // step 5: ζ^BitRev7(i)
      i++;
      if (ASC_FEATURE_SIMD && len >= 4) { // steps 7–11, four j at a time
        ctLayer4(f, start, len, zeta, i32x4.splat(Q), i32x4.splat(QINV));
        continue;
      }
      for (let j = start; j < start + len; j++) {
        const pj = f + (j << 2), pk = pj + (len << 2);
        const t = fqmul(zeta, load<i32>(pk)); // step 8
        const fj = load<i32>(pj);
        store<i32>(pk, fj - t); // step 9
        store<i32>(pj, fj + t); // step 10
      }
    }
  }
}

/**
 * NTT^−1 (Algorithm 10) of a sum of at most 8 outputs of {@link mulAcc} (each carrying the factor R^−1 of one
 * Montgomery product): the final scaling multiplies by 128^−1·R², so the result is the exact NTT^−1, |f_i| < q.
 */
export function invNtt(f: usize): void {
  let i: usize = 127;
  for (let len: usize = 2; len <= 128; len <<= 1) {
    for (let start: usize = 0; start < 256; start += len << 1) {
      const zeta = load<i32>(ZETAS + (i << 2)); // step 5
      i--;
      if (ASC_FEATURE_SIMD && len >= 4) { // steps 7–11, four j at a time (sums stay < 2^21: no reduction needed)
        const zv = i32x4.splat(zeta), q = i32x4.splat(Q), qinv = i32x4.splat(QINV);
        for (let j = start; j < start + len; j += 4) {
          const pj = f + (j << 2), pk = pj + (len << 2);
          const t = v128.load(pj), u = v128.load(pk);
          v128.store(pj, i32x4.add(t, u));
          v128.store(pk, montMul4(zv, i32x4.sub(u, t), q, qinv));
        }
        continue;
      }
      for (let j = start; j < start + len; j++) {
        const pj = f + (j << 2), pk = pj + (len << 2);
        const t = load<i32>(pj); // step 8
        const u = load<i32>(pk);
        store<i32>(pj, t + u); // step 9
        store<i32>(pk, fqmul(zeta, u - t)); // step 10
      }
    }
  }
  // Step 14: f ← f · 3303 (128^−1 mod q); here 3303·R² mod q so that fqmul yields f·128^−1·R.
  const f128 = <i32>((<i64>3303 * <i64>R2_MOD_Q) % <i64>Q);
  if (ASC_FEATURE_SIMD) {
    const fv = i32x4.splat(f128), q = i32x4.splat(Q), qinv = i32x4.splat(QINV);
    for (let j: usize = 0; j < 1024; j += 16) v128.store(f + j, montMul4(v128.load(f + j), fv, q, qinv));
    return;
  }
  for (let j: usize = 0; j < 256; j++) store<i32>(f + (j << 2), fqmul(load<i32>(f + (j << 2)), f128));
}

/**
 * r ← r + a ×_T b (MultiplyNTTs, Algorithm 11, with BaseCaseMultiply, Algorithm 12), Montgomery form: the product
 * carries a factor R^−1 that {@link invNtt} or {@link fromMont} removes. `first` writes instead of adding.
 */
export function mulAcc(r: usize, a: usize, b: usize, first: bool): void {
  for (let i: usize = 0; i < 128; i++) {
    const o = i << 3;
    const a0 = load<i32>(a + o), a1 = load<i32>(a + o, 4);
    const b0 = load<i32>(b + o), b1 = load<i32>(b + o, 4);
    const g = load<i32>(GAMMAS + (i << 2));
    // Algorithm 12: c0 = a0·b0 + a1·b1·γ, c1 = a0·b1 + a1·b0.
    const c0 = fqmul(a0, b0) + fqmul(fqmul(a1, b1), g);
    const c1 = fqmul(a0, b1) + fqmul(a1, b0);
    if (first) {
      store<i32>(r + o, c0);
      store<i32>(r + o, c1, 4);
    } else {
      store<i32>(r + o, load<i32>(r + o) + c0);
      store<i32>(r + o, load<i32>(r + o, 4) + c1, 4);
    }
  }
}

/** Removes the R^−1 factor of {@link mulAcc} outputs that are not inverse-transformed (r·R² ·R^−1 = r·R). */
export function fromMont(r: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r + (j << 2), fqmul(load<i32>(r + (j << 2)), R2_MOD_Q));
}

export function add(r: usize, a: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r + (j << 2), load<i32>(r + (j << 2)) + load<i32>(a + (j << 2)));
}
export function sub(r: usize, a: usize, b: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(r + (j << 2), load<i32>(a + (j << 2)) - load<i32>(b + (j << 2)));
}
export function freezeAll(f: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(f + (j << 2), freeze(load<i32>(f + (j << 2))));
}

/**
 * SamplePolyCBD_η for η = 2 (Algorithm 8) from 64η = 128 bytes at `b`: f_i = (b_{4i} + b_{4i+1}) − (b_{4i+2} +
 * b_{4i+3}) ∈ [−2, 2] (kept signed; ≡ the standard's value mod q).
 */
export function sampleCbd2(f: usize, b: usize): void {
  for (let i: usize = 0; i < 128; i++) {
    const x = <i32>load<u8>(b + i);
    // Two coefficients per byte: bits 0–3 and 4–7.
    const a0 = (x & 1) + ((x >> 1) & 1), b0 = ((x >> 2) & 1) + ((x >> 3) & 1);
    const a1 = ((x >> 4) & 1) + ((x >> 5) & 1), b1 = ((x >> 6) & 1) + ((x >> 7) & 1);
    store<i32>(f + (i << 3), a0 - b0);
    store<i32>(f + (i << 3), a1 - b1, 4);
  }
}

/**
 * SampleNTT (Algorithm 7): rejection sampling of â ∈ T_q from the XOF sponge `st` (SHAKE128 that has absorbed
 * ρ‖j‖i), reading the 3-byte groups C of step 5 from whole 168-byte blocks in place.
 */
export function sampleNtt(a: usize, st: usize): void {
  let j: usize = 0;
  while (j < 256) {
    spongeNextBlock(st);
    for (let p: usize = 0; p < 168 && j < 256; p += 3) {
      const c0 = <i32>load<u8>(st + p), c1 = <i32>load<u8>(st + p, 1), c2 = <i32>load<u8>(st + p, 2);
      const d1 = c0 | ((c1 & 15) << 8); // step 6: d1 ← C[0] + 256·(C[1] mod 16)
      const d2 = (c1 >> 4) | (c2 << 4); // step 7: d2 ← ⌊C[1]/16⌋ + 16·C[2]
      if (d1 < Q) { store<i32>(a + (j << 2), d1); j++; } // steps 8–11
      if (d2 < Q && j < 256) { store<i32>(a + (j << 2), d2); j++; } // steps 12–15
    }
  }
}

/** ByteEncode_12 (Algorithm 5) of a polynomial with coefficients in [0, q) → 384 bytes. */
export function encode12(f: usize, out: usize): void {
  packBits(f, 12, out);
}

/**
 * ByteDecode_12 (Algorithm 6, m = q) of 384 bytes; returns 0 when every 12-bit value was already < q (the
 * modulus check of §7.2 holds for this polynomial), else a non-zero value. Coefficients are reduced mod q.
 */
export function decode12(p: usize, f: usize): i32 {
  unpackBits(p, 12, f);
  let bad = 0;
  for (let j: usize = 0; j < 256; j++) {
    const x = load<i32>(f + (j << 2));
    const ge = ~((x - Q) >> 31); // all ones iff x ≥ q (x < 4096 < 2q: one subtraction reduces it)
    bad |= ge;
    store<i32>(f + (j << 2), x - (Q & ge));
  }
  return bad;
}

/** Compress_d then ByteEncode_d (Compress §4.2.1 eq. 4.7, Algorithm 5) of a polynomial: 32·d bytes. */
export function compressEncode(f: usize, d: i32, out: usize, tmp: usize): void {
  const mask = (1 << d) - 1;
  for (let j: usize = 0; j < 256; j++) {
    const x = freeze(load<i32>(f + (j << 2)));
    // Compress_d(x) = ⌈(2^d / q)·x⌋ mod 2^d = ⌊(2^d·x + (q−1)/2) / q⌋ mod 2^d (q odd: no ties).
    store<i32>(tmp + (j << 2), divq((x << d) + 1664) & mask);
  }
  packBits(tmp, d, out);
}

/** ByteDecode_d then Decompress_d (Algorithm 6, eq. 4.8): y ↦ ⌈(q / 2^d)·y⌋ = (q·y + 2^(d−1)) >> d. */
export function decodeDecompress(p: usize, d: i32, f: usize): void {
  unpackBits(p, d, f);
  for (let j: usize = 0; j < 256; j++) {
    const y = load<i32>(f + (j << 2));
    store<i32>(f + (j << 2), (y * Q + (1 << (d - 1))) >> d);
  }
}
