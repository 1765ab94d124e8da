/**
 * ML-KEM-768 (FIPS 203), the module-lattice key-encapsulation mechanism at security category 3, on the WASM PQC core
 * (`@openkms/core-wasm/pqc`; SIMD128 build when the platform has it, see `./backend`).
 *
 * Byte lengths (FIPS 203 Table 3) are in `ml_kem768.lengths`: encapsulation key 1184, decapsulation key 2400,
 * ciphertext 1088, shared secret 32, key-generation seed d‖z 64.
 *
 * - `keygen(seed?)` — ML-KEM.KeyGen (Algorithm 19), or KeyGen_internal(d, z) (Algorithm 16) from a 64-byte seed d‖z
 *   (the seed form RFC 9935 stores as a private key).
 * - `encapsulate(encapsulationKey)` — ML-KEM.Encaps (Algorithm 20) with the §7.2 input checks (1184 bytes; modulus
 *   check); `m` may be given (32 bytes) for known-answer tests only.
 * - `decapsulate(decapsulationKey, ciphertext)` — ML-KEM.Decaps (Algorithm 21) with the §7.3 input checks
 *   (lengths; hash check). A forged ciphertext yields the implicit-rejection key, never an error.
 * - `encodePublicKey` / `parsePublicKey` — SPKI DER with id-alg-ml-kem-768 (2.16.840.1.101.3.4.4.2, RFC 9935).
 *
 * Errors: wrong type → TypeError, wrong length → RangeError (messages name field, expected, actual); a key that
 * fails its check → InvalidKeyError (`code === "INVALID_KEY"`). Seeds drawn here are wiped after use.
 */
import { pqcEngine, rethrowKeyError } from "./_pqc-engine.js";

/** Loads the post-quantum WASM module asynchronously; await it once before the first call in a browser. */
export { pqcReady as ready } from "./_pqc-engine.js";
import { encodePqcSpki, parsePqcSpki } from "./_pqc-spki.js";
import { abytes } from "./_validate.js";
import { randomBytes } from "./random.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

/** OID id-alg-ml-kem-768 (NIST CSOR, RFC 9935). */
export const OID_ML_KEM_768 = "2.16.840.1.101.3.4.4.2";

export interface MlKem768 {
  /** `"ML-KEM-768"` */
  readonly name: string;
  readonly lengths: {
    readonly encapsulationKey: 1184;
    readonly decapsulationKey: 2400;
    readonly ciphertext: 1088;
    readonly sharedSecret: 32;
    readonly seed: 64;
    /** SPKI DER of an encapsulation key */
    readonly spki: 1206;
  };
  /**
   * @param seed optional 64-byte d‖z (FIPS 203 Algorithm 16); drawn from the CSPRNG when absent
   * @returns encapsulation key (1184 B, public) and decapsulation key (2400 B, secret)
   */
  keygen(seed?: Uint8Array): { encapsulationKey: Uint8Array; decapsulationKey: Uint8Array };
  /**
   * @param encapsulationKey 1184 bytes
   * @param m optional 32-byte encapsulation randomness, for known-answer tests only (drawn from the CSPRNG otherwise)
   * @returns ciphertext (1088 B) and shared secret (32 B)
   * @throws InvalidKeyError when the key fails the modulus check
   */
  encapsulate(encapsulationKey: Uint8Array, m?: Uint8Array): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  /**
   * @param decapsulationKey 2400 bytes; @param ciphertext 1088 bytes
   * @returns the 32-byte shared secret (the implicit-rejection value J(z‖c) for a forged ciphertext)
   * @throws InvalidKeyError when the key fails the hash check
   */
  decapsulate(decapsulationKey: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  /** FIPS 203 §7.2 check of an encapsulation key (length and modulus). */
  checkEncapsulationKey(encapsulationKey: Uint8Array): boolean;
  /** FIPS 203 §7.3 check of a decapsulation key (length and hash). */
  checkDecapsulationKey(decapsulationKey: Uint8Array): boolean;
  /** SPKI DER (1206 B) of an encapsulation key. @throws InvalidKeyError when it fails the modulus check */
  encodePublicKey(encapsulationKey: Uint8Array): Uint8Array;
  /** The 1184-byte encapsulation key in SPKI DER. @throws InvalidKeyError for another algorithm, a malformed SPKI or a key failing the modulus check */
  parsePublicKey(spki: Uint8Array): Uint8Array;
}

const lengths = { encapsulationKey: 1184, decapsulationKey: 2400, ciphertext: 1088, sharedSecret: 32, seed: 64, spki: 1206 } as const;

/** ML-KEM-768 (FIPS 203). */
export const ml_kem768: MlKem768 = Object.freeze({
  name: "ML-KEM-768",
  lengths,
  keygen(seed?: Uint8Array) {
    if (seed !== undefined) abytes(seed, lengths.seed, "seed");
    const s = seed ?? randomBytes(lengths.seed);
    try {
      return pqcEngine().mlKem768KeyGen(s.subarray(0, 32), s.subarray(32, 64));
    } finally {
      if (seed === undefined) s.fill(0);
    }
  },
  encapsulate(encapsulationKey: Uint8Array, m?: Uint8Array) {
    abytes(encapsulationKey, lengths.encapsulationKey, "encapsulationKey");
    if (m !== undefined) abytes(m, 32, "m");
    const msg = m ?? randomBytes(32); // FIPS 203 Algorithm 20 step 1
    try {
      return pqcEngine().mlKem768Encaps(encapsulationKey, msg);
    } catch (err) {
      return rethrowKeyError(err);
    } finally {
      if (m === undefined) msg.fill(0);
    }
  },
  decapsulate(decapsulationKey: Uint8Array, ciphertext: Uint8Array) {
    abytes(decapsulationKey, lengths.decapsulationKey, "decapsulationKey");
    abytes(ciphertext, lengths.ciphertext, "ciphertext");
    try {
      return pqcEngine().mlKem768Decaps(decapsulationKey, ciphertext);
    } catch (err) {
      return rethrowKeyError(err);
    }
  },
  checkEncapsulationKey(encapsulationKey: Uint8Array) {
    return pqcEngine().mlKem768CheckEncapsulationKey(encapsulationKey);
  },
  checkDecapsulationKey(decapsulationKey: Uint8Array) {
    return pqcEngine().mlKem768CheckDecapsulationKey(decapsulationKey);
  },
  encodePublicKey(encapsulationKey: Uint8Array) {
    abytes(encapsulationKey, lengths.encapsulationKey, "encapsulationKey");
    if (!pqcEngine().mlKem768CheckEncapsulationKey(encapsulationKey)) return rethrowKeyError({ code: "INVALID_KEY", message: "ML-KEM-768 encapsulation key fails the modulus check" });
    return encodePqcSpki(OID_ML_KEM_768, encapsulationKey);
  },
  parsePublicKey(spki: Uint8Array) {
    const ek = parsePqcSpki(OID_ML_KEM_768, lengths.encapsulationKey, "ML-KEM-768", spki);
    if (!pqcEngine().mlKem768CheckEncapsulationKey(ek)) return rethrowKeyError({ code: "INVALID_KEY", message: "ML-KEM-768 encapsulation key fails the modulus check" });
    return ek;
  },
});
