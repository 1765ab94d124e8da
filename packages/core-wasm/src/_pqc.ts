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
}


