// Static memory layout of the core. The module never grows memory and has no allocator: every region below is a
// fixed static segment. The JS glue (src/index.ts) is the only code that reads or writes this memory.

/** I/O window: the glue copies input here (in chunks of at most IO_SIZE bytes) and copies results out. */
export const IO_SIZE: i32 = 65536;
export const IO: usize = memory.data(IO_SIZE, 16);

/** The one active context (key schedule + mode state, or an SM3 state). The glue saves/restores it per object. */
export const CTX_SIZE: i32 = 832;
export const CTX: usize = memory.data(CTX_SIZE, 16);

/** Scratch for counter blocks / saved ciphertext blocks (256 blocks). Wiped by the glue after secret use. */
export const SCRATCH_BLOCKS: i32 = 256;
export const SCRATCH: usize = memory.data(SCRATCH_BLOCKS * 16, 16);

/** Bytes of SCRATCH written since the last wipe (a high-water mark), so `wipe` zeroes only what was used. */
let scratchUsed: i32 = 0;
// @ts-ignore: decorator
@inline export function useScratch(bytes: i32): void {
  if (bytes > scratchUsed) scratchUsed = bytes;
}
/** Zeroes the used part of SCRATCH. */
export function wipeScratch(): void {
  memory.fill(SCRATCH, 0, scratchUsed);
  scratchUsed = 0;
}

// ---- block-cipher context (offsets from CTX) ----
export const C_ALG: usize = 0; // u32: ALG_SM4 or ALG_AES
export const C_NR: usize = 4; // u32: AES rounds (10/12/14)
export const C_PHASE: usize = 8; // u32: GCM phase 0 = AAD, 1 = text, 2 = finished
export const C_KSUSED: usize = 12; // u32: bytes of C_KSB already used (16 = none left)
export const C_PARTLEN: usize = 16; // u32: bytes buffered in C_PART (GHASH)
export const C_HPOW: usize = 20; // u32: 1 once H^2..H^4 are in C_H (computed when first needed)
export const C_AADLEN: usize = 24; // u64: AAD bytes
export const C_CTLEN: usize = 32; // u64: text bytes
export const C_PENDING: usize = 40; // u32: SIMD build, SM4: 1 while the key waits at C_SM4_KEY, not yet expanded
export const C_CTR: usize = 48; // 16 B counter block (CTR / GCM)
export const C_KSB: usize = 64; // 16 B keystream block (partial-block carry)
export const C_IV: usize = 80; // 16 B CBC chaining value
export const C_EKJ0: usize = 96; // 16 B E(K, J0) (GCM)
export const C_PART: usize = 112; // 16 B GHASH partial block
// GHASH key powers H^1..H^4 in polynomial form, 48 B each: hl, hh, hl^hh, rev(hl), rev(hh), rev(hl^hh) (6 × u64)
export const C_H: usize = 128;
export const C_Y: usize = 320; // GHASH accumulator yl, yh (2 × u64)
export const C_KS_ENC: usize = 352; // encryption key schedule (≤ 240 B)
export const C_KS_DEC: usize = 592; // decryption key schedule (≤ 240 B)
// SIMD build: an SM4 key waiting for expansion (the SM4 schedule uses only the first 128 B of C_KS_ENC).
export const C_SM4_KEY: usize = C_KS_ENC + 224;

export const ALG_SM4: u32 = 1;
export const ALG_AES: u32 = 2;

// ---- SM3 context (offsets from CTX) ----
export const S_V: usize = 0; // 8 × u32 chaining value V(i)
export const S_BUF: usize = 32; // 64 B partial block
export const S_BUFLEN: usize = 96; // u32
export const S_TOTAL: usize = 104; // u64 message bytes so far
export const SM3_CTX_SIZE: i32 = 112;
export const CIPHER_CTX_SIZE: i32 = 832;
