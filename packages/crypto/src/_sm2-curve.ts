/**
 * The SM2 recommended curve (GB/T 32918.5-2017 §A, sm2p256v1, OID 1.2.156.10197.1.301) as a `@noble/curves`
 * Weierstrass point constructor. Its own module so that checking an SM2 public key (`./public-key`) does not load SM3
 * and the WASM core that SM2 signatures and encryption need (`./sm2` re-exports both).
 */
import { weierstrass } from "@noble/curves/abstract/weierstrass.js";

/** Recommended curve parameters, GB/T 32918.5-2017 §A (a.k.a. sm2p256v1, OID 1.2.156.10197.1.301). */
export const curve = Object.freeze({
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});

/** The SM2 curve's point constructor (`@noble/curves` Weierstrass). */
export const Point = weierstrass<bigint>({ p: curve.p, n: curve.n, h: curve.h, a: curve.a, b: curve.b, Gx: curve.Gx, Gy: curve.Gy });
