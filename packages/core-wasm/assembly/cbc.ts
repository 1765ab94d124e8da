// CBC mode (NIST SP 800-38A §6.2) over the context's cipher, in place on IO; the chaining value lives in the context
// so a message can be processed in several calls. `len` is a multiple of 16 (the glue applies PKCS#7).
import { C_IV, CTX, IO, SCRATCH, SCRATCH_BLOCKS, useScratch } from "./_layout";
import { decryptBlocks, encryptBlocks, xorInto } from "./_cipher";

/** IV ← IO[0..16). */
export function cbcSetIv(): void {
  memory.copy(CTX + C_IV, IO, 16);
}

/** C_j = CIPH_K(P_j ⊕ C_{j-1}), C_0 = IV. */
export function cbcEncrypt(len: i32): void {
  let prev = CTX + C_IV;
  for (let off = 0; off < len; off += 16) {
    const p = IO + off;
    xorInto(p, prev, 16);
    encryptBlocks(p, p, 1);
    prev = p;
  }
  if (len > 0) memory.copy(CTX + C_IV, prev, 16);
}

/** P_j = CIPH⁻¹_K(C_j) ⊕ C_{j-1}; decrypts up to 256 blocks at a time (the ciphertext is kept in SCRATCH). */
export function cbcDecrypt(len: i32): void {
  let off = 0;
  while (off < len) {
    const n = min((len - off) >> 4, SCRATCH_BLOCKS);
    const p = IO + off;
    useScratch(n << 4);
    memory.copy(SCRATCH, p, n << 4);
    decryptBlocks(p, p, n);
    xorInto(p, CTX + C_IV, 16);
    if (n > 1) xorInto(p + 16, SCRATCH, (n - 1) << 4);
    memory.copy(CTX + C_IV, SCRATCH + (<usize>(n - 1) << 4), 16);
    off += n << 4;
  }
}
