// Constant-time byte substitution on SIMD128 by vector permutes (M. Hamburg, "Accelerating AES with Vector Permute
// Instructions", CHES 2009), shared by SM4 and AES. An S-box affine-equivalent to inversion in GF(2^8) is computed on
// 16 bytes at once with nine i8x16.swizzle permutes of fixed 16-byte tables (scripts/gen-vperm.mjs): the bytes are
// only ever indices of register permutes, never memory addresses, and every input takes the same instructions.
import { VP_AK, VP_INV } from "./_vperm-tables";

/**
 * S(x) for each byte of `x`, with the tables of one S-box (`inLo`/`inHi`: nibble → i ‖ k; `outHi`/`outLo`: io, jo →
 * byte; `c`: output constant). Inversion as GF(2^4)^2: j = i ⊕ k, io = j ⊕ 1/(1/i ⊕ a/k), jo = i ⊕ 1/(1/j ⊕ a/k).
 */
// @ts-ignore: decorator
@inline export function vpermSbox(x: v128, inLo: usize, inHi: usize, outHi: usize, outLo: usize, c: u8): v128 {
  const m = i8x16.splat(0x0f);
  const ik = v128.xor(
    i8x16.swizzle(v128.load(inLo), v128.and(x, m)),
    i8x16.swizzle(v128.load(inHi), v128.and(i16x8.shr_u(x, 4), m)),
  );
  const k = v128.and(ik, m);
  const i = v128.and(i16x8.shr_u(ik, 4), m);
  const inv = v128.load(VP_INV);
  const ak = i8x16.swizzle(v128.load(VP_AK), k);
  const j = v128.xor(i, k);
  const iak = v128.xor(i8x16.swizzle(inv, i), ak);
  const jak = v128.xor(i8x16.swizzle(inv, j), ak);
  const io = v128.xor(i8x16.swizzle(inv, iak), j);
  const jo = v128.xor(i8x16.swizzle(inv, jak), i);
  return v128.xor(
    v128.xor(i8x16.swizzle(v128.load(outHi), io), i8x16.swizzle(v128.load(outLo), jo)),
    i8x16.splat(c),
  );
}
