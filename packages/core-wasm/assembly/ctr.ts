// CTR mode (NIST SP 800-38A §6.5) over the context's cipher, in place on IO, streaming at any byte boundary.
// The counter block is incremented as a 128-bit big-endian integer (SP 800-38A App. B.1 with m = 128), or by inc32
// (SP 800-38D §6.2, only the last 32 bits) for GCM's GCTR.
import { C_CTR, C_KSB, C_KSUSED, CTX, IO, SCRATCH, SCRATCH_BLOCKS, useScratch } from "./_layout";
import { encryptBlocks, xorInto } from "./_cipher";

/** Counter block ← IO[0..16); no keystream carried over. */
export function ctrSetIv(): void {
  memory.copy(CTX + C_CTR, IO, 16);
  store<u32>(CTX + C_KSUSED, 16);
}

/** XORs the keystream into `len` bytes at `p` (encryption and decryption are the same operation). */
export function ctrXor(p: usize, len: i32, inc32: bool): void {
  let i = 0;
  let used = <i32>load<u32>(CTX + C_KSUSED);
  // Leftover keystream from the previous call.
  while (used < 16 && i < len) {
    store<u8>(p + i, load<u8>(p + i) ^ load<u8>(CTX + C_KSB + used));
    used++; i++;
  }
  let hi = bswap<u64>(load<u64>(CTX + C_CTR)), lo = bswap<u64>(load<u64>(CTX + C_CTR, 8));
  // Whole blocks: up to 256 counter blocks per batch, encrypted together.
  while (len - i >= 16) {
    const n = min((len - i) >> 4, SCRATCH_BLOCKS);
    useScratch(n << 4);
    for (let b = 0; b < n; b++) {
      const q = SCRATCH + (<usize>b << 4);
      store<u64>(q, bswap<u64>(hi)); store<u64>(q, bswap<u64>(lo), 8);
      if (inc32) lo = (lo & 0xffffffff00000000) | ((lo + 1) & 0xffffffff);
      else { lo += 1; if (lo == 0) hi += 1; }
    }
    encryptBlocks(SCRATCH, SCRATCH, n);
    xorInto(p + i, SCRATCH, n << 4);
    i += n << 4;
  }
  // Final partial block: keep the rest of its keystream for the next call.
  if (i < len) {
    store<u64>(CTX + C_KSB, bswap<u64>(hi)); store<u64>(CTX + C_KSB, bswap<u64>(lo), 8);
    if (inc32) lo = (lo & 0xffffffff00000000) | ((lo + 1) & 0xffffffff);
    else { lo += 1; if (lo == 0) hi += 1; }
    encryptBlocks(CTX + C_KSB, CTX + C_KSB, 1);
    used = 0;
    while (i < len) {
      store<u8>(p + i, load<u8>(p + i) ^ load<u8>(CTX + C_KSB + used));
      used++; i++;
    }
  }
  store<u64>(CTX + C_CTR, bswap<u64>(hi)); store<u64>(CTX + C_CTR, bswap<u64>(lo), 8);
  store<u32>(CTX + C_KSUSED, used);
}

/** CTR over IO[0..len). */
export function ctrProcess(len: i32): void {
  ctrXor(IO, len, false);
}
