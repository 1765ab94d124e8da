/**
 * ML-DSA-65 (FIPS 204), the module-lattice digital signature algorithm at security category 3, on the WASM PQC core
 * (`@openkms/core-wasm/pqc`; SIMD128 build when the platform has it, see `./backend`).
 *
 * Byte lengths (FIPS 204 Table 2) are in `ml_dsa65.lengths`: public key 1952, secret key 4032, signature 3309,
 * key-generation seed ξ 32.
 *
 * - `keygen(seed?)` — ML-DSA.KeyGen (Algorithm 1), or KeyGen_internal(ξ) (Algorithm 6) from a 32-byte seed (the
 *   seed form RFC 9881 stores as a private key).
 * - `sign(secretKey, message, options?)` — ML-DSA.Sign (Algorithm 2), the pure interface with a context string
 *   (0–255 bytes, default empty). **Hedged by default** (32 fresh random bytes rnd); `deterministic: true` uses
 *   rnd = {0}^32 (FIPS 204 §3.4); `rnd` may be given for known-answer tests.
 * - `verify(publicKey, message, signature, options?)` — ML-DSA.Verify (Algorithm 3): true or false, never throws for
 *   a bad signature (wrong length, malformed hints, out-of-range z, wrong context all give false).
 * - `encodePublicKey` / `parsePublicKey` — SPKI DER with id-ml-dsa-65 (2.16.840.1.101.3.4.3.18, RFC 9881).
 *
 * Errors: wrong type → TypeError; wrong length or a context over 255 bytes when signing → RangeError; a secret key
 * KeyGen cannot have produced → InvalidKeyError (`code === "INVALID_KEY"`). Seeds and rnd drawn here are wiped.
 */
import { pqcEngine, rethrowKeyError } from "./_pqc-engine.js";

/** Loads the post-quantum WASM module asynchronously; await it once before the first call in a browser. */
export { pqcReady as ready } from "./_pqc-engine.js";
import { encodePqcSpki, parsePqcSpki } from "./_pqc-spki.js";
import { abytes } from "./_validate.js";
import { randomBytes } from "./random.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

/** OID id-ml-dsa-65 (NIST CSOR, RFC 9881). */
export const OID_ML_DSA_65 = "2.16.840.1.101.3.4.3.18";

export interface MlDsaSignOptions {
  /** Context string ctx, 0–255 bytes (FIPS 204 §5.2); default empty. */
  context?: Uint8Array;
  /** Use the deterministic variant (rnd = {0}^32). Default false: hedged. */
  deterministic?: boolean;
  /** 32 bytes of signing randomness, for known-answer tests only (exclusive with `deterministic`). */
  rnd?: Uint8Array;
}

export interface MlDsa65 {
  /** `"ML-DSA-65"` */
  readonly name: string;
  readonly lengths: {
    readonly publicKey: 1952;
    readonly secretKey: 4032;
    readonly signature: 3309;
    readonly seed: 32;
    readonly maxContext: 255;
    /** SPKI DER of a public key */
    readonly spki: 1974;
  };
  /** @param seed optional 32-byte ξ; drawn from the CSPRNG when absent. @returns public key 1952 B, secret key 4032 B */
  keygen(seed?: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
  /** @returns the 3309-byte signature of `message` (any length) */
  sign(secretKey: Uint8Array, message: Uint8Array, options?: MlDsaSignOptions): Uint8Array;
  /** @returns whether `signature` is a valid ML-DSA-65 signature of `message` under `publicKey` with `context` */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, options?: { context?: Uint8Array }): boolean;
  /** SPKI DER (1974 B) of a public key. */
  encodePublicKey(publicKey: Uint8Array): Uint8Array;
  /** The 1952-byte public key in SPKI DER. @throws InvalidKeyError for another algorithm or a malformed SPKI */
  parsePublicKey(spki: Uint8Array): Uint8Array;
}

const lengths = { publicKey: 1952, secretKey: 4032, signature: 3309, seed: 32, maxContext: 255, spki: 1974 } as const;
const EMPTY = new Uint8Array(0);

/** ML-DSA-65 (FIPS 204). */
export const ml_dsa65: MlDsa65 = Object.freeze({
  name: "ML-DSA-65",
  lengths,
  keygen(seed?: Uint8Array) {
    if (seed !== undefined) abytes(seed, lengths.seed, "seed");
    const s = seed ?? randomBytes(lengths.seed); // FIPS 204 Algorithm 1 step 1
    try {
      return pqcEngine().mlDsa65KeyGen(s);
    } finally {
      if (seed === undefined) s.fill(0);
    }
  },
  sign(secretKey: Uint8Array, message: Uint8Array, options: MlDsaSignOptions = {}) {
    abytes(secretKey, lengths.secretKey, "secretKey");
    abytes(message, undefined, "message");
    const context = options.context ?? EMPTY;
    abytes(context, undefined, "context");
    if (context.length > lengths.maxContext) throw new RangeError(`"context" expected at most 255 bytes, got ${context.length}`);
    if (options.rnd !== undefined) {
      abytes(options.rnd, 32, "rnd");
      if (options.deterministic) throw new TypeError(`"rnd" and "deterministic" are exclusive`);
    }
    // FIPS 204 Algorithm 2 steps 5–8: rnd ← B^32 (hedged) or {0}^32 (deterministic).
    const rnd = options.rnd ?? (options.deterministic ? new Uint8Array(32) : randomBytes(32));
    try {
      return pqcEngine().mlDsa65Sign(secretKey, message, context, rnd);
    } catch (err) {
      return rethrowKeyError(err);
    } finally {
      if (options.rnd === undefined) rnd.fill(0);
    }
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, options: { context?: Uint8Array } = {}) {
    abytes(publicKey, lengths.publicKey, "publicKey");
    abytes(message, undefined, "message");
    abytes(signature, undefined, "signature");
    const context = options.context ?? EMPTY;
    abytes(context, undefined, "context");
    return pqcEngine().mlDsa65Verify(publicKey, message, signature, context);
  },
  encodePublicKey(publicKey: Uint8Array) {
    abytes(publicKey, lengths.publicKey, "publicKey");
    return encodePqcSpki(OID_ML_DSA_65, publicKey);
  },
  parsePublicKey(spki: Uint8Array) {
    return parsePqcSpki(OID_ML_DSA_65, lengths.publicKey, "ML-DSA-65", spki);
  },
});
