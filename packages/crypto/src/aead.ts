/**
 * The shape every AEAD primitive of this package has (AES-256-GCM, SM4-GCM, …).
 *
 * `seal` returns ciphertext ‖ tag (plaintext length + `lengths.tag` bytes); `open` takes the same and returns the
 * plaintext, or throws {@link AuthenticationError} when the tag does not verify (the plaintext is never released).
 */
export interface Aead {
  /** Algorithm name as the standard spells it, e.g. `"AES-256-GCM"`, `"SM4-GCM"`. */
  readonly name: string;
  /** Byte lengths: `key`, `nonce`, `tag`. */
  readonly lengths: { readonly key: number; readonly nonce: number; readonly tag: number };
  /**
   * Encrypt and authenticate.
   * @param key `lengths.key` bytes
   * @param nonce `lengths.nonce` bytes; never reuse one under the same key
   * @param plaintext any length ≥ 0
   * @param aad additional authenticated data, any length ≥ 0
   * @returns ciphertext ‖ tag, `plaintext.length + lengths.tag` bytes
   * @throws TypeError / RangeError on wrong types or lengths
   */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /**
   * Verify and decrypt.
   * @param sealed ciphertext ‖ tag, at least `lengths.tag` bytes
   * @returns the plaintext, `sealed.length - lengths.tag` bytes
   * @throws AuthenticationError when the tag does not match (constant-time compare); TypeError / RangeError on bad input
   */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
}

/**
 * An AEAD key prepared once for many messages (e.g. SM4-GCM: key schedule and GHASH key H computed at creation).
 * Same results as the {@link Aead} functions with the same key; `dispose()` zeroes the prepared state, after which
 * `seal` / `open` throw.
 */
export interface AeadKey {
  /** Algorithm name, as in {@link Aead.name}. */
  readonly name: string;
  /** Byte lengths: `key`, `nonce`, `tag`. */
  readonly lengths: { readonly key: number; readonly nonce: number; readonly tag: number };
  /** As {@link Aead.seal} without the key: nonce `lengths.nonce` bytes → ciphertext ‖ tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** As {@link Aead.open} without the key; throws {@link AuthenticationError} on a wrong tag. */
  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Zeroes the prepared key state; idempotent. */
  dispose(): void;
}

/** Thrown by {@link Aead.open} when authentication fails. Recognise it by `code === "AUTHENTICATION_FAILED"`. */
export class AuthenticationError extends Error {
  readonly code = "AUTHENTICATION_FAILED" as const;
  constructor(message = "authentication tag does not match") {
    super(message);
    this.name = "AuthenticationError";
  }
}

/** True when `err` is an {@link AuthenticationError} from any copy of this package (no `instanceof` across packages). */
export function isAuthenticationError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "AUTHENTICATION_FAILED";
}
