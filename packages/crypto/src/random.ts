import { aint } from "./_validate.js";

/** Requests of at most this many bytes (nonces, IVs, identifiers) are served from {@link pool}. */
const POOLED_MAX = 16;
const POOL_BYTES = 4096;
/** CSPRNG output fetched 4 KiB at a time; each byte is handed out once and zeroed as it is. */
let pool: Uint8Array | undefined;
let used = POOL_BYTES;

/**
 * Cryptographically secure random bytes from the platform CSPRNG (`crypto.getRandomValues`, W3C WebCrypto: OpenSSL's
 * DRBG in Node, the browser's CSPRNG in a page).
 *
 * Requests of up to 16 bytes (nonces, IVs) are served from a 4 KiB buffer of CSPRNG output refilled when used up
 * (one platform call per ~4 KiB instead of one per nonce, as Node's own `randomUUID` does); each byte is handed out
 * once and zeroed in the buffer as it is. Longer requests (key material) always come straight from the CSPRNG.
 * @param length number of bytes, 0..65536
 * @returns a fresh `Uint8Array` of `length` bytes (never a view of a shared buffer)
 * @throws RangeError when `length` is out of range
 */
export function randomBytes(length: number): Uint8Array {
  aint(length, 0, 65536, "length");
  const out = new Uint8Array(length);
  if (length > POOLED_MAX) {
    globalThis.crypto.getRandomValues(out);
    return out;
  }
  if (used + length > POOL_BYTES) {
    pool ??= new Uint8Array(POOL_BYTES);
    globalThis.crypto.getRandomValues(pool);
    used = 0;
  }
  out.set(pool!.subarray(used, used + length));
  pool!.fill(0, used, used + length);
  used += length;
  return out;
}
