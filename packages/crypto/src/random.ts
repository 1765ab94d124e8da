import { aint } from "./_validate.js";

/**
 * Cryptographically secure random bytes from the platform CSPRNG (`crypto.getRandomValues`, W3C WebCrypto: OpenSSL's
 * DRBG in Node, the browser's CSPRNG in a page).
 * @param length number of bytes, 0..65536
 * @returns a fresh `Uint8Array` of `length` bytes (never a pooled Buffer)
 * @throws RangeError when `length` is out of range
 */
export function randomBytes(length: number): Uint8Array {
  aint(length, 0, 65536, "length");
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}
