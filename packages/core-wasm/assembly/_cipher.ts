// The active block cipher of the context (SM4 or AES), selected by cipherSetKey; shared by the modes.
import { ALG_AES, ALG_SM4, C_ALG, C_KS_DEC, C_KS_ENC, C_NR, C_PENDING, C_SM4_KEY, CTX, IO } from "./_layout";
import { sm4Blocks, sm4ExpandKey, sm4ExpandKeyAndEncrypt } from "./sm4";
import { aesDecryptBlocks, aesEncryptBlocks, aesExpandKey } from "./aes";

/**
 * Expands the key at IO[0..keyLen) for `alg` into the context, then zeroes those IO bytes. Returns 0, or -1 if invalid.
 * SIMD build, SM4: the key is kept in the context and expanded by the first block operation (see {@link sm4Ready}).
 */
export function cipherSetKey(alg: u32, keyLen: i32): i32 {
  if (alg == ALG_SM4 && keyLen == 16) {
    if (ASC_FEATURE_SIMD) {
      memory.copy(CTX + C_SM4_KEY, IO, 16);
      store<u32>(CTX + C_PENDING, 1);
    } else {
      sm4ExpandKey(IO, CTX + C_KS_ENC, CTX + C_KS_DEC);
    }
  } else if (alg == ALG_AES && (keyLen == 16 || keyLen == 24 || keyLen == 32)) {
    store<u32>(CTX + C_NR, aesExpandKey(IO, keyLen >> 2, CTX + C_KS_ENC, CTX + C_KS_DEC));
  } else {
    return -1;
  }
  store<u32>(CTX + C_ALG, alg);
  memory.fill(IO, 0, keyLen);
  return 0;
}

/**
 * SIMD build: the SM4 key schedule is a chain of 32 dependent S-box evaluations, each one a few vector permutes deep,
 * and so is a 32-round batch of blocks. A short first batch (≤ 8 blocks: H, E(K, J0) and the keystream of a 64-byte
 * GCM message) therefore runs with the key schedule, round key i entering round i as soon as it exists, so the two
 * chains overlap instead of running one after the other. Returns true when the `n` blocks were done that way;
 * otherwise expands the pending key (if any) and returns false. The raw key is zeroed once expanded.
 */
function sm4Ready(src: usize, dst: usize, n: i32): bool {
  if (!ASC_FEATURE_SIMD || load<u32>(CTX + C_PENDING) == 0) return false;
  store<u32>(CTX + C_PENDING, 0);
  const fused = n > 0 && n <= 8 && src != 0;
  if (fused) sm4ExpandKeyAndEncrypt(CTX + C_SM4_KEY, CTX + C_KS_ENC, CTX + C_KS_DEC, src, dst, n);
  else sm4ExpandKey(CTX + C_SM4_KEY, CTX + C_KS_ENC, CTX + C_KS_DEC);
  memory.fill(CTX + C_SM4_KEY, 0, 16);
  return fused;
}

/** Encrypts `n` blocks from src to dst (may be equal) with the context's key. */
export function encryptBlocks(src: usize, dst: usize, n: i32): void {
  if (load<u32>(CTX + C_ALG) == ALG_SM4) {
    if (!sm4Ready(src, dst, n)) sm4Blocks(CTX + C_KS_ENC, src, dst, n);
  } else aesEncryptBlocks(CTX + C_KS_ENC, <i32>load<u32>(CTX + C_NR), src, dst, n);
}

/** Decrypts `n` blocks from src to dst (may be equal) with the context's key. */
export function decryptBlocks(src: usize, dst: usize, n: i32): void {
  if (load<u32>(CTX + C_ALG) == ALG_SM4) {
    sm4Ready(0, 0, 0);
    sm4Blocks(CTX + C_KS_DEC, src, dst, n);
  } else aesDecryptBlocks(CTX + C_KS_DEC, <i32>load<u32>(CTX + C_NR), src, dst, n);
}

/** dst[i] ^= src[i] for i < len (v128 or u64 words, then bytes). */
export function xorInto(dst: usize, src: usize, len: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 16 <= len; i += 16) v128.store(dst + i, v128.xor(v128.load(dst + i), v128.load(src + i)));
  }
  for (; i + 8 <= len; i += 8) store<u64>(dst + i, load<u64>(dst + i) ^ load<u64>(src + i));
  for (; i < len; i++) store<u8>(dst + i, load<u8>(dst + i) ^ load<u8>(src + i));
}
