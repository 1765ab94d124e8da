/**
 * SHA-256 and HMAC-SHA-256, synchronous (Node: OpenSSL). In a browser use `digest` / `hmacSha256` of `./platform`
 * (WebCrypto is asynchronous); these throw there.
 */
import { platform } from "#platform";
import { abytes } from "./_validate.js";

/** SHA-256 (FIPS 180-4) lengths in bytes. */
export const lengths = { digest: 32, block: 64 } as const;

/**
 * SHA-256 (FIPS 180-4 §6.2).
 * @param message any length
 * @returns 32-byte digest
 */
export function sha256(message: Uint8Array): Uint8Array {
  abytes(message, undefined, "message");
  return new Uint8Array(platform.nodeCrypto().createHash("sha256").update(message).digest());
}

/**
 * HMAC-SHA-256 (RFC 2104 / FIPS 198-1).
 * @param key any length (keys longer than 64 bytes are hashed first, per RFC 2104)
 * @param message any length
 * @returns 32-byte MAC
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(key, undefined, "key");
  abytes(message, undefined, "message");
  return new Uint8Array(platform.nodeCrypto().createHmac("sha256", key).update(message).digest());
}
