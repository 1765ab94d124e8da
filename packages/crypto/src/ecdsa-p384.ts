/**
 * ECDSA on NIST P-384 (secp384r1) with SHA-384, FIPS 186-5 §6.4 / SEC 1 v2 §4.1: Tencent's `ECDSA384_SHA384`
 * (KeyUsage `ASYMMETRIC_SIGN_VERIFY_ECDSA384`). Verifiable with `openssl dgst -sha384 -verify pub.pem -signature sig msg`.
 *
 * Shapes (bytes): secret key 48, public key 97 (0x04 ‖ x ‖ y), digest 48 (SHA-384), signature DER ≤ 105
 * (SEQUENCE{INTEGER r, INTEGER s}) or 96 as r ‖ s (IEEE P1363).
 * Errors: wrong types/lengths → `TypeError`/`RangeError`; invalid key → `InvalidKeyError` (code `INVALID_KEY`).
 * `verify*` return false for every bad signature, including any that is not strict DER. Node only (the hash is
 * OpenSSL's).
 */
import { p384 } from "@noble/curves/nist.js";
import { ecdsaScheme } from "./_ecdsa.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

const scheme = ecdsaScheme({ name: "P-384", curve: p384 as never, hash: "sha384", scalar: 48 });

/** ECDSA P-384 byte lengths. `signature` is r ‖ s; `signatureDer` is the longest DER signature. */
export const lengths = scheme.lengths;

/** A new random key pair: `secretKey` 48 B (d ∈ [1, n−1]), `publicKey` 97 B. */
export const generateKeyPair = scheme.generateKeyPair;
/** The 97-byte public key of a 48-byte secret key. @throws InvalidKeyError for d ∉ [1, n−1] */
export const getPublicKey = scheme.getPublicKey;
/** SHA-384 (FIPS 180-4 §6.5) of a message: the DIGEST input. */
export const sha384 = scheme.hash;
/** Sign a 48-byte SHA-384 digest (DIGEST mode, FIPS 186-5 §6.4.1 from step 2); DER ≤ 104 B. */
export const signDigest = scheme.signDigest;
/** Sign a RAW message: SHA-384 then {@link signDigest}. */
export const sign = scheme.sign;
/** Verify over a 48-byte digest (FIPS 186-5 §6.4.2); strict DER only. @throws InvalidKeyError for a key off the curve */
export const verifyDigest = scheme.verifyDigest;
/** Verify over a RAW message: SHA-384 then {@link verifyDigest}. */
export const verify = scheme.verify;
/** DER → r ‖ s (96 B). @throws RangeError when not strict DER with 1 ≤ r, s < n */
export const signatureToCompact = scheme.signatureToCompact;
/** r ‖ s (96 B) → DER. */
export const signatureFromCompact = scheme.signatureFromCompact;
