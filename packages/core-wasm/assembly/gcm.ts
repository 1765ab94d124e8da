// GCM (NIST SP 800-38D §7) over the context's cipher (AES, or SM4 as in RFC 8998), streaming: gcmInit, gcmAad*,
// gcmEncrypt* / gcmDecrypt*, gcmFinal; one-shot in the I/O window: gcmSealIo / gcmOpenIo; a prepared key (gcmPrepare:
// H and its powers computed once, kept by the glue) serves many messages. KMS profile: 96-bit IV only
// (J0 = IV ‖ 0^31 ‖ 1), full 128-bit tag; the glue enforces the lengths; tags are compared in constant time.
import { C_AADLEN, C_CTLEN, C_CTR, C_EKJ0, C_KSUSED, C_PHASE, CTX, IO, SCRATCH, SCRATCH_BLOCKS, useScratch } from "./_layout";
import { encryptBlocks, xorInto } from "./_cipher";
import { ctrXor } from "./ctr";
import { ghashInit, ghashOutput, ghashPad, ghashPowers, ghashReset, ghashUpdate } from "./ghash";

/**
 * Starts a message with the 12-byte IV at `iv`: J0 = IV ‖ 0^31 ‖ 1 (§7.1 step 2), E(K, J0) for the tag, first data
 * counter inc32(J0) (step 3). With `withH`, also H = CIPH_K(0^128) (step 1) in the same batch; otherwise the context
 * already holds H (a prepared key) and only Y is reset.
 */
function start(iv: usize, withH: bool): void {
  memory.copy(CTX + C_EKJ0, iv, 12);
  store<u32>(CTX + C_EKJ0, bswap<u32>(1), 12);
  memory.copy(CTX + C_CTR, CTX + C_EKJ0, 16);
  store<u32>(CTX + C_CTR, bswap<u32>(2), 12);
  store<u32>(CTX + C_KSUSED, 16);
  useScratch(32);
  memory.fill(SCRATCH, 0, 16);
  memory.copy(SCRATCH + 16, CTX + C_EKJ0, 16);
  if (withH) encryptBlocks(SCRATCH, SCRATCH, 2);
  else encryptBlocks(SCRATCH + 16, SCRATCH + 16, 1);
  memory.copy(CTX + C_EKJ0, SCRATCH + 16, 16);
  if (withH) ghashInit(SCRATCH);
  else ghashReset();
  memory.fill(SCRATCH, 0, 32);
  store<u64>(CTX + C_AADLEN, 0);
  store<u64>(CTX + C_CTLEN, 0);
  store<u32>(CTX + C_PHASE, 0);
}

/** Starts a streaming message with the 12-byte IV at IO[0..12): computes H, unless the context is `prepared`. */
export function gcmInit(prepared: bool): void {
  start(IO, !prepared);
}

/** Prepares the context's key for many messages: H = CIPH_K(0^128) and H^2..H^4. The glue saves the context. */
export function gcmPrepare(): void {
  useScratch(16);
  memory.fill(SCRATCH, 0, 16);
  encryptBlocks(SCRATCH, SCRATCH, 1);
  ghashInit(SCRATCH);
  memory.fill(SCRATCH, 0, 16);
  ghashPowers();
}

/** Absorbs AAD IO[0..len). Returns -1 once text has started (AAD must come first). */
export function gcmAad(len: i32): i32 {
  if (load<u32>(CTX + C_PHASE) != 0) return -1;
  absorbAad(IO, len);
  return 0;
}

function absorbAad(p: usize, len: i32): void {
  ghashUpdate(p, len);
  store<u64>(CTX + C_AADLEN, load<u64>(CTX + C_AADLEN) + <u64>len);
}

function startText(): void {
  if (load<u32>(CTX + C_PHASE) == 0) {
    ghashPad(); // A ‖ 0^v
    store<u32>(CTX + C_PHASE, 1);
  }
}

/** C = GCTR_K(inc32(J0), P) in place on `len` bytes at `p` (§7.1 step 3), then absorbed into GHASH. */
function encryptText(p: usize, len: i32): void {
  startText();
  store<u64>(CTX + C_CTLEN, load<u64>(CTX + C_CTLEN) + <u64>len);
  ctrXor(p, len, true);
  ghashUpdate(p, len);
}

/** Ciphertext absorbed into GHASH, then P = GCTR_K(inc32(J0), C) in place (§7.2 steps 3 and 5). */
function decryptText(p: usize, len: i32): void {
  startText();
  store<u64>(CTX + C_CTLEN, load<u64>(CTX + C_CTLEN) + <u64>len);
  ghashUpdate(p, len);
  ctrXor(p, len, true);
}

/** Streaming encryption of IO[0..len) in place. */
export function gcmEncrypt(len: i32): i32 {
  if (load<u32>(CTX + C_PHASE) == 2) return -1;
  encryptText(IO, len);
  return 0;
}

/** Streaming decryption of IO[0..len) in place (plaintext not yet authenticated). */
export function gcmDecrypt(len: i32): i32 {
  if (load<u32>(CTX + C_PHASE) == 2) return -1;
  decryptText(IO, len);
  return 0;
}

/** S = GHASH_H(A ‖ 0^v ‖ C ‖ 0^u ‖ [len(A)]64 ‖ [len(C)]64) (§7.1 step 5); T = MSB_128(GCTR_K(J0, S)) → `out`. */
function finish(out: usize): void {
  startText();
  ghashPad(); // C ‖ 0^u
  useScratch(16);
  store<u64>(SCRATCH, bswap<u64>(load<u64>(CTX + C_AADLEN) << 3));
  store<u64>(SCRATCH, bswap<u64>(load<u64>(CTX + C_CTLEN) << 3), 8);
  ghashUpdate(SCRATCH, 16);
  ghashOutput(out);
  store<u64>(out, load<u64>(out) ^ load<u64>(CTX + C_EKJ0));
  store<u64>(out, load<u64>(out, 8) ^ load<u64>(CTX + C_EKJ0, 8), 8);
  store<u32>(CTX + C_PHASE, 2);
}

/** Streaming final: tag → IO[0..16). */
export function gcmFinal(): void {
  finish(IO);
}

/** Longest text whose whole keystream fits SCRATCH next to the H and J0 blocks. */
const SMALL_TEXT: i32 = (SCRATCH_BLOCKS - 2) << 4;

/**
 * Short messages: H (unless `prepared`), E(K, J0) and the keystream blocks E(K, inc32^i(J0)), i = 1..m, are encrypted
 * in one batch (the SIMD build runs them through one multi-block call instead of several padded ones). Leaves the
 * keystream at the returned address in SCRATCH; the counter state of the context is not used afterwards.
 */
function startSmall(iv: usize, prepared: bool, textLen: i32): usize {
  const m = (textLen + 15) >> 4;
  const first: usize = prepared ? SCRATCH + 16 : SCRATCH; // block 0: 0^128 for H; block 1: J0; then counters
  const total = <i32>((SCRATCH + 32 - first) >> 4) + m;
  useScratch((m + 2) << 4);
  memory.fill(SCRATCH, 0, 16);
  const hi = load<u64>(iv), mid = load<u32>(iv, 8);
  for (let b = 0; b <= m; b++) {
    const q = SCRATCH + 16 + (<usize>b << 4);
    store<u64>(q, hi); store<u32>(q, mid, 8); store<u32>(q, bswap<u32>(<u32>b + 1), 12); // J0 = IV ‖ 0^31 ‖ 1, inc32
  }
  encryptBlocks(first, first, total);
  memory.copy(CTX + C_EKJ0, SCRATCH + 16, 16);
  if (prepared) ghashReset();
  else ghashInit(SCRATCH);
  memory.fill(SCRATCH, 0, 32);
  store<u64>(CTX + C_AADLEN, 0);
  store<u64>(CTX + C_CTLEN, 0);
  store<u32>(CTX + C_PHASE, 0);
  return SCRATCH + 32;
}

/**
 * One-shot GCM-AE in the I/O window: IO = IV (12 B, padded to 16) ‖ A (aadLen) ‖ P (textLen). P becomes C in place
 * and the tag is written right after it, so C ‖ T is contiguous. `prepared`: the context holds a prepared key
 * (gcmPrepare) instead of a fresh one. The glue checks that 16 + aadLen + textLen + 16 ≤ IO_SIZE.
 */
export function gcmSealIo(aadLen: i32, textLen: i32, prepared: bool): void {
  const text = IO + 16 + <usize>aadLen;
  if (textLen <= SMALL_TEXT) {
    const ks = startSmall(IO, prepared, textLen);
    absorbAad(IO + 16, aadLen);
    startText();
    xorInto(text, ks, textLen); // C = P ⊕ keystream (§7.1 step 3)
    ghashUpdate(text, textLen);
    store<u64>(CTX + C_CTLEN, <u64>textLen);
  } else {
    start(IO, !prepared);
    absorbAad(IO + 16, aadLen);
    encryptText(text, textLen);
  }
  finish(text + <usize>textLen);
}

/**
 * One-shot GCM-AD in the I/O window: IO = IV ‖ A ‖ C ‖ T (16 B). Returns 1 and leaves P in place of C when the tag
 * matches (all 16 bytes compared, no early exit); otherwise returns 0 with the plaintext area zeroed.
 */
export function gcmOpenIo(aadLen: i32, textLen: i32, prepared: bool): i32 {
  const text = IO + 16 + <usize>aadLen;
  if (textLen <= SMALL_TEXT) {
    const ks = startSmall(IO, prepared, textLen);
    absorbAad(IO + 16, aadLen);
    startText();
    ghashUpdate(text, textLen);
    store<u64>(CTX + C_CTLEN, <u64>textLen);
    xorInto(text, ks, textLen); // P = C ⊕ keystream (§7.2 step 3)
  } else {
    start(IO, !prepared);
    absorbAad(IO + 16, aadLen);
    decryptText(text, textLen);
  }
  const tag = text + <usize>textLen;
  useScratch(16);
  finish(SCRATCH);
  const diff = (load<u64>(SCRATCH) ^ load<u64>(tag)) | (load<u64>(SCRATCH, 8) ^ load<u64>(tag, 8));
  memory.fill(SCRATCH, 0, 16);
  // ok = 1 iff diff == 0, without a branch on the secret tag comparison
  const ok = <i32>(((diff | (0 - diff)) >>> 63) ^ 1);
  if (ok == 0) memory.fill(text, 0, textLen); // public outcome: the tag check already failed
  return ok;
}
