// The exported ABI of the PQC module (pqc.wasm): SHA-3 / SHAKE (FIPS 202), ML-KEM-768 (FIPS 203), ML-DSA-65 (FIPS 204).
// A separate module from the symmetric core (core.wasm) so that browsers load it only when they need post-quantum
// algorithms. Pointers are fixed; the JS glue (src/_pqc.ts) is the only caller.
import { IO, IO_HALF, IO_SIZE, WORK, WORK_POLYS, poly } from "./_layout";

export { keccakStart, keccakAbsorb, keccakSqueeze } from "./sha3";
export { mlkemKeyGen, mlkemEncaps, mlkemDecaps, mlkemCheckEk, mlkemCheckDk } from "./ml-kem";
export { mldsaKeyGen, mldsaSign, mldsaVerify } from "./ml-dsa";

export function ioPtr(): usize { return IO; }
export function ioHalf(): i32 { return IO_HALF; }
export function simd(): bool { return ASC_FEATURE_SIMD; }

/**
 * Zeroes the sponges and byte scratch, the first `polys` polynomial slots (ML-KEM uses 25, ML-DSA all) and the first
 * `ioLen` bytes of the I/O window.
 */
export function wipe(ioLen: i32, polys: i32): void {
  const n = min(max(polys, 0), WORK_POLYS);
  memory.fill(WORK, 0, <usize>(poly(n) - WORK));
  memory.fill(IO, 0, min(ioLen, IO_SIZE));
}
