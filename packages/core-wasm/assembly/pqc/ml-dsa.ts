// ML-DSA-65 (FIPS 204): ML-DSA.KeyGen_internal, ML-DSA.Sign_internal and ML-DSA.Verify_internal (§6, Algorithms 6–8)
// with the encodings of §7.2 (Algorithms 22–28) and the samplers of §7.3 (Algorithms 29–34).
// Parameters (Table 1): q = 8380417, d = 13, τ = 49, λ = 192, γ1 = 2^19, γ2 = (q − 1)/32, (k, ℓ) = (6, 5), η = 4,
// β = τ·η = 196, ω = 55. Sizes (Table 2): pk 1952 B, sk 4032 B, signature 3309 B.
//
// The message representative μ = H(BytesToBits(tr)‖M′, 64) (Algorithm 7 step 6, Algorithm 8 step 7) is computed by
// the glue with the exported SHAKE256 sponge, so messages of any length stream through the I/O window; these
// functions take μ. ABI: inputs at IN, outputs at OUT (see _layout.ts); the glue checks lengths and wipes afterwards.
import { packBits, unpackBits } from "./_bits";
import { BYTES, IN, OUT, XS, poly } from "./_layout";
import { RATE_SHAKE128, RATE_SHAKE256, SUFFIX_SHAKE, spongeAbsorb, spongeAbsorbByte, spongeInit, spongeSqueeze } from "./_keccak";
import {
  GAMMA2, add, centeredAll, copy, highBits, invNtt, lowBits, makeHint, normAtLeast, ntt, pointwise, power2Round,
  rejBoundedPoly, rejNttPoly, sampleInBall, shiftD, sub, useHint,
} from "./_dsa-poly";

const K: i32 = 6;
const L: i32 = 5;
const ETA: i32 = 4;
const BETA: i32 = 196;
const GAMMA1: i32 = 1 << 19;
const OMEGA: i32 = 55;
const CTILDE_BYTES: i32 = 48; // λ/4
const PK_BYTES: usize = 1952;
const SK_BYTES: usize = 4032;
/** Appendix C allows bounding the signing loop; 1000 iterations fail with probability far below 2^−128 for ML-DSA-65. */
const MAX_ITERATIONS: i32 = 1000;

// Polynomial slots.
// @ts-ignore: decorator
@inline function A(r: i32, s: i32): usize { return poly(r * L + s); } // Â[r][s], 30 slots
// @ts-ignore: decorator
@inline function S1(i: i32): usize { return poly(30 + i); }
// @ts-ignore: decorator
@inline function S2(i: i32): usize { return poly(35 + i); }
// @ts-ignore: decorator
@inline function T0(i: i32): usize { return poly(41 + i); }
// @ts-ignore: decorator
@inline function Y(i: i32): usize { return poly(47 + i); }
// @ts-ignore: decorator
@inline function YH(i: i32): usize { return poly(52 + i); }
// @ts-ignore: decorator
@inline function W(i: i32): usize { return poly(57 + i); }
// @ts-ignore: decorator
@inline function W1(i: i32): usize { return poly(63 + i); }
// @ts-ignore: decorator
@inline function Z(i: i32): usize { return poly(69 + i); }
// @ts-ignore: decorator
@inline function R(i: i32): usize { return poly(74 + i); }
// @ts-ignore: decorator
@inline function CT0(i: i32): usize { return poly(80 + i); }
// @ts-ignore: decorator
@inline function HH(i: i32): usize { return poly(86 + i); }
const C: usize = poly(92);
const TMP: usize = poly(93);
const TMP2: usize = poly(94);

// Byte scratch.
const B_SEED: usize = BYTES; // 128: ρ ‖ ρ′ ‖ K
const B_RHOPP: usize = BYTES + 128; // 64: ρ″
const B_CT: usize = BYTES + 192; // 48: c̃
const B_CT2: usize = BYTES + 240; // 48: c̃′
const B_SMALL: usize = BYTES + 288; // 8: SampleInBall sign bits
const B_W1: usize = BYTES + 512; // 768: w1Encode(w1)
const B_MASK: usize = BYTES + 1280; // 640: ExpandMask output

/** BitPack(w, a, b) (Algorithm 17) with b − w_i in `bits` bits; SimpleBitPack (Algorithm 16) when b = 0 is not needed. */
function bitPack(w: usize, b: i32, bits: i32, out: usize): void {
  for (let j: usize = 0; j < 256; j++) store<i32>(TMP2 + (j << 2), b - load<i32>(w + (j << 2)));
  packBits(TMP2, bits, out);
}
/** BitUnpack(v, a, b) (Algorithm 19): w_i = b − (the i-th `bits`-bit value). */
function bitUnpack(v: usize, b: i32, bits: i32, w: usize): void {
  unpackBits(v, bits, w);
  for (let j: usize = 0; j < 256; j++) store<i32>(w + (j << 2), b - load<i32>(w + (j << 2)));
}

/** ExpandA(ρ) (Algorithm 32): Â[r][s] ← RejNTTPoly(ρ‖IntegerToBytes(s, 1)‖IntegerToBytes(r, 1)). */
function expandA(rho: usize): void {
  for (let r = 0; r < K; r++) {
    for (let s = 0; s < L; s++) {
      spongeInit(XS, RATE_SHAKE128, SUFFIX_SHAKE); // G = SHAKE128 (§3.7)
      spongeAbsorb(XS, rho, 32);
      spongeAbsorbByte(XS, <u32>s);
      spongeAbsorbByte(XS, <u32>r);
      rejNttPoly(A(r, s), XS);
    }
  }
}

/** ExpandS(ρ′) (Algorithm 33): s1[r] from nonce r, s2[r] from nonce r + ℓ (IntegerToBytes(·, 2)). */
function expandS(rhoPrime: usize): void {
  for (let r = 0; r < L + K; r++) {
    spongeInit(XS, RATE_SHAKE256, SUFFIX_SHAKE); // H = SHAKE256
    spongeAbsorb(XS, rhoPrime, 64);
    spongeAbsorbByte(XS, <u32>(r & 0xff));
    spongeAbsorbByte(XS, <u32>(r >> 8));
    rejBoundedPoly(r < L ? S1(r) : S2(r - L), XS);
  }
}

/** c ← SampleInBall(c̃) (Algorithm 29), then ĉ ← NTT(c). */
function challenge(ctilde: usize): void {
  spongeInit(XS, RATE_SHAKE256, SUFFIX_SHAKE);
  spongeAbsorb(XS, ctilde, CTILDE_BYTES);
  sampleInBall(C, XS, B_SMALL);
  ntt(C);
}

/**
 * c̃ ← H(μ‖w1Encode(w1), λ/4) with w1Encode (Algorithm 28): SimpleBitPack(w1[i], 15), 4 bits per coefficient.
 * `w1` is the first of k consecutive polynomial slots.
 */
function commitmentHash(mu: usize, w1: usize, out: usize): void {
  for (let r = 0; r < K; r++) packBits(w1 + (<usize>r << 10), 4, B_W1 + <usize>(128 * r));
  spongeInit(XS, RATE_SHAKE256, SUFFIX_SHAKE);
  spongeAbsorb(XS, mu, 64);
  spongeAbsorb(XS, B_W1, 128 * K);
  spongeSqueeze(XS, out, CTILDE_BYTES);
}

/** ML-DSA.KeyGen_internal(ξ) (Algorithm 6). IN: ξ (32). OUT: pk (1952) ‖ sk (4032). */
export function mldsaKeyGen(): i32 {
  // Step 1: (ρ, ρ′, K) ← H(ξ‖IntegerToBytes(k, 1)‖IntegerToBytes(ℓ, 1), 128).
  spongeInit(XS, RATE_SHAKE256, SUFFIX_SHAKE);
  spongeAbsorb(XS, IN, 32);
  spongeAbsorbByte(XS, <u32>K);
  spongeAbsorbByte(XS, <u32>L);
  spongeSqueeze(XS, B_SEED, 128);
  const rho = B_SEED, rhoPrime = B_SEED + 32, key = B_SEED + 96;
  expandA(rho); // step 3
  expandS(rhoPrime); // step 4
  // Step 5: t ← NTT^−1(Â ∘ NTT(s1)) + s2; step 6: (t1, t0) ← Power2Round(t).
  for (let s = 0; s < L; s++) { copy(YH(s), S1(s)); ntt(YH(s)); }
  for (let r = 0; r < K; r++) {
    for (let s = 0; s < L; s++) pointwise(W(r), A(r, s), YH(s), s == 0);
    invNtt(W(r));
    add(W(r), W(r), S2(r));
    power2Round(W1(r), T0(r), W(r));
  }
  // Step 8: pk ← pkEncode(ρ, t1) (Algorithm 22): ρ ‖ SimpleBitPack(t1[i], 2^10 − 1).
  const pk = OUT, sk = OUT + PK_BYTES;
  memory.copy(pk, rho, 32);
  for (let r = 0; r < K; r++) packBits(W1(r), 10, pk + 32 + <usize>(320 * r));
  // Step 9: tr ← H(pk, 64); step 10: sk ← skEncode(ρ, K, tr, s1, s2, t0) (Algorithm 24).
  memory.copy(sk, rho, 32);
  memory.copy(sk + 32, key, 32);
  spongeInit(XS, RATE_SHAKE256, SUFFIX_SHAKE);
  spongeAbsorb(XS, pk, <i32>PK_BYTES);
  spongeSqueeze(XS, sk + 64, 64);
  for (let i = 0; i < L; i++) bitPack(S1(i), ETA, 4, sk + 128 + <usize>(128 * i));
  for (let i = 0; i < K; i++) bitPack(S2(i), ETA, 4, sk + 768 + <usize>(128 * i));
  for (let i = 0; i < K; i++) bitPack(T0(i), 1 << 12, 13, sk + 1536 + <usize>(416 * i));
  return 0;
}

/**
 * ML-DSA.Sign_internal (Algorithm 7) from μ. IN: sk (4032) ‖ μ (64) ‖ rnd (32). OUT: σ (3309).
 * Returns 0; −1 if the loop bound was reached; −2 for a malformed secret key (no output in either case).
 */
export function mldsaSign(): i32 {
  const sk = IN, mu = IN + SK_BYTES, rnd = IN + SK_BYTES + 64;
  // Step 1: (ρ, K, tr, s1, s2, t0) ← skDecode(sk) (Algorithm 25); steps 2–4: NTT forms. A secret key whose s1 or s2
  // has a coefficient outside [−η, η] cannot come from KeyGen (Algorithm 25 assumes a well-formed key): refused.
  let malformed = 0;
  for (let i = 0; i < L; i++) { bitUnpack(sk + 128 + <usize>(128 * i), ETA, 4, S1(i)); malformed |= normAtLeast(S1(i), ETA + 1); ntt(S1(i)); }
  for (let i = 0; i < K; i++) { bitUnpack(sk + 768 + <usize>(128 * i), ETA, 4, S2(i)); malformed |= normAtLeast(S2(i), ETA + 1); ntt(S2(i)); }
  if (malformed != 0) return -2;
  for (let i = 0; i < K; i++) { bitUnpack(sk + 1536 + <usize>(416 * i), 1 << 12, 13, T0(i)); ntt(T0(i)); }
  expandA(sk); // step 5
  // Step 7: ρ″ ← H(K‖rnd‖μ, 64).
  spongeInit(XS, RATE_SHAKE256, SUFFIX_SHAKE);
  spongeAbsorb(XS, sk + 32, 32);
  spongeAbsorb(XS, rnd, 32);
  spongeAbsorb(XS, mu, 64);
  spongeSqueeze(XS, B_RHOPP, 64);
  let kappa = 0; // step 8
  for (let iter = 0; iter < MAX_ITERATIONS; iter++, kappa += L) { // steps 10–32
    // Step 11: y ← ExpandMask(ρ″, κ) (Algorithm 34): y[r] = BitUnpack(H(ρ″‖IntegerToBytes(κ + r, 2), 640), γ1 − 1, γ1).
    for (let r = 0; r < L; r++) {
      const n = kappa + r;
      spongeInit(XS, RATE_SHAKE256, SUFFIX_SHAKE);
      spongeAbsorb(XS, B_RHOPP, 64);
      spongeAbsorbByte(XS, <u32>(n & 0xff));
      spongeAbsorbByte(XS, <u32>((n >> 8) & 0xff));
      spongeSqueeze(XS, B_MASK, 640);
      bitUnpack(B_MASK, GAMMA1, 20, Y(r));
      copy(YH(r), Y(r));
      ntt(YH(r));
    }
    // Step 12: w ← NTT^−1(Â ∘ NTT(y)); step 13: w1 ← HighBits(w).
    for (let r = 0; r < K; r++) {
      for (let s = 0; s < L; s++) pointwise(W(r), A(r, s), YH(s), s == 0);
      invNtt(W(r));
      highBits(W1(r), W(r));
    }
    commitmentHash(mu, W1(0), B_CT); // step 15: c̃ ← H(μ‖w1Encode(w1), λ/4)
    challenge(B_CT); // steps 16–17: c ← SampleInBall(c̃), ĉ ← NTT(c)
    let reject = 0;
    // Steps 18, 20: z ← y + NTT^−1(ĉ ∘ ŝ1); step 23: ‖z‖∞ ≥ γ1 − β rejects.
    for (let r = 0; r < L; r++) {
      pointwise(Z(r), C, S1(r), true);
      invNtt(Z(r));
      add(Z(r), Z(r), Y(r));
      centeredAll(Z(r));
      reject |= normAtLeast(Z(r), GAMMA1 - BETA);
    }
    // Steps 19, 21: r0 ← LowBits(w − NTT^−1(ĉ ∘ ŝ2)); step 23: ‖r0‖∞ ≥ γ2 − β rejects.
    for (let r = 0; r < K; r++) {
      pointwise(R(r), C, S2(r), true);
      invNtt(R(r));
      sub(R(r), W(r), R(r));
      lowBits(TMP, R(r));
      reject |= normAtLeast(TMP, GAMMA2 - BETA);
    }
    if (reject != 0) continue;
    // Step 25: ⟨⟨ct0⟩⟩ ← NTT^−1(ĉ ∘ t̂0); step 26: h ← MakeHint(−ct0, w − cs2 + ct0);
    // step 28: ‖ct0‖∞ ≥ γ2 or more than ω ones in h rejects.
    let ones = 0;
    for (let r = 0; r < K; r++) {
      pointwise(CT0(r), C, T0(r), true);
      invNtt(CT0(r));
      centeredAll(CT0(r));
      reject |= normAtLeast(CT0(r), GAMMA2);
      add(TMP, R(r), CT0(r));
      ones += makeHint(HH(r), TMP, R(r));
    }
    if (reject != 0 || ones > OMEGA) continue;
    // Step 33: σ ← sigEncode(c̃, z mod± q, h) (Algorithm 26).
    memory.copy(OUT, B_CT, CTILDE_BYTES);
    for (let r = 0; r < L; r++) bitPack(Z(r), GAMMA1, 20, OUT + 48 + <usize>(640 * r));
    hintBitPack(OUT + 48 + 640 * 5);
    return 0;
  }
  return -1;
}

/** HintBitPack (Algorithm 20) of HH into ω + k bytes at `y`. */
function hintBitPack(y: usize): void {
  memory.fill(y, 0, OMEGA + K);
  let index = 0;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < 256; j++) {
      if (load<i32>(HH(i) + (<usize>j << 2)) != 0) {
        store<u8>(y + <usize>index, <u8>j);
        index++;
      }
    }
    store<u8>(y + <usize>(OMEGA + i), <u8>index);
  }
}

/** HintBitUnpack (Algorithm 21) of ω + k bytes at `y` into HH; returns false (⊥) for a malformed encoding. */
function hintBitUnpack(y: usize): bool {
  for (let i = 0; i < K; i++) memory.fill(HH(i), 0, 1024);
  let index = 0;
  for (let i = 0; i < K; i++) {
    const end = <i32>load<u8>(y + <usize>(OMEGA + i));
    if (end < index || end > OMEGA) return false; // step 4
    const first = index;
    while (index < end) {
      if (index > first && load<u8>(y + <usize>(index - 1)) >= load<u8>(y + <usize>index)) return false; // steps 8–9
      store<i32>(HH(i) + (<usize>load<u8>(y + <usize>index) << 2), 1);
      index++;
    }
  }
  for (let i = index; i < OMEGA; i++) if (load<u8>(y + <usize>i) != 0) return false; // steps 16–19
  return true;
}

/** ML-DSA.Verify_internal (Algorithm 8) from μ. IN: pk (1952) ‖ μ (64) ‖ σ (3309). Returns 1 when valid, else 0. */
export function mldsaVerify(): i32 {
  const pk = IN, mu = IN + PK_BYTES, sig = IN + PK_BYTES + 64;
  // Step 1: (ρ, t1) ← pkDecode(pk) (Algorithm 23); t1 in W1.
  for (let r = 0; r < K; r++) unpackBits(pk + 32 + <usize>(320 * r), 10, W1(r));
  // Step 2: (c̃, z, h) ← sigDecode(σ) (Algorithm 27); step 3: h = ⊥ rejects.
  let tooBig = 0;
  for (let r = 0; r < L; r++) {
    bitUnpack(sig + 48 + <usize>(640 * r), GAMMA1, 20, Z(r));
    tooBig |= normAtLeast(Z(r), GAMMA1 - BETA); // step 13, first conjunct
  }
  if (!hintBitUnpack(sig + 48 + 640 * 5)) return 0;
  if (tooBig != 0) return 0;
  expandA(pk); // step 5
  challenge(sig); // step 8: c ← SampleInBall(c̃)
  // Step 9: w′_Approx ← NTT^−1(Â ∘ NTT(z) − NTT(c) ∘ NTT(t1 · 2^d)); step 10: w1′ ← UseHint(h, w′_Approx).
  for (let s = 0; s < L; s++) { copy(YH(s), Z(s)); ntt(YH(s)); }
  for (let r = 0; r < K; r++) {
    shiftD(TMP, W1(r));
    ntt(TMP);
    for (let s = 0; s < L; s++) pointwise(W(r), A(r, s), YH(s), s == 0);
    pointwise(TMP2, C, TMP, true);
    sub(W(r), W(r), TMP2);
    invNtt(W(r));
    useHint(R(r), HH(r), W(r));
  }
  commitmentHash(mu, R(0), B_CT2); // step 12: c̃′ ← H(μ‖w1Encode(w1′), λ/4)
  let diff = 0;
  for (let i: usize = 0; i < <usize>CTILDE_BYTES; i++) diff |= <i32>(load<u8>(sig + i) ^ load<u8>(B_CT2 + i));
  return diff == 0 ? 1 : 0; // step 13
}
