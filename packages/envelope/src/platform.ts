/**
 * What the neutral core needs from its runtime, kept tiny so that each binding (Node: `node/platform.ts`,
 * WebCrypto: `web/platform.ts`) is a few lines. Every call that may be asynchronous (WebCrypto) returns a Promise.
 */

/**
 * AES-256-GCM (FIPS 197 in SP 800-38D) under one key: 12-byte nonces, 16-byte tags. The data is given and returned as
 * lists of parts so a binding that can process pieces (node:crypto) needs no copy to join them.
 */
export interface GcmKey {
  /** @returns ciphertext ‖ 16-byte tag, as parts in order (their concatenation is the sealed frame) */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /**
   * Verifies `tag` over `ciphertext` before returning anything.
   * @returns the plaintext parts (concatenated: the plaintext), only once the tag verified
   * @throws an `Error` with `code === "AUTHENTICATION_FAILED"` when the tag does not verify
   */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: readonly Uint8Array[], tag: Uint8Array): Promise<Uint8Array[]>;
  /** Zeroes the key bytes the binding holds (best effort: a WebCrypto key is opaque). Idempotent. */
  dispose(): void;
}

export interface Platform {
  readonly name: string;
  /** HKDF-SHA-256 (RFC 5869): `length` bytes (≤ 255·32) of OKM. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;
  /** An AES-256-GCM key from 32 bytes (the binding copies them; the caller may zero its copy at once). */
  aes256GcmKey(key: Uint8Array): Promise<GcmKey>;
}

import { webPlatform } from "./web/platform.js";

// WebCrypto unless an entry point chose otherwise (the Node entry sets node:crypto at import). A default rather than
// only an import side effect, so that a bundler dropping a side-effect import cannot leave the core without crypto.
let current: Platform = webPlatform;

/** Selects the runtime binding for all later calls (each entry point sets its own at import). */
export function setPlatform(p: Platform): void {
  current = p;
}

/** The runtime binding in use. */
export function platform(): Platform {
  return current;
}
