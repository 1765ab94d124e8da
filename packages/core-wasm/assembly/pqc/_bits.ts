// Bit packing shared by ML-KEM (FIPS 203 Algorithms 5–6, ByteEncode_d / ByteDecode_d) and ML-DSA (FIPS 204
// Algorithms 16–19, SimpleBitPack / BitPack / SimpleBitUnpack / BitUnpack): 256 coefficients of `d` bits each,
// little-endian bit order (bit j of coefficient i is bit i·d + j of the byte string, FIPS 203 Algorithm 3 / FIPS 204
// Algorithm 12), so a polynomial packs into 32·d bytes.

/** Packs the low `d` bits (1 ≤ d ≤ 24) of each i32 coefficient of the polynomial at `f` into 32·d bytes at `out`. */
export function packBits(f: usize, d: i32, out: usize): void {
  let acc: u64 = 0;
  let bits: i32 = 0;
  const mask: u64 = ((<u64>1) << <u64>d) - 1;
  for (let i: usize = 0; i < 256; i++) {
    acc |= (<u64>load<u32>(f + (i << 2)) & mask) << <u64>bits;
    bits += d;
    while (bits >= 8) {
      store<u8>(out, <u8>acc);
      out++; acc >>= 8; bits -= 8;
    }
  }
}

/** Unpacks 32·d bytes at `p` into 256 unsigned `d`-bit coefficients at `f`. */
export function unpackBits(p: usize, d: i32, f: usize): void {
  let acc: u64 = 0;
  let bits: i32 = 0;
  const mask: u64 = ((<u64>1) << <u64>d) - 1;
  for (let i: usize = 0; i < 256; i++) {
    while (bits < d) {
      acc |= <u64>load<u8>(p) << <u64>bits;
      p++; bits += 8;
    }
    store<i32>(f + (i << 2), <i32>(acc & mask));
    acc >>= <u64>d; bits -= d;
  }
}
