// ML-KEM-768 (FIPS 203): K-PKE (§5, Algorithms 13–15) and the internal ML-KEM algorithms (§6, Algorithms 16–18) with
// the input checks of §7 (encapsulation-key modulus check §7.2, decapsulation-key hash check §7.3).
// Parameters (Table 2): n = 256, q = 3329, k = 3, η1 = η2 = 2, du = 10, dv = 4.
// Sizes (Table 3): ek 384k + 32 = 1184 B, dk 768k + 96 = 2400 B, c 32(du·k + dv) = 1088 B, shared secret 32 B.
//
// ABI (inputs at IN, outputs at OUT, see _layout.ts); the glue checks lengths and wipes the work area afterwards.
import { BYTES, IN, OUT, XS, poly } from "./_layout";
import { RATE_SHAKE128, SUFFIX_SHAKE, sha3_256, sha3_512, shake256, spongeAbsorb, spongeAbsorbByte, spongeInit, spongeSqueeze } from "./_keccak";
import { add, compressEncode, decode12, decodeDecompress, encode12, freezeAll, fromMont, invNtt, mulAcc, ntt, sampleCbd2, sampleNtt, sub } from "./_kem-poly";

const K: i32 = 3;
const EK_BYTES: usize = 1184;
const DK_PKE_BYTES: usize = 1152; // 384k
const CT_BYTES: usize = 1088;
const U_BYTES: usize = 320; // 32·du per polynomial

// Polynomial slots: Â (k×k, Â[i][j] at A(i, j)), s / y, e / e1, t̂, u, v, e2, μ, scratch.
// @ts-ignore: decorator
@inline function A(i: i32, j: i32): usize { return poly(i * K + j); }
// @ts-ignore: decorator
@inline function S(i: i32): usize { return poly(9 + i); }
// @ts-ignore: decorator
@inline function E(i: i32): usize { return poly(12 + i); }
// @ts-ignore: decorator
@inline function T(i: i32): usize { return poly(15 + i); }
// @ts-ignore: decorator
@inline function U(i: i32): usize { return poly(18 + i); }
const V: usize = poly(21);
const E2: usize = poly(22);
const MU: usize = poly(23);
const TMP: usize = poly(24);

// Byte scratch.
const B_GIN: usize = BYTES; // 64: input of G
const B_G: usize = BYTES + 64; // 64: output of G (ρ‖σ or K‖r)
const B_PRFIN: usize = BYTES + 128; // 33: s‖b for PRF
const B_PRF: usize = BYTES + 192; // 128: PRF_η output (64η)
const B_H: usize = BYTES + 320; // 32: H(ek)
const B_KBAR: usize = BYTES + 352; // 32: K̄
const B_M: usize = BYTES + 384; // 32: m′
const B_CT: usize = BYTES + 512; // 1088: c′

/** Â[i, j] ← SampleNTT(ρ‖j‖i) for all i, j (Algorithm 13 steps 3–7, Algorithm 14 steps 4–8). */
function generateMatrix(rho: usize): void {
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      spongeInit(XS, RATE_SHAKE128, SUFFIX_SHAKE); // XOF = SHAKE128 (§4.1)
      spongeAbsorb(XS, rho, 32);
      spongeAbsorbByte(XS, <u32>j);
      spongeAbsorbByte(XS, <u32>i);
      sampleNtt(A(i, j), XS);
    }
  }
}

/** f ← SamplePolyCBD_2(PRF_2(s, b)): PRF_η(s, b) = SHAKE256(s‖b, 8·64η) (§4.1 eq. 4.3). */
function cbdFromPrf(f: usize, s: usize, b: i32): void {
  memory.copy(B_PRFIN, s, 32);
  store<u8>(B_PRFIN + 32, <u8>b);
  shake256(XS, B_PRFIN, 33, B_PRF, 128);
  sampleCbd2(f, B_PRF);
}

/** K-PKE.KeyGen(d) (Algorithm 13): writes ek_PKE (1184 B) to `ek` and dk_PKE (1152 B) to `dk`. */
function kpkeKeyGen(d: usize, ek: usize, dk: usize): void {
  // Step 1: (ρ, σ) ← G(d‖k).
  memory.copy(B_GIN, d, 32);
  store<u8>(B_GIN + 32, <u8>K);
  sha3_512(XS, B_GIN, 33, B_G);
  const rho = B_G, sigma = B_G + 32;
  generateMatrix(rho); // steps 3–7
  for (let i = 0; i < K; i++) cbdFromPrf(S(i), sigma, i); // steps 8–11 (N = 0..k−1)
  for (let i = 0; i < K; i++) cbdFromPrf(E(i), sigma, K + i); // steps 12–15 (N = k..2k−1)
  for (let i = 0; i < K; i++) { ntt(S(i)); ntt(E(i)); } // steps 16–17
  for (let i = 0; i < K; i++) {
    // Step 18: t̂ ← Â ∘ ŝ + ê.
    for (let j = 0; j < K; j++) mulAcc(T(i), A(i, j), S(j), j == 0);
    fromMont(T(i));
    add(T(i), E(i));
    freezeAll(T(i));
    encode12(T(i), ek + <usize>(384 * i)); // step 19: ek_PKE ← ByteEncode_12(t̂)‖ρ
    freezeAll(S(i));
    encode12(S(i), dk + <usize>(384 * i)); // step 20: dk_PKE ← ByteEncode_12(ŝ)
  }
  memory.copy(ek + DK_PKE_BYTES, rho, 32);
}

/**
 * K-PKE.Encrypt(ek_PKE, m, r) (Algorithm 14) → c (1088 B) at `c`. Returns non-zero when ek fails the modulus check
 * (§7.2: some 12-bit value of ByteDecode_12's input is ≥ q); the caller then discards c.
 */
function kpkeEncrypt(ek: usize, m: usize, r: usize, c: usize): i32 {
  let bad = 0;
  for (let i = 0; i < K; i++) bad |= decode12(ek + <usize>(384 * i), T(i)); // step 2: t̂ ← ByteDecode_12(ek[0 : 384k])
  generateMatrix(ek + DK_PKE_BYTES); // steps 3–8 (ρ ← ek[384k : 384k + 32])
  for (let i = 0; i < K; i++) cbdFromPrf(S(i), r, i); // steps 9–12: y
  for (let i = 0; i < K; i++) cbdFromPrf(E(i), r, K + i); // steps 13–16: e1
  cbdFromPrf(E2, r, 2 * K); // step 17: e2
  for (let i = 0; i < K; i++) ntt(S(i)); // step 18: ŷ ← NTT(y)
  for (let i = 0; i < K; i++) {
    // Step 19: u ← NTT^−1(Â^T ∘ ŷ) + e1; step 22: c1 ← ByteEncode_du(Compress_du(u)).
    for (let j = 0; j < K; j++) mulAcc(U(i), A(j, i), S(j), j == 0);
    invNtt(U(i));
    add(U(i), E(i));
    compressEncode(U(i), 10, c + <usize>(U_BYTES * i), TMP);
  }
  decodeDecompress(m, 1, MU); // step 20: μ ← Decompress_1(ByteDecode_1(m))
  // Step 21: v ← NTT^−1(t̂^T ∘ ŷ) + e2 + μ; step 23: c2 ← ByteEncode_dv(Compress_dv(v)).
  for (let j = 0; j < K; j++) mulAcc(V, T(j), S(j), j == 0);
  invNtt(V);
  add(V, E2);
  add(V, MU);
  compressEncode(V, 4, c + <usize>(U_BYTES * K), TMP);
  return bad;
}

/** K-PKE.Decrypt(dk_PKE, c) (Algorithm 15) → m (32 B) at `m`. */
function kpkeDecrypt(dk: usize, c: usize, m: usize): void {
  for (let i = 0; i < K; i++) {
    decodeDecompress(c + <usize>(U_BYTES * i), 10, U(i)); // step 3: u′
    ntt(U(i));
  }
  decodeDecompress(c + <usize>(U_BYTES * K), 4, V); // step 4: v′
  for (let i = 0; i < K; i++) decode12(dk + <usize>(384 * i), S(i)); // step 5: ŝ ← ByteDecode_12(dk_PKE)
  // Step 6: w ← v′ − NTT^−1(ŝ^T ∘ NTT(u′)).
  for (let j = 0; j < K; j++) mulAcc(TMP, S(j), U(j), j == 0);
  invNtt(TMP);
  sub(TMP, V, TMP);
  compressEncode(TMP, 1, m, TMP); // step 7: m ← ByteEncode_1(Compress_1(w))
}

/** ML-KEM.KeyGen_internal(d, z) (Algorithm 16). IN: d (32) ‖ z (32). OUT: ek (1184) ‖ dk (2400). */
export function mlkemKeyGen(): i32 {
  const ek = OUT, dk = OUT + EK_BYTES;
  kpkeKeyGen(IN, ek, dk); // step 1
  // Step 3: dk ← dk_PKE ‖ ek ‖ H(ek) ‖ z.
  memory.copy(dk + DK_PKE_BYTES, ek, EK_BYTES);
  sha3_256(XS, ek, <i32>EK_BYTES, dk + DK_PKE_BYTES + EK_BYTES);
  memory.copy(dk + DK_PKE_BYTES + EK_BYTES + 32, IN + 32, 32);
  return 0;
}

/**
 * ML-KEM.Encaps_internal(ek, m) (Algorithm 17) with the modulus check of §7.2. IN: ek (1184) ‖ m (32).
 * OUT: c (1088) ‖ K (32). Returns 0, or −1 when ek fails the check (no output).
 */
export function mlkemEncaps(): i32 {
  const ek = IN, m = IN + EK_BYTES;
  // Step 1: (K, r) ← G(m‖H(ek)).
  memory.copy(B_GIN, m, 32);
  sha3_256(XS, ek, <i32>EK_BYTES, B_GIN + 32);
  sha3_512(XS, B_GIN, 64, B_G);
  const bad = kpkeEncrypt(ek, m, B_G + 32, OUT); // step 2: c ← K-PKE.Encrypt(ek, m, r)
  if (bad != 0) {
    memory.fill(OUT, 0, CT_BYTES + 32);
    return -1;
  }
  memory.copy(OUT + CT_BYTES, B_G, 32);
  return 0;
}

/**
 * ML-KEM.Decaps_internal(dk, c) (Algorithm 18) with the hash check of §7.3 and implicit rejection.
 * IN: dk (2400) ‖ c (1088). OUT: K (32). Returns 0, or −1 when dk fails the hash check (no output).
 */
export function mlkemDecaps(): i32 {
  const dk = IN, c = IN + 2400;
  const ekPke = dk + DK_PKE_BYTES; // step 2
  const h = dk + DK_PKE_BYTES + EK_BYTES; // step 3
  const z = h + 32; // step 4
  if (checkHash(dk) != 0) return -1;
  kpkeDecrypt(dk, c, B_M); // step 5: m′ ← K-PKE.Decrypt(dk_PKE, c)
  // Step 6: (K′, r′) ← G(m′‖h).
  memory.copy(B_GIN, B_M, 32);
  memory.copy(B_GIN + 32, h, 32);
  sha3_512(XS, B_GIN, 64, B_G);
  // Step 7: K̄ ← J(z‖c) = SHAKE256(z‖c, 8·32).
  spongeInit(XS, 136, SUFFIX_SHAKE);
  spongeAbsorb(XS, z, 32);
  spongeAbsorb(XS, c, <i32>CT_BYTES);
  spongeSqueeze(XS, B_KBAR, 32);
  kpkeEncrypt(ekPke, B_M, B_G + 32, B_CT); // step 8: c′ ← K-PKE.Encrypt(ek_PKE, m′, r′)
  // Step 9: if c ≠ c′ then K′ ← K̄ — compared and selected without branches.
  let diff: u32 = 0;
  for (let i: usize = 0; i < CT_BYTES; i++) diff |= <u32>(load<u8>(c + i) ^ load<u8>(B_CT + i));
  const keep: u32 = 0 - ((diff - 1) >>> 31); // all ones iff c = c′
  for (let i: usize = 0; i < 32; i++) {
    const kp = <u32>load<u8>(B_G + i), kb = <u32>load<u8>(B_KBAR + i);
    store<u8>(OUT + i, <u8>((kp & keep) | (kb & ~keep)));
  }
  return 0;
}

/** §7.3 hash check: H(dk[384k : 768k + 32]) = dk[768k + 32 : 768k + 64]. Returns 0 when it holds. */
function checkHash(dk: usize): i32 {
  sha3_256(XS, dk + DK_PKE_BYTES, <i32>EK_BYTES, B_H);
  let diff = 0;
  for (let i: usize = 0; i < 32; i++) diff |= <i32>(load<u8>(B_H + i) ^ load<u8>(dk + DK_PKE_BYTES + EK_BYTES + i));
  return diff;
}

/** §7.2 modulus check of IN: ek (1184): ByteEncode_12(ByteDecode_12(ek)) = ek. Returns 0 when it holds, else −1. */
export function mlkemCheckEk(): i32 {
  let bad = 0;
  for (let i = 0; i < K; i++) bad |= decode12(IN + <usize>(384 * i), T(i));
  return bad != 0 ? -1 : 0;
}

/** §7.3 hash check of IN: dk (2400). Returns 0 when it holds, else −1. */
export function mlkemCheckDk(): i32 {
  return checkHash(IN) != 0 ? -1 : 0;
}
