// AES block cipher (FIPS 197): KeyExpansion (§5.2), Cipher (§5.1) and the equivalent inverse cipher (§5.3.5), with
// Nk = 4 / 6 / 8 words (Nr = 10 / 12 / 14). SubBytes + ShiftRows + MixColumns are folded into four 256-entry u32
// tables (Te, and Td for the inverse): byte lookups indexed by secret state, NOT constant time (see SECURITY.md).

const SBOX: usize = memory.data(256, 64);
const INV_SBOX: usize = memory.data(256, 64);
const TE: usize = memory.data(4 * 1024, 64); // Te_k[x] = (MixColumns column of S(x)) >>> 8k
const TD: usize = memory.data(4 * 1024, 64); // Td_k[x] = (InvMixColumns column of S⁻¹(x)) >>> 8k

// xtime (§4.2.1): multiplication by x in GF(2^8) mod m(x) = x^8 + x^4 + x^3 + x + 1.
// @ts-ignore: decorator
@inline function xtime(b: u32): u32 {
  return ((b << 1) ^ ((b >>> 7) * 0x1b)) & 0xff;
}

function gmul(a: u32, b: u32): u32 {
  let r: u32 = 0;
  for (let i = 0; i < 8; i++) {
    r ^= a & -(b & 1);
    a = xtime(a);
    b >>>= 1;
  }
  return r;
}

// S-box (§5.1.1): the multiplicative inverse in GF(2^8) followed by the affine transformation with constant 0x63.
// Tables are generated here rather than typed in; the FIPS 197 / ACVP vectors check them.
{
  // Powers of the generator 3 give log/antilog tables for the inverse.
  const EXP: usize = memory.data(256);
  const LOG: usize = memory.data(256);
  let p: u32 = 1;
  for (let i: u32 = 0; i < 255; i++) {
    store<u8>(EXP + i, <u8>p);
    store<u8>(LOG + p, <u8>i);
    p ^= xtime(p); // p × 3
  }
  for (let x: u32 = 0; x < 256; x++) {
    const inv: u32 = x == 0 ? 0 : <u32>load<u8>(EXP + ((255 - <u32>load<u8>(LOG + x)) % 255));
    let s = inv;
    for (let k = 1; k <= 4; k++) s ^= ((inv << k) | (inv >>> (8 - k))) & 0xff; // b'_i = b_i ⊕ b_{i+4} ⊕ … (rotations)
    s ^= 0x63;
    store<u8>(SBOX + x, <u8>s);
    store<u8>(INV_SBOX + s, <u8>x);
  }
  for (let x: u32 = 0; x < 256; x++) {
    const s = <u32>load<u8>(SBOX + x);
    const te = (xtime(s) << 24) | (s << 16) | (s << 8) | (xtime(s) ^ s); // MixColumns column (02, 01, 01, 03)·s
    const i = <u32>load<u8>(INV_SBOX + x);
    const td = (gmul(i, 0x0e) << 24) | (gmul(i, 0x09) << 16) | (gmul(i, 0x0d) << 8) | gmul(i, 0x0b); // InvMixColumns
    for (let k: u32 = 0; k < 4; k++) {
      store<u32>(TE + (k << 10) + (x << 2), rotr<u32>(te, 8 * k));
      store<u32>(TD + (k << 10) + (x << 2), rotr<u32>(td, 8 * k));
    }
  }
}

// @ts-ignore: decorator
@inline function subWord(w: u32): u32 {
  return (<u32>load<u8>(SBOX + (w >>> 24)) << 24) | (<u32>load<u8>(SBOX + ((w >>> 16) & 255)) << 16) |
    (<u32>load<u8>(SBOX + ((w >>> 8) & 255)) << 8) | <u32>load<u8>(SBOX + (w & 255));
}

/**
 * KeyExpansion (§5.2) of an `nk`-word key at `key` into w[0..4(Nr+1)) at `enc`, and the equivalent inverse cipher's
 * schedule (§5.3.5: reversed round order, InvMixColumns applied to rounds 1..Nr-1) at `dec`. Returns Nr.
 */
export function aesExpandKey(key: usize, nk: i32, enc: usize, dec: usize): i32 {
  const nr = nk + 6;
  const total = 4 * (nr + 1);
  for (let i = 0; i < nk; i++) store<u32>(enc + (<usize>i << 2), bswap<u32>(load<u32>(key + (<usize>i << 2))));
  let rcon: u32 = 1;
  for (let i = nk; i < total; i++) {
    let temp = load<u32>(enc + (<usize>(i - 1) << 2));
    if (i % nk == 0) {
      temp = subWord(rotl<u32>(temp, 8)) ^ (rcon << 24); // SubWord(RotWord(temp)) ⊕ Rcon[i/Nk]
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk == 4) {
      temp = subWord(temp);
    }
    store<u32>(enc + (<usize>i << 2), load<u32>(enc + (<usize>(i - nk) << 2)) ^ temp);
  }
  for (let r = 0; r <= nr; r++) {
    for (let c = 0; c < 4; c++) {
      let w = load<u32>(enc + (<usize>(4 * (nr - r) + c) << 2));
      if (r > 0 && r < nr) {
        w = load<u32>(TD + (<usize>load<u8>(SBOX + (w >>> 24)) << 2)) ^
          load<u32>(TD + (<usize>load<u8>(SBOX + ((w >>> 16) & 255)) << 2), 1024) ^
          load<u32>(TD + (<usize>load<u8>(SBOX + ((w >>> 8) & 255)) << 2), 2048) ^
          load<u32>(TD + (<usize>load<u8>(SBOX + (w & 255)) << 2), 3072);
      }
      store<u32>(dec + (<usize>(4 * r + c) << 2), w);
    }
  }
  return nr;
}

// @ts-ignore: decorator
@inline function te(a: u32, b: u32, c: u32, d: u32): u32 {
  return load<u32>(TE + ((a >>> 24) << 2)) ^ load<u32>(TE + (((b >>> 16) & 255) << 2), 1024) ^
    load<u32>(TE + (((c >>> 8) & 255) << 2), 2048) ^ load<u32>(TE + ((d & 255) << 2), 3072);
}
// @ts-ignore: decorator
@inline function td(a: u32, b: u32, c: u32, d: u32): u32 {
  return load<u32>(TD + ((a >>> 24) << 2)) ^ load<u32>(TD + (((b >>> 16) & 255) << 2), 1024) ^
    load<u32>(TD + (((c >>> 8) & 255) << 2), 2048) ^ load<u32>(TD + ((d & 255) << 2), 3072);
}
// @ts-ignore: decorator
@inline function last(box: usize, a: u32, b: u32, c: u32, d: u32): u32 {
  return (<u32>load<u8>(box + (a >>> 24)) << 24) | (<u32>load<u8>(box + ((b >>> 16) & 255)) << 16) |
    (<u32>load<u8>(box + ((c >>> 8) & 255)) << 8) | <u32>load<u8>(box + (d & 255));
}

/** Cipher (§5.1) on `n` blocks: AddRoundKey, Nr-1 full rounds (table form), final round without MixColumns. */
export function aesEncryptBlocks(w: usize, nr: i32, src: usize, dst: usize, n: i32): void {
  const end = w + (<usize>(4 * nr) << 2);
  for (let b = 0; b < n; b++, src += 16, dst += 16) {
    let s0 = bswap<u32>(load<u32>(src)) ^ load<u32>(w), s1 = bswap<u32>(load<u32>(src, 4)) ^ load<u32>(w, 4);
    let s2 = bswap<u32>(load<u32>(src, 8)) ^ load<u32>(w, 8), s3 = bswap<u32>(load<u32>(src, 12)) ^ load<u32>(w, 12);
    for (let k = w + 16; k < end; k += 16) {
      const t0 = te(s0, s1, s2, s3) ^ load<u32>(k), t1 = te(s1, s2, s3, s0) ^ load<u32>(k, 4);
      const t2 = te(s2, s3, s0, s1) ^ load<u32>(k, 8), t3 = te(s3, s0, s1, s2) ^ load<u32>(k, 12);
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    store<u32>(dst, bswap<u32>(last(SBOX, s0, s1, s2, s3) ^ load<u32>(end)));
    store<u32>(dst, bswap<u32>(last(SBOX, s1, s2, s3, s0) ^ load<u32>(end, 4)), 4);
    store<u32>(dst, bswap<u32>(last(SBOX, s2, s3, s0, s1) ^ load<u32>(end, 8)), 8);
    store<u32>(dst, bswap<u32>(last(SBOX, s3, s0, s1, s2) ^ load<u32>(end, 12)), 12);
  }
}

/** Equivalent inverse cipher (§5.3.5) on `n` blocks with the `dec` schedule from {@link aesExpandKey}. */
export function aesDecryptBlocks(w: usize, nr: i32, src: usize, dst: usize, n: i32): void {
  const end = w + (<usize>(4 * nr) << 2);
  for (let b = 0; b < n; b++, src += 16, dst += 16) {
    let s0 = bswap<u32>(load<u32>(src)) ^ load<u32>(w), s1 = bswap<u32>(load<u32>(src, 4)) ^ load<u32>(w, 4);
    let s2 = bswap<u32>(load<u32>(src, 8)) ^ load<u32>(w, 8), s3 = bswap<u32>(load<u32>(src, 12)) ^ load<u32>(w, 12);
    for (let k = w + 16; k < end; k += 16) {
      const t0 = td(s0, s3, s2, s1) ^ load<u32>(k), t1 = td(s1, s0, s3, s2) ^ load<u32>(k, 4);
      const t2 = td(s2, s1, s0, s3) ^ load<u32>(k, 8), t3 = td(s3, s2, s1, s0) ^ load<u32>(k, 12);
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    store<u32>(dst, bswap<u32>(last(INV_SBOX, s0, s3, s2, s1) ^ load<u32>(end)));
    store<u32>(dst, bswap<u32>(last(INV_SBOX, s1, s0, s3, s2) ^ load<u32>(end, 4)), 4);
    store<u32>(dst, bswap<u32>(last(INV_SBOX, s2, s1, s0, s3) ^ load<u32>(end, 8)), 8);
    store<u32>(dst, bswap<u32>(last(INV_SBOX, s3, s2, s1, s0) ^ load<u32>(end, 12)), 12);
  }
}
