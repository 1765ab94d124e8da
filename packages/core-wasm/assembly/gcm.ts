// GCM (NIST SP 800-38D §7) over the context's cipher (AES, or SM4 as in RFC 8998), streaming: gcmInit, gcmAad*,
// gcmEncrypt* / gcmDecrypt*, gcmFinal. KMS profile: 96-bit IV only (J0 = IV ‖ 0^31 ‖ 1), full 128-bit tag; the glue
// enforces the lengths and compares tags in constant time.
import { C_AADLEN, C_CTLEN, C_CTR, C_EKJ0, C_KSUSED, C_PHASE, CTX, IO } from "./_layout";
import { encryptBlocks } from "./_cipher";
import { ctrXor } from "./ctr";
import { ghashInit, ghashOutput, ghashPad, ghashUpdate } from "./ghash";

/** Starts GCM with the 12-byte IV at IO[0..12): H = CIPH_K(0^128) (§7.1 step 1), J0 (step 2), E(K, J0) for the tag. */
export function gcmInit(): void {
  // J0 = IV ‖ 0^31 ‖ 1; the first counter block used for data is inc32(J0) (step 3).
  memory.copy(CTX + C_EKJ0, IO, 12);
  store<u32>(CTX + C_EKJ0, bswap<u32>(1), 12);
  memory.copy(CTX + C_CTR, CTX + C_EKJ0, 16);
  store<u32>(CTX + C_CTR, bswap<u32>(2), 12);
  store<u32>(CTX + C_KSUSED, 16);
  // H = CIPH_K(0^128) and CIPH_K(J0) in one two-block call (one batch on the SIMD path).
  memory.fill(IO, 0, 16);
  memory.copy(IO + 16, CTX + C_EKJ0, 16);
  encryptBlocks(IO, IO, 2);
  memory.copy(CTX + C_EKJ0, IO + 16, 16);
  ghashInit(IO);
  memory.fill(IO, 0, 32);
  store<u64>(CTX + C_AADLEN, 0);
  store<u64>(CTX + C_CTLEN, 0);
  store<u32>(CTX + C_PHASE, 0);
}

/** Absorbs AAD IO[0..len). Returns -1 once text has started (AAD must come first). */
export function gcmAad(len: i32): i32 {
  if (load<u32>(CTX + C_PHASE) != 0) return -1;
  ghashUpdate(IO, len);
  store<u64>(CTX + C_AADLEN, load<u64>(CTX + C_AADLEN) + <u64>len);
  return 0;
}

function startText(): void {
  if (load<u32>(CTX + C_PHASE) == 0) {
    ghashPad(); // A ‖ 0^v
    store<u32>(CTX + C_PHASE, 1);
  }
}

/** C = GCTR_K(inc32(J0), P) in place on IO[0..len) (§7.1 step 3), then absorbed into GHASH. */
export function gcmEncrypt(len: i32): i32 {
  if (load<u32>(CTX + C_PHASE) == 2) return -1;
  startText();
  ctrXor(IO, len, true);
  ghashUpdate(IO, len);
  store<u64>(CTX + C_CTLEN, load<u64>(CTX + C_CTLEN) + <u64>len);
  return 0;
}

/** Ciphertext IO[0..len) absorbed into GHASH, then P = GCTR_K(inc32(J0), C) in place (§7.2 steps 3 and 5). */
export function gcmDecrypt(len: i32): i32 {
  if (load<u32>(CTX + C_PHASE) == 2) return -1;
  startText();
  ghashUpdate(IO, len);
  ctrXor(IO, len, true);
  store<u64>(CTX + C_CTLEN, load<u64>(CTX + C_CTLEN) + <u64>len);
  return 0;
}

/** S = GHASH_H(A ‖ 0^v ‖ C ‖ 0^u ‖ [len(A)]64 ‖ [len(C)]64) (§7.1 step 5); T = MSB_128(GCTR_K(J0, S)) → IO[0..16). */
export function gcmFinal(): void {
  startText();
  ghashPad(); // C ‖ 0^u
  store<u64>(IO, bswap<u64>(load<u64>(CTX + C_AADLEN) << 3));
  store<u64>(IO, bswap<u64>(load<u64>(CTX + C_CTLEN) << 3), 8);
  ghashUpdate(IO, 16);
  ghashOutput(IO);
  store<u64>(IO, load<u64>(IO) ^ load<u64>(CTX + C_EKJ0));
  store<u64>(IO, load<u64>(IO, 8) ^ load<u64>(CTX + C_EKJ0, 8), 8);
  store<u32>(CTX + C_PHASE, 2);
}
