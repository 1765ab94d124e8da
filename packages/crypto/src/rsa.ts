/**
 * RSA key pairs (RFC 8017 §3) for OpenKMS: generation and the public key of a private key.
 * The schemes live beside this file, one per standard name: `rsaes-oaep.ts`, `rsaes-pkcs1v15.ts`, `rsassa-pss.ts`,
 * `rsassa-pkcs1v15.ts`.
 *
 * Key forms: secret key = PKCS#8 DER (RFC 5208), public key = SubjectPublicKeyInfo DER (RFC 5280, rsaEncryption).
 * Shapes for RSA-2048 (bytes): modulus / ciphertext / signature 256, SPKI 294, PKCS#8 ≈ 1190–1220.
 * Accepted modulus sizes: 2048..4096 bits (anything else → `InvalidKeyError`, code `INVALID_KEY`).
 */
import { createPublicKey, generateKeyPair as generateKeyPairCallback, generateKeyPairSync } from "node:crypto";
import { promisify } from "node:util";
import { MAX_BITS, MIN_BITS, privateKey } from "./_rsa.js";
import { aint } from "./_validate.js";

const generateKeyPairAsyncRaw = promisify(generateKeyPairCallback);

export { InvalidKeyError, isInvalidKeyError, DecryptionError, isDecryptionError } from "./_errors.js";

/** RSA-2048 byte lengths (`modulus` = k = ciphertext = signature length). */
export const lengths = Object.freeze({ modulus: 256, ciphertext: 256, signature: 256 });

/**
 * A new RSA key pair with public exponent 65537, from OpenSSL's generator (FIPS 186-5 §A.1.3-style primes).
 * @param bits modulus length, 2048 (default) .. 4096, multiple of 8
 * @returns `secretKey` PKCS#8 DER, `publicKey` SPKI DER
 */
export function generateKeyPair(bits = 2048): { secretKey: Uint8Array; publicKey: Uint8Array } {
  aint(bits, MIN_BITS, MAX_BITS, "bits");
  if (bits % 8 !== 0) throw new RangeError(`"bits" expected a multiple of 8, got ${bits}`);
  const { privateKey: sk, publicKey: pk } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 65537 });
  return {
    secretKey: new Uint8Array(sk.export({ type: "pkcs8", format: "der" })),
    publicKey: new Uint8Array(pk.export({ type: "spki", format: "der" })),
  };
}

/**
 * {@link generateKeyPair} without blocking the event loop: OpenSSL searches for primes on libuv's thread pool
 * (an RSA-2048 key takes tens to hundreds of milliseconds).
 * @param bits modulus size in bits (default 2048)
 * @returns PKCS#8 DER secret key and SPKI DER public key
 * @throws RangeError for an unsupported size
 */
export async function generateKeyPairAsync(bits = 2048): Promise<{ secretKey: Uint8Array; publicKey: Uint8Array }> {
  aint(bits, MIN_BITS, MAX_BITS, "bits");
  if (bits % 8 !== 0) throw new RangeError(`"bits" expected a multiple of 8, got ${bits}`);
  const { privateKey: sk, publicKey: pk } = await generateKeyPairAsyncRaw("rsa", { modulusLength: bits, publicExponent: 65537 });
  return {
    secretKey: new Uint8Array(sk.export({ type: "pkcs8", format: "der" })),
    publicKey: new Uint8Array(pk.export({ type: "spki", format: "der" })),
  };
}

/**
 * The public key of an RSA private key.
 * @param secretKey PKCS#8 DER
 * @returns SPKI DER
 * @throws InvalidKeyError when it is not an RSA PKCS#8 key of 2048..4096 bits
 */
export function getPublicKey(secretKey: Uint8Array): Uint8Array {
  return new Uint8Array(createPublicKey(privateKey(secretKey).key).export({ type: "spki", format: "der" }));
}

/** Modulus length in bits of a PKCS#8 private key (e.g. to check that a key is RSA-2048). */
export function modulusBits(secretKey: Uint8Array): number {
  return privateKey(secretKey).bits;
}
