// SM3 cryptographic hash (GB/T 32905-2016). Streaming init / update / final over the I/O window.
// Names follow the standard: IV, T_j, FF_j, GG_j, P0, P1, message expansion (W, W'), compression function CF.
import { CTX, IO, S_BUF, S_BUFLEN, S_TOTAL, S_V } from "./_layout";

// Initial value IV (standard, "initial value").
const IV: usize = memory.data<u32>([
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
]);

// T_j <<< (j mod 32), precomputed for j = 0..63 (T_j = 79cc4519 for 0 ≤ j ≤ 15, 7a879d8a for 16 ≤ j ≤ 63).
const TJ: usize = memory.data(64 * 4, 16);
for (let j: u32 = 0; j < 64; j++) store<u32>(TJ + (j << 2), rotl<u32>(j < 16 ? 0x79cc4519 : 0x7a879d8a, j & 31));

// Expanded message W_0..W_67 (the W'_j = W_j ⊕ W_{j+4} are formed on the fly).
const W: usize = memory.data(68 * 4, 16);

// @ts-ignore: decorator
@inline function P0(x: u32): u32 {
  return x ^ rotl<u32>(x, 9) ^ rotl<u32>(x, 17);
}
// @ts-ignore: decorator
@inline function P1(x: u32): u32 {
  return x ^ rotl<u32>(x, 15) ^ rotl<u32>(x, 23);
}

/** Iterated compression V(i+1) = CF(V(i), B(i)) over `n` 64-byte blocks at `p`; V kept in locals across blocks. */
function compress(p: usize, n: i32): void {
  let v0 = load<u32>(CTX + S_V), v1 = load<u32>(CTX + S_V, 4), v2 = load<u32>(CTX + S_V, 8), v3 = load<u32>(CTX + S_V, 12);
  let v4 = load<u32>(CTX + S_V, 16), v5 = load<u32>(CTX + S_V, 20), v6 = load<u32>(CTX + S_V, 24), v7 = load<u32>(CTX + S_V, 28);
  for (let b = 0; b < n; b++, p += 64) {
    // Message expansion: W_0..W_15 are the block's words (big-endian) …
    for (let j: usize = 0; j < 16; j++) store<u32>(W + (j << 2), bswap<u32>(load<u32>(p + (j << 2))));
    // … and W_j = P1(W_{j-16} ⊕ W_{j-9} ⊕ (W_{j-3} <<< 15)) ⊕ (W_{j-13} <<< 7) ⊕ W_{j-6} for 16 ≤ j ≤ 67.
    for (let j: usize = 16; j < 68; j++) {
      const q = W + ((j - 16) << 2); // &W_{j-16}
      store<u32>(q, P1(load<u32>(q) ^ load<u32>(q, 28) ^ rotl<u32>(load<u32>(q, 52), 15)) ^ rotl<u32>(load<u32>(q, 12), 7) ^ load<u32>(q, 40), 64);
    }
    // Compression function CF: ABCDEFGH ← V(i); 64 rounds.
    let a = v0, bb = v1, c = v2, d = v3, e = v4, f = v5, g = v6, h = v7;
    for (let j: usize = 0; j < 16; j++) {
      const a12 = rotl<u32>(a, 12);
      const ss1 = rotl<u32>(a12 + e + load<u32>(TJ + (j << 2)), 7);
      const ss2 = ss1 ^ a12;
      const wj = load<u32>(W + (j << 2));
      const tt1 = (a ^ bb ^ c) + d + ss2 + (wj ^ load<u32>(W + (j << 2), 16)); // FF_j = X ⊕ Y ⊕ Z, W'_j
      const tt2 = (e ^ f ^ g) + h + ss1 + wj; // GG_j = X ⊕ Y ⊕ Z
      d = c; c = rotl<u32>(bb, 9); bb = a; a = tt1;
      h = g; g = rotl<u32>(f, 19); f = e; e = P0(tt2);
    }
    for (let j: usize = 16; j < 64; j++) {
      const a12 = rotl<u32>(a, 12);
      const ss1 = rotl<u32>(a12 + e + load<u32>(TJ + (j << 2)), 7);
      const ss2 = ss1 ^ a12;
      const wj = load<u32>(W + (j << 2));
      const tt1 = ((a & bb) | (a & c) | (bb & c)) + d + ss2 + (wj ^ load<u32>(W + (j << 2), 16)); // FF_j (majority)
      const tt2 = ((e & f) | (~e & g)) + h + ss1 + wj; // GG_j (choice)
      d = c; c = rotl<u32>(bb, 9); bb = a; a = tt1;
      h = g; g = rotl<u32>(f, 19); f = e; e = P0(tt2);
    }
    // V(i+1) = ABCDEFGH ⊕ V(i)
    v0 ^= a; v1 ^= bb; v2 ^= c; v3 ^= d; v4 ^= e; v5 ^= f; v6 ^= g; v7 ^= h;
  }
  store<u32>(CTX + S_V, v0); store<u32>(CTX + S_V, v1, 4); store<u32>(CTX + S_V, v2, 8); store<u32>(CTX + S_V, v3, 12);
  store<u32>(CTX + S_V, v4, 16); store<u32>(CTX + S_V, v5, 20); store<u32>(CTX + S_V, v6, 24); store<u32>(CTX + S_V, v7, 28);
}

/** Starts a hash: V(0) = IV, empty buffer. */
export function sm3Init(): void {
  memory.copy(CTX + S_V, IV, 32);
  memory.fill(CTX + S_BUF, 0, 64);
  store<u32>(CTX + S_BUFLEN, 0);
  store<u64>(CTX + S_TOTAL, 0);
}

/** Absorbs IO[0..len). */
export function sm3Update(len: i32): void {
  let p = IO;
  let rem = len;
  let buffered = <i32>load<u32>(CTX + S_BUFLEN);
  store<u64>(CTX + S_TOTAL, load<u64>(CTX + S_TOTAL) + <u64>len);
  if (buffered > 0) {
    const take = min(64 - buffered, rem);
    memory.copy(CTX + S_BUF + buffered, p, take);
    buffered += take; p += take; rem -= take;
    if (buffered < 64) { store<u32>(CTX + S_BUFLEN, buffered); return; }
    compress(CTX + S_BUF, 1);
    buffered = 0;
  }
  const blocks = rem >> 6;
  if (blocks > 0) { compress(p, blocks); p += blocks << 6; rem -= blocks << 6; }
  if (rem > 0) memory.copy(CTX + S_BUF, p, rem);
  store<u32>(CTX + S_BUFLEN, rem);
}

/** One-shot SM3 of IO[0..len) (len ≤ IO_SIZE): init, update and final in one call; digest to IO[0..32). */
export function sm3Digest(len: i32): void {
  sm3Init();
  sm3Update(len);
  sm3Final();
}

/** Padding (bit "1", zeros, 64-bit big-endian bit length), last compression, digest y = V(n) to IO[0..32). */
export function sm3Final(): void {
  const buffered = <usize>load<u32>(CTX + S_BUFLEN);
  const bits = load<u64>(CTX + S_TOTAL) << 3;
  store<u8>(CTX + S_BUF + buffered, 0x80);
  memory.fill(CTX + S_BUF + buffered + 1, 0, 63 - buffered);
  if (buffered >= 56) {
    compress(CTX + S_BUF, 1);
    memory.fill(CTX + S_BUF, 0, 56);
  }
  store<u64>(CTX + S_BUF, bswap<u64>(bits), 56);
  compress(CTX + S_BUF, 1);
  for (let i: usize = 0; i < 8; i++) store<u32>(IO + (i << 2), bswap<u32>(load<u32>(CTX + S_V + (i << 2))));
  memory.fill(W, 0, 68 * 4);
}
