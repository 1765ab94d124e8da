import { randomFillSync } from "node:crypto";
import { aint } from "./_validate.js";

/**
 * Cryptographically secure random bytes from the platform CSPRNG (`node:crypto`, OpenSSL's DRBG).
 * @param length number of bytes, 0..65536
 * @returns a fresh `Uint8Array` of `length` bytes (never a pooled Buffer)
 * @throws RangeError when `length` is out of range
 */
export function randomBytes(length: number): Uint8Array {
  aint(length, 0, 65536, "length");
  const out = new Uint8Array(length);
  randomFillSync(out);
  return out;
}
