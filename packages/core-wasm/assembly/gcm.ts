// GCM (NIST SP 800-38D §7) over the context's cipher (AES, or SM4 as in RFC 8998), streaming: gcmInit, gcmAad*,
// gcmEncrypt* / gcmDecrypt*, gcmFinal; one-shot in the I/O window: gcmSealIo / gcmOpenIo; a prepared key (gcmPrepare:
// H and its powers computed once, kept by the glue) serves many messages. KMS profile: 96-bit IV only
// (J0 = IV ‖ 0^31 ‖ 1), full 128-bit tag; the glue enforces the lengths; tags are compared in constant time.
import {
  ALG_AES, C_AADLEN, C_ALG, C_CTLEN, C_CTR, C_EKJ0, C_H, C_KS_ENC, C_KSUSED, C_NR, C_PARTLEN, C_PHASE, C_Y, CTX, IO,
  SCRATCH, SCRATCH_BLOCKS, useScratch,
} from "./_layout";
import { encryptBlocks, xorInto } from "./_cipher";
import { ctrXor } from "./ctr";
import { clmulLo, ghashInit, ghashOutput, ghashPad, ghashPowers, ghashReset, ghashUpdate, loadPoly, reduceInto, rev64 } from "./ghash";
import { lastRoundV, roundV } from "./aes";

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

/**
 * SIMD build, AES: GCTR and GHASH fused over `groups` groups of 4 whole blocks at `p`, in place (§7.1 step 3 and
 * step 5; §7.2 steps 3 and 5). The 4 counter blocks of group g go through the vector-permute AES rounds while the
 * four GHASH products of the ciphertext group before it (encryption) or of group g itself (decryption, read before
 * it is overwritten) are computed between those rounds: the rounds run on the vector units and the carry-less products
 * on the integer multiplier, so the processor overlaps them instead of running one pass after the other. Requires the
 * context aligned to a block (no keystream left over, no GHASH partial block). Same values as ctrXor + ghashUpdate.
 */
function gctrGhashAesV(p: usize, groups: i32, decrypt: bool): void {
  ghashPowers();
  const w = CTX + C_KS_ENC, nr = <i32>load<u32>(CTX + C_NR);
  const end = w + (<usize>nr << 4);
  const j = v128.load(CTX + C_CTR);
  let c = bswap<u32>(load<u32>(CTX + C_CTR, 12)); // inc32 (§6.2) on the last 32 bits
  for (let g = 0; g < groups; g++, p += 64) {
    const hp: usize = decrypt ? p : p - 64; // ciphertext group to absorb (none before the first when encrypting)
    const hashing = decrypt || g > 0;
    let k = v128.load(w);
    let a = v128.xor(i32x4.replace_lane(j, 3, bswap<u32>(c)), k), b = v128.xor(i32x4.replace_lane(j, 3, bswap<u32>(c + 1)), k);
    let d = v128.xor(i32x4.replace_lane(j, 3, bswap<u32>(c + 2)), k), e = v128.xor(i32x4.replace_lane(j, 3, bswap<u32>(c + 3)), k);
    c += 4;
    let a0: u64 = 0, b0: u64 = 0, cc: u64 = 0, ra: u64 = 0, rb: u64 = 0, rc: u64 = 0;
    let r = 1;
    for (let q = w + 16; q < end; q += 16, r++) {
      k = v128.load(q);
      a = roundV(a, k); b = roundV(b, k); d = roundV(d, k); e = roundV(e, k);
      // Rounds 1, 3, 5, 7: one product X_t · H^(4-t) each (Y' = (Y ⊕ X_1)·H^4 ⊕ X_2·H^3 ⊕ X_3·H^2 ⊕ X_4·H).
      if (hashing && (r & 1) != 0 && r < 8) {
        const t = <usize>(r >> 1);
        let xl = loadPoly(hp + (t << 4), 0), xh = loadPoly(hp + (t << 4), 8);
        if (t == 0) { xl ^= load<u64>(CTX + C_Y); xh ^= load<u64>(CTX + C_Y, 8); }
        const h = CTX + C_H + (3 - t) * 48;
        const rxl = rev64(xl), rxh = rev64(xh);
        a0 ^= clmulLo(xl, load<u64>(h)); b0 ^= clmulLo(xh, load<u64>(h, 8)); cc ^= clmulLo(xl ^ xh, load<u64>(h, 16));
        ra ^= clmulLo(rxl, load<u64>(h, 24)); rb ^= clmulLo(rxh, load<u64>(h, 32)); rc ^= clmulLo(rxl ^ rxh, load<u64>(h, 40));
      }
    }
    if (hashing) reduceInto(a0, b0, cc, ra, rb, rc);
    k = v128.load(end);
    v128.store(p, v128.xor(v128.load(p), lastRoundV(a, k)));
    v128.store(p, v128.xor(v128.load(p, 16), lastRoundV(b, k)), 16);
    v128.store(p, v128.xor(v128.load(p, 32), lastRoundV(d, k)), 32);
    v128.store(p, v128.xor(v128.load(p, 48), lastRoundV(e, k)), 48);
  }
  if (!decrypt && groups > 0) ghashUpdate(p - 64, 64);
  store<u32>(CTX + C_CTR, bswap<u32>(c), 12);
}

/** Bytes of `len` that {@link gctrGhashAesV} takes (whole 4-block groups), or 0 when it does not apply. */
// @ts-ignore: decorator
@inline function fusedBytes(len: i32): i32 {
  if (load<u32>(CTX + C_ALG) != ALG_AES) return 0;
  if (load<u32>(CTX + C_KSUSED) != 16 || load<u32>(CTX + C_PARTLEN) != 0) return 0;
  return len & ~63;
}

/** C = GCTR_K(inc32(J0), P) in place on `len` bytes at `p` (§7.1 step 3), then absorbed into GHASH. */
function encryptText(p: usize, len: i32): void {
  startText();
  store<u64>(CTX + C_CTLEN, load<u64>(CTX + C_CTLEN) + <u64>len);
  if (ASC_FEATURE_SIMD) {
    const f = fusedBytes(len);
    if (f > 0) { gctrGhashAesV(p, f >> 6, false); p += f; len -= f; }
  }
  ctrXor(p, len, true);
  ghashUpdate(p, len);
}

/** Ciphertext absorbed into GHASH, then P = GCTR_K(inc32(J0), C) in place (§7.2 steps 3 and 5). */
function decryptText(p: usize, len: i32): void {
  startText();
  store<u64>(CTX + C_CTLEN, load<u64>(CTX + C_CTLEN) + <u64>len);
  if (ASC_FEATURE_SIMD) {
    const f = fusedBytes(len);
    if (f > 0) { gctrGhashAesV(p, f >> 6, true); p += f; len -= f; }
  }
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
