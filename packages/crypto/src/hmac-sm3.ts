/**
 * HMAC-SM3 (RFC 2104 with SM3 as the hash, as in GM/T 0042-2015): key any length (keys over 64 B are hashed
 * first), message any length → 32-byte MAC.
 * Backend (see `./backend`): the WASM core by default; `node:crypto` (OpenSSL `createHmac("sm3")`) with `"node"`.
 */
import { platform } from "#platform";
import { abytes } from "./_validate.js";
import { engine } from "./backend.js";
import { constantTimeEqual } from "./constant-time.js";

/** HMAC-SM3 byte lengths: MAC 32 B, hash block 64 B; `minTag` is the shortest truncated tag {@link verifyHmacSm3} accepts. */
export const lengths = { mac: 32, block: 64, minTag: 16 } as const;

/**
 * HMAC-SM3 of `message` under `key`.
 * @returns the 32-byte MAC
 */
export function hmacSm3(key: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(key, undefined, "key");
  abytes(message, undefined, "message");
  const e = engine(false);
  if (e === "node") return new Uint8Array(platform.nodeCrypto().createHmac("sm3", key).update(message).digest());
  return e.hmacSm3(key, message);
}

/**
 * Verifies a (possibly truncated, RFC 2104 §5) HMAC-SM3 tag in constant time.
 * @param tag `lengths.minTag`..32 bytes: the leftmost bytes of the MAC
 * @returns true when `tag` matches
 * @throws RangeError when `tag` is shorter than 16 or longer than 32 bytes
 */
export function verifyHmacSm3(key: Uint8Array, message: Uint8Array, tag: Uint8Array): boolean {
  abytes(tag, undefined, "tag");
  if (tag.length < lengths.minTag || tag.length > lengths.mac) {
    throw new RangeError(`"tag" expected ${lengths.minTag}..${lengths.mac} bytes, got ${tag.length}`);
  }
  const mac = hmacSm3(key, message);
  const ok = constantTimeEqual(mac.subarray(0, tag.length), tag);
  mac.fill(0);
  return ok;
}
