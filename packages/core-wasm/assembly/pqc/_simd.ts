// SIMD128 helpers for the NTT-domain arithmetic of ML-KEM and ML-DSA: four i32 coefficients per v128. Used only
// inside `if (ASC_FEATURE_SIMD)` branches, so the scalar build never contains them.

/**
 * Four Montgomery products a_i·b_i·2^−32 mod q (FIPS 204 Algorithm 49 lane by lane): the 64-bit products come from
 * i64x2.extmul, t = (a·b mod 2^32)·QINV mod 2^32, and the result is the high word of a·b − t·q. |result| < q for
 * |a·b| < 2^31·q.
 */
// @ts-ignore: decorator
@inline export function montMul4(a: v128, b: v128, q: v128, qinv: v128): v128 {
  const lo = i64x2.extmul_low_i32x4_s(a, b);
  const hi = i64x2.extmul_high_i32x4_s(a, b);
  const t = i32x4.mul(i32x4.mul(a, b), qinv);
  const rl = i64x2.sub(lo, i64x2.extmul_low_i32x4_s(t, q));
  const rh = i64x2.sub(hi, i64x2.extmul_high_i32x4_s(t, q));
  return i32x4.shuffle(rl, rh, 1, 3, 5, 7);
}

/** Butterfly layer of a forward NTT for len ≥ 4 (Cooley–Tukey): f[j+len] = f[j] − ζ·f[j+len], f[j] = f[j] + ζ·f[j+len]. */
// @ts-ignore: decorator
@inline export function ctLayer4(f: usize, start: usize, len: usize, zeta: i32, q: v128, qinv: v128): void {
  const z = i32x4.splat(zeta);
  for (let j = start; j < start + len; j += 4) {
    const pj = f + (j << 2), pk = pj + (len << 2);
    const a = v128.load(pj);
    const t = montMul4(z, v128.load(pk), q, qinv);
    v128.store(pk, i32x4.sub(a, t));
    v128.store(pj, i32x4.add(a, t));
  }
}
