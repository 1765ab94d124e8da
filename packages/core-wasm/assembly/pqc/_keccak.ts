// Keccak sponge (FIPS 202 §4, Algorithm 8) over Keccak-f[1600], with the pad10*1 rule (§5.1, Algorithm 9) and the
// SHA-3 / SHAKE domain-separation suffixes (§6.1, §6.2: M‖01 for SHA3-*, M‖1111 for SHAKE*), expressed as the first
// padding byte: 0x06 for SHA3, 0x1F for SHAKE (suffix bits then the first 1 of pad10*1, LSB first).
//
// A sponge object is SPONGE_SIZE bytes at a pointer `st`: the 200-byte state S, then u32 rate (bytes), u32 pos (bytes
// absorbed into / squeezed from the current block), u32 phase (0 absorbing, 1 squeezing), u32 suffix byte.
import { keccakF1600 } from "./_keccak-f1600";

const ST_RATE: usize = 200;
const ST_POS: usize = 204;
const ST_PHASE: usize = 208;
const ST_SUFFIX: usize = 212;

/** SHAKE128 rate r = 1600 − 2·128 bits = 168 bytes (FIPS 202 §6.2). */
export const RATE_SHAKE128: i32 = 168;
/** SHAKE256 / SHA3-256 rate: 136 bytes. */
export const RATE_SHAKE256: i32 = 136;
/** SHA3-512 rate: 72 bytes. */
export const RATE_SHA3_512: i32 = 72;
export const SUFFIX_SHA3: u32 = 0x06;
export const SUFFIX_SHAKE: u32 = 0x1f;

/** Starts a sponge with the given rate (bytes) and domain suffix byte: S = 0^1600 (Algorithm 8 step 5). */
export function spongeInit(st: usize, rate: i32, suffix: u32): void {
  memory.fill(st, 0, 200);
  store<u32>(st + ST_RATE, <u32>rate);
  store<u32>(st + ST_POS, 0);
  store<u32>(st + ST_PHASE, 0);
  store<u32>(st + ST_SUFFIX, suffix);
}

/** Absorbs `len` bytes at `p` (Algorithm 8 step 6, block by block as the input arrives). */
export function spongeAbsorb(st: usize, p: usize, len: i32): void {
  const rate = <i32>load<u32>(st + ST_RATE);
  let pos = <i32>load<u32>(st + ST_POS);
  let rem = len;
  // Finish a partial block byte by byte.
  while (rem > 0 && (pos & 7) != 0) {
    store<u8>(st + <usize>pos, load<u8>(st + <usize>pos) ^ load<u8>(p));
    p++; pos++; rem--;
    if (pos == rate) { keccakF1600(st); pos = 0; }
  }
  // Whole lanes.
  while (rem >= 8) {
    store<u64>(st + <usize>pos, load<u64>(st + <usize>pos) ^ load<u64>(p));
    p += 8; pos += 8; rem -= 8;
    if (pos == rate) { keccakF1600(st); pos = 0; }
  }
  while (rem > 0) {
    store<u8>(st + <usize>pos, load<u8>(st + <usize>pos) ^ load<u8>(p));
    p++; pos++; rem--;
    if (pos == rate) { keccakF1600(st); pos = 0; }
  }
  store<u32>(st + ST_POS, <u32>pos);
}

/** Absorbs one byte. */
export function spongeAbsorbByte(st: usize, b: u32): void {
  const rate = <i32>load<u32>(st + ST_RATE);
  let pos = <i32>load<u32>(st + ST_POS);
  store<u8>(st + <usize>pos, load<u8>(st + <usize>pos) ^ <u8>b);
  pos++;
  if (pos == rate) { keccakF1600(st); pos = 0; }
  store<u32>(st + ST_POS, <u32>pos);
}

/** Ends absorbing: suffix and pad10*1 (Algorithm 9) XORed into the current block, then f; squeezing starts at 0. */
export function spongeFinish(st: usize): void {
  const rate = <usize>load<u32>(st + ST_RATE);
  const pos = <usize>load<u32>(st + ST_POS);
  store<u8>(st + pos, load<u8>(st + pos) ^ <u8>load<u32>(st + ST_SUFFIX));
  store<u8>(st + rate - 1, load<u8>(st + rate - 1) ^ 0x80);
  keccakF1600(st);
  store<u32>(st + ST_POS, 0);
  store<u32>(st + ST_PHASE, 1);
}

/** Squeezes `len` bytes to `out` (Algorithm 8 steps 7–10), finishing the absorb phase first if needed. */
export function spongeSqueeze(st: usize, out: usize, len: i32): void {
  if (load<u32>(st + ST_PHASE) == 0) spongeFinish(st);
  const rate = <i32>load<u32>(st + ST_RATE);
  let pos = <i32>load<u32>(st + ST_POS);
  let rem = len;
  while (rem > 0) {
    if (pos == rate) { keccakF1600(st); pos = 0; }
    const take = min(rate - pos, rem);
    memory.copy(out, st + <usize>pos, <usize>take);
    out += <usize>take; pos += take; rem -= take;
  }
  store<u32>(st + ST_POS, <u32>pos);
}

/**
 * For rejection samplers that read whole blocks in place: the next `rate` output bytes are the state's first `rate`
 * bytes after this call. The first call after absorbing pads; later calls apply f.
 */
export function spongeNextBlock(st: usize): void {
  if (load<u32>(st + ST_PHASE) == 0) spongeFinish(st);
  else keccakF1600(st);
  store<u32>(st + ST_POS, load<u32>(st + ST_RATE));
}

/** SHA3-256 (FIPS 202 §6.1) of `len` bytes at `p` → 32 bytes at `out`, using sponge `st`. */
export function sha3_256(st: usize, p: usize, len: i32, out: usize): void {
  spongeInit(st, RATE_SHAKE256, SUFFIX_SHA3);
  spongeAbsorb(st, p, len);
  spongeSqueeze(st, out, 32);
}

/** SHA3-512 (FIPS 202 §6.1) → 64 bytes. */
export function sha3_512(st: usize, p: usize, len: i32, out: usize): void {
  spongeInit(st, RATE_SHA3_512, SUFFIX_SHA3);
  spongeAbsorb(st, p, len);
  spongeSqueeze(st, out, 64);
}

/** SHAKE256 (FIPS 202 §6.2) → `outLen` bytes. */
export function shake256(st: usize, p: usize, len: i32, out: usize, outLen: i32): void {
  spongeInit(st, RATE_SHAKE256, SUFFIX_SHAKE);
  spongeAbsorb(st, p, len);
  spongeSqueeze(st, out, outLen);
}
