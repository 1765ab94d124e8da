// Static memory layout of the PQC module (pqc.wasm). Like the core (../_layout.ts) it never grows memory and has no
// allocator: every region is a fixed static segment, and the JS glue (src/_pqc.ts) is the only code that reads or
// writes this memory. Everything below except the constant tables is wiped by `wipe()` after each operation.

/** I/O window: inputs are copied to IN (in chunks of at most IO_HALF bytes for hashing), results read from OUT. */
export const IO_SIZE: i32 = 32768;
export const IO_HALF: i32 = 16384;
export const IO: usize = memory.data(IO_SIZE, 16);
export const IN: usize = IO;
export const OUT: usize = IO + <usize>IO_HALF;

/** Keccak sponge states (see _keccak.ts): XS for the hashes and XOFs inside ML-KEM / ML-DSA, HS for the exported hasher. */
export const SPONGE_SIZE: i32 = 224;

/**
 * Work area: sponge states, byte buffers and polynomials (256 × i32 = 1024 B each). ML-DSA-65 needs the most
 * (the 6 × 5 matrix Â alone is 30 polynomials).
 */
export const POLY_BYTES: i32 = 1024;
export const WORK_POLYS: i32 = 112;
export const WORK_BYTES_SIZE: i32 = 8192;
export const WORK_SIZE: i32 = 2 * SPONGE_SIZE + WORK_BYTES_SIZE + WORK_POLYS * POLY_BYTES;
export const WORK: usize = memory.data(WORK_SIZE, 16);
export const XS: usize = WORK;
export const HS: usize = WORK + <usize>SPONGE_SIZE;
/** Byte scratch (seeds, hash outputs, PRF output, re-encrypted ciphertext …); users name sub-offsets. */
export const BYTES: usize = WORK + <usize>(2 * SPONGE_SIZE);
/** Polynomial slot `i` (0 ≤ i < WORK_POLYS). */
// @ts-ignore: decorator
@inline export function poly(i: i32): usize {
  return WORK + <usize>(2 * SPONGE_SIZE + WORK_BYTES_SIZE) + (<usize>i << 10);
}
