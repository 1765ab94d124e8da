/**
 * The one module that owns a PQC instance's WebAssembly memory (STYLE practice 7), like `_core.ts` for the symmetric
 * core. Every public method checks its inputs, copies them into the fixed input window, calls the module, copies the
 * results out into fresh `Uint8Array`s, and wipes the module's work area and the used I/O window in `finally`:
 * callers never see a pointer or a view of WASM memory, inputs are never written to, and no seed, secret key, shared
 * secret or intermediate value stays in WASM memory after a call returns or throws.
 */
import { abytes } from "./_core.js";

/** The ABI exported by assembly/pqc/index.ts. */
export interface PqcExports {
  memory: WebAssembly.Memory;
  ioPtr(): number;
  ioHalf(): number;
  simd(): number;
  wipe(ioLen: number, polys: number): void;
  keccakStart(kind: number): number;
  keccakAbsorb(len: number): void;
  keccakSqueeze(len: number): void;
  mlkemKeyGen(): number;
  mlkemEncaps(): number;
  mlkemDecaps(): number;
  mlkemCheckEk(): number;
  mlkemCheckDk(): number;
  mldsaKeyGen(): number;
  mldsaSign(): number;
  mldsaVerify(): number;
}

/**
 * Thrown when a key fails a standard's input check (FIPS 203 §7.2 modulus check, §7.3 hash check). Recognise it by
 * `code === "INVALID_KEY"` (the code `@openkms/crypto` uses for invalid keys).
 */
export class InvalidKeyError extends Error {
  readonly code = "INVALID_KEY" as const;
  constructor(message: string) {
    super(message);
    this.name = "InvalidKeyError";
  }
}

/** ML-KEM-768 byte lengths (FIPS 203 Table 3): ek 1184, dk 2400, ciphertext 1088, shared secret 32, seed d‖z 64. */
export const ML_KEM_768 = {
  encapsulationKey: 1184,
  decapsulationKey: 2400,
  ciphertext: 1088,
  sharedSecret: 32,
  seed: 64,
  message: 32,
} as const;

/**
 * ML-DSA-65 byte lengths (FIPS 204 Table 2): public key 1952, secret key 4032, signature 3309; key-generation seed ξ
 * 32, signing randomness rnd 32, message representative μ 64; a context string is at most 255 bytes.
 */
export const ML_DSA_65 = {
  publicKey: 1952,
  secretKey: 4032,
  signature: 3309,
  seed: 32,
  rnd: 32,
  mu: 64,
  maxContext: 255,
} as const;

const KECCAK = { "SHA3-256": 1, "SHA3-512": 2, SHAKE128: 3, SHAKE256: 4 } as const;
type KeccakKind = keyof typeof KECCAK;

/** Polynomial slots (1 KiB each) of the work area that ML-KEM uses; ML-DSA uses all of them. */
const KEM_POLYS = 25;
export const ALL_POLYS = 112;

/** One instantiated PQC module (scalar or SIMD128 build) and the JS side of its ABI. */
export class PqcCore {
  /** True when this instance is the SIMD128 build. */
  readonly simd: boolean;
  readonly #e: PqcExports;
  readonly #mem: Uint8Array; // memory never grows: one view for the instance's lifetime
  readonly #in: number;
  readonly #out: number;
  readonly #half: number;

  constructor(exports: PqcExports) {
    this.#e = exports;
    this.#mem = new Uint8Array(exports.memory.buffer);
    this.#in = exports.ioPtr();
    this.#half = exports.ioHalf();
    this.#out = this.#in + this.#half;
    this.simd = exports.simd() !== 0;
  }

  /** Copies `parts` one after another into the input window. */
  #put(...parts: Uint8Array[]): void {
    let off = this.#in;
    for (const p of parts) {
      this.#mem.set(p, off);
      off += p.length;
    }
  }

  #get(offset: number, length: number): Uint8Array {
    return this.#mem.slice(this.#out + offset, this.#out + offset + length);
  }

  #wipe(polys: number): void {
    this.#e.wipe(2 * this.#half, polys);
  }

  // ---- SHA-3 / SHAKE (FIPS 202) ----

  /** Absorbs `data` in chunks of the input window into the exported sponge. */
  #absorb(data: Uint8Array): void {
    for (let off = 0; off < data.length; off += this.#half) {
      const n = Math.min(this.#half, data.length - off);
      this.#mem.set(data.subarray(off, off + n), this.#in);
      this.#e.keccakAbsorb(n);
    }
  }

  #squeeze(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let off = 0; off < length; off += this.#half) {
      const n = Math.min(this.#half, length - off);
      this.#e.keccakSqueeze(n);
      out.set(this.#mem.subarray(this.#out, this.#out + n), off);
    }
    return out;
  }

  #keccak(kind: KeccakKind, parts: readonly Uint8Array[], outLength: number): Uint8Array {
    parts.forEach((p, i) => abytes(p, undefined, i === 0 ? "message" : `part ${i}`));
    if (!Number.isSafeInteger(outLength) || outLength < 0) {
      throw new RangeError(`"outputLength" expected a non-negative integer, got ${outLength}`);
    }
    try {
      this.#e.keccakStart(KECCAK[kind]);
      for (const p of parts) this.#absorb(p);
      return this.#squeeze(outLength);
    } finally {
      this.#wipe(0);
    }
  }

  /** SHA3-256 (FIPS 202 §6.1) of `message` (any length) → 32 bytes. */
  sha3_256(message: Uint8Array): Uint8Array {
    return this.#keccak("SHA3-256", [message], 32);
  }

  /** SHA3-512 (FIPS 202 §6.1) of `message` (any length) → 64 bytes. */
  sha3_512(message: Uint8Array): Uint8Array {
    return this.#keccak("SHA3-512", [message], 64);
  }

  /** SHAKE128 (FIPS 202 §6.2) of `message` → `outputLength` bytes. */
  shake128(message: Uint8Array, outputLength: number): Uint8Array {
    return this.#keccak("SHAKE128", [message], outputLength);
  }

  /** SHAKE256 (FIPS 202 §6.2) of `message` → `outputLength` bytes. */
  shake256(message: Uint8Array, outputLength: number): Uint8Array {
    return this.#keccak("SHAKE256", [message], outputLength);
  }

  /** SHAKE256 of the concatenation of `parts` (absorbed one after another, never joined in JS memory). */
  shake256Parts(parts: readonly Uint8Array[], outputLength: number): Uint8Array {
    return this.#keccak("SHAKE256", parts, outputLength);
  }

  // ---- ML-KEM-768 (FIPS 203) ----

  /**
   * ML-KEM.KeyGen_internal(d, z) (FIPS 203 Algorithm 16).
   * @param d 32-byte seed; @param z 32-byte implicit-rejection seed
   * @returns encapsulation key (1184 B) and decapsulation key (2400 B)
   */
  mlKem768KeyGen(d: Uint8Array, z: Uint8Array): { encapsulationKey: Uint8Array; decapsulationKey: Uint8Array } {
    abytes(d, 32, "d");
    abytes(z, 32, "z");
    try {
      this.#put(d, z);
      this.#e.mlkemKeyGen();
      return { encapsulationKey: this.#get(0, ML_KEM_768.encapsulationKey), decapsulationKey: this.#get(ML_KEM_768.encapsulationKey, ML_KEM_768.decapsulationKey) };
    } finally {
      this.#wipe(KEM_POLYS);
    }
  }

  /**
   * ML-KEM.Encaps_internal(ek, m) (FIPS 203 Algorithm 17) after the input checks of §7.2 (type check: 1184 bytes;
   * modulus check). @param m the 32-byte random message (FIPS 203 Algorithm 20 step 1 draws it)
   * @returns ciphertext (1088 B) and shared secret K (32 B)
   * @throws RangeError on a wrong length; InvalidKeyError when ek fails the modulus check
   */
  mlKem768Encaps(encapsulationKey: Uint8Array, m: Uint8Array): { ciphertext: Uint8Array; sharedSecret: Uint8Array } {
    abytes(encapsulationKey, ML_KEM_768.encapsulationKey, "encapsulationKey");
    abytes(m, 32, "m");
    try {
      this.#put(encapsulationKey, m);
      if (this.#e.mlkemEncaps() !== 0) throw new InvalidKeyError("ML-KEM encapsulation key fails the modulus check (FIPS 203 §7.2)");
      return { ciphertext: this.#get(0, ML_KEM_768.ciphertext), sharedSecret: this.#get(ML_KEM_768.ciphertext, 32) };
    } finally {
      this.#wipe(KEM_POLYS);
    }
  }

  /**
   * ML-KEM.Decaps_internal(dk, c) (FIPS 203 Algorithm 18) after the input checks of §7.3 (ciphertext 1088 bytes,
   * dk 2400 bytes, hash check). A ciphertext that does not re-encrypt identically yields the implicit-rejection
   * key J(z‖c), never an error.
   * @returns the 32-byte shared secret
   * @throws RangeError on a wrong length; InvalidKeyError when dk fails the hash check
   */
  mlKem768Decaps(decapsulationKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    abytes(decapsulationKey, ML_KEM_768.decapsulationKey, "decapsulationKey");
    abytes(ciphertext, ML_KEM_768.ciphertext, "ciphertext");
    try {
      this.#put(decapsulationKey, ciphertext);
      if (this.#e.mlkemDecaps() !== 0) throw new InvalidKeyError("ML-KEM decapsulation key fails the hash check (FIPS 203 §7.3)");
      return this.#get(0, 32);
    } finally {
      this.#wipe(KEM_POLYS);
    }
  }

  /** FIPS 203 §7.2 encapsulation-key check (type and modulus): true when `encapsulationKey` passes. */
  mlKem768CheckEncapsulationKey(encapsulationKey: Uint8Array): boolean {
    abytes(encapsulationKey, undefined, "encapsulationKey");
    if (encapsulationKey.length !== ML_KEM_768.encapsulationKey) return false;
    try {
      this.#put(encapsulationKey);
      return this.#e.mlkemCheckEk() === 0;
    } finally {
      this.#wipe(KEM_POLYS);
    }
  }

  /** FIPS 203 §7.3 decapsulation-key check (type and hash): true when `decapsulationKey` passes. */
  mlKem768CheckDecapsulationKey(decapsulationKey: Uint8Array): boolean {
    abytes(decapsulationKey, undefined, "decapsulationKey");
    if (decapsulationKey.length !== ML_KEM_768.decapsulationKey) return false;
    try {
      this.#put(decapsulationKey);
      return this.#e.mlkemCheckDk() === 0;
    } finally {
      this.#wipe(KEM_POLYS);
    }
  }

  // ---- ML-DSA-65 (FIPS 204) ----

  /**
   * ML-DSA.KeyGen_internal(ξ) (FIPS 204 Algorithm 6).
   * @param seed ξ, 32 bytes
   * @returns public key (1952 B) and secret key (4032 B)
   */
  mlDsa65KeyGen(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
    abytes(seed, ML_DSA_65.seed, "seed");
    try {
      this.#put(seed);
      this.#e.mldsaKeyGen();
      return { publicKey: this.#get(0, ML_DSA_65.publicKey), secretKey: this.#get(ML_DSA_65.publicKey, ML_DSA_65.secretKey) };
    } finally {
      this.#wipe(ALL_POLYS);
    }
  }

  /**
   * ML-DSA.Sign_internal (FIPS 204 Algorithm 7) from the message representative μ (the "external μ" interface).
   * @param secretKey 4032 bytes; @param mu 64 bytes; @param rnd 32 bytes (all zero for the deterministic variant)
   * @returns the 3309-byte signature
   * @throws RangeError on a wrong length; InvalidKeyError for a secret key that KeyGen cannot have produced
   */
  mlDsa65SignMu(secretKey: Uint8Array, mu: Uint8Array, rnd: Uint8Array): Uint8Array {
    abytes(secretKey, ML_DSA_65.secretKey, "secretKey");
    abytes(mu, ML_DSA_65.mu, "mu");
    abytes(rnd, ML_DSA_65.rnd, "rnd");
    try {
      this.#put(secretKey, mu, rnd);
      const rc = this.#e.mldsaSign();
      if (rc === -2) throw new InvalidKeyError("ML-DSA secret key has s1 or s2 coefficients outside [−η, η]");
      if (rc !== 0) throw new Error("ML-DSA signing did not finish within its iteration bound");
      return this.#get(0, ML_DSA_65.signature);
    } finally {
      this.#wipe(ALL_POLYS);
    }
  }

  /**
   * ML-DSA.Verify_internal (FIPS 204 Algorithm 8) from μ.
   * @returns true when `signature` is valid; false for any other signature, including one of the wrong length
   * @throws RangeError when the public key or μ has the wrong length
   */
  mlDsa65VerifyMu(publicKey: Uint8Array, mu: Uint8Array, signature: Uint8Array): boolean {
    abytes(publicKey, ML_DSA_65.publicKey, "publicKey");
    abytes(mu, ML_DSA_65.mu, "mu");
    abytes(signature, undefined, "signature");
    if (signature.length !== ML_DSA_65.signature) return false;
    try {
      this.#put(publicKey, mu, signature);
      return this.#e.mldsaVerify() === 1;
    } finally {
      this.#wipe(ALL_POLYS);
    }
  }

  /** μ ← H(BytesToBits(tr)‖M′, 64) (FIPS 204 Algorithm 7 step 6) with M′ given as parts. */
  #mu(tr: Uint8Array, mPrime: readonly Uint8Array[]): Uint8Array {
    return this.shake256Parts([tr, ...mPrime], ML_DSA_65.mu);
  }

  /** M′ prefix of the pure interface: IntegerToBytes(0, 1) ‖ IntegerToBytes(|ctx|, 1) ‖ ctx (FIPS 204 Algorithm 2 step 10). */
  #pureParts(message: Uint8Array, context: Uint8Array): Uint8Array[] {
    abytes(message, undefined, "message");
    abytes(context, undefined, "context");
    return [Uint8Array.of(0, context.length), context, message];
  }

  /**
   * ML-DSA.Sign (FIPS 204 Algorithm 2, pure): M′ = 0 ‖ |ctx| ‖ ctx ‖ M, then Sign_internal with tr from the secret key.
   * @param message any length; @param context 0–255 bytes; @param rnd 32 bytes (fresh random for the hedged
   * variant, all zero for the deterministic one)
   * @returns the 3309-byte signature
   * @throws RangeError when the context is longer than 255 bytes or a length is wrong
   */
  mlDsa65Sign(secretKey: Uint8Array, message: Uint8Array, context: Uint8Array, rnd: Uint8Array): Uint8Array {
    abytes(secretKey, ML_DSA_65.secretKey, "secretKey");
    const parts = this.#pureParts(message, context);
    if (context.length > ML_DSA_65.maxContext) throw new RangeError(`"context" expected at most 255 bytes, got ${context.length}`);
    abytes(rnd, ML_DSA_65.rnd, "rnd");
    const mu = this.#mu(secretKey.subarray(64, 128), parts);
    return this.mlDsa65SignMu(secretKey, mu, rnd);
  }

  /** ML-DSA.Sign_internal (FIPS 204 Algorithm 7) on a caller-formatted M′ (used by HashML-DSA and by ACVP). */
  mlDsa65SignInternal(secretKey: Uint8Array, mPrime: Uint8Array, rnd: Uint8Array): Uint8Array {
    abytes(secretKey, ML_DSA_65.secretKey, "secretKey");
    abytes(mPrime, undefined, "mPrime");
    abytes(rnd, ML_DSA_65.rnd, "rnd");
    return this.mlDsa65SignMu(secretKey, this.#mu(secretKey.subarray(64, 128), [mPrime]), rnd);
  }

  /**
   * ML-DSA.Verify (FIPS 204 Algorithm 3, pure): tr = H(pk, 64), μ = H(tr ‖ 0 ‖ |ctx| ‖ ctx ‖ M, 64), Verify_internal.
   * @returns true when valid; false otherwise, including a context longer than 255 bytes (Algorithm 3 steps 1–2)
   * @throws RangeError when the public key has the wrong length
   */
  mlDsa65Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, context: Uint8Array): boolean {
    abytes(publicKey, ML_DSA_65.publicKey, "publicKey");
    const parts = this.#pureParts(message, context);
    abytes(signature, undefined, "signature");
    if (context.length > ML_DSA_65.maxContext || signature.length !== ML_DSA_65.signature) return false;
    const tr = this.shake256(publicKey, 64);
    return this.mlDsa65VerifyMu(publicKey, this.#mu(tr, parts), signature);
  }

  /** ML-DSA.Verify_internal (FIPS 204 Algorithm 8) on a caller-formatted M′. */
  mlDsa65VerifyInternal(publicKey: Uint8Array, mPrime: Uint8Array, signature: Uint8Array): boolean {
    abytes(publicKey, ML_DSA_65.publicKey, "publicKey");
    abytes(mPrime, undefined, "mPrime");
    abytes(signature, undefined, "signature");
    if (signature.length !== ML_DSA_65.signature) return false;
    return this.mlDsa65VerifyMu(publicKey, this.#mu(this.shake256(publicKey, 64), [mPrime]), signature);
  }
}
