// The core's exported ABI. Pointers are fixed; the JS glue (src/index.ts) is the only caller.
import { CIPHER_CTX_SIZE, CTX, CTX_SIZE, IO, IO_SIZE, SM3_CTX_SIZE, wipeScratch } from "./_layout";

export { sm3Init, sm3Update, sm3Final, sm3Digest } from "./sm3";
export { cipherSetKey } from "./_cipher";
export { ecbEncrypt, ecbDecrypt } from "./ecb";
export { cbcSetIv, cbcEncrypt, cbcDecrypt } from "./cbc";
export { ctrSetIv, ctrProcess } from "./ctr";
export { gcmInit, gcmPrepare, gcmAad, gcmEncrypt, gcmDecrypt, gcmFinal, gcmSealIo, gcmOpenIo } from "./gcm";
import { ghashInit, ghashOutput, ghashPad, ghashUpdate } from "./ghash";

export function ioPtr(): usize { return IO; }
export function ioSize(): i32 { return IO_SIZE; }
export function ctxPtr(): usize { return CTX; }
export function sm3CtxSize(): i32 { return SM3_CTX_SIZE; }
export function cipherCtxSize(): i32 { return CIPHER_CTX_SIZE; }
export function simd(): bool { return ASC_FEATURE_SIMD; }

/** Raw GHASH_H (SP 800-38D §6.4): H from IO[0..16). */
export function ghashStart(): void { ghashInit(IO); memory.fill(IO, 0, 16); }
/** Absorbs IO[0..len); a trailing partial block is zero-padded at ghashFinish. */
export function ghashAbsorb(len: i32): void { ghashUpdate(IO, len); }
/** Y → IO[0..16). */
export function ghashFinish(): void { ghashPad(); ghashOutput(IO); }

/** Zeroes the context, the used scratch blocks and the first `ioLen` bytes of the I/O window. */
export function wipe(ioLen: i32): void {
  memory.fill(CTX, 0, CTX_SIZE);
  wipeScratch();
  memory.fill(IO, 0, min(ioLen, IO_SIZE));
}
