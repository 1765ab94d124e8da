/**
 * Errors of the asymmetric primitives, recognised by `code` (no `instanceof` across packages, STYLE practice 11).
 * Wrong argument types or lengths stay `TypeError` / `RangeError` (see `_validate.ts`).
 */

/**
 * A ciphertext was rejected: malformed, off the curve, out of range, bad padding, or failed its integrity check.
 * Always the same message, whatever the cause, so that it cannot serve as a padding or format oracle.
 */
export class DecryptionError extends Error {
  readonly code = "DECRYPTION_FAILED" as const;
  constructor() {
    super("decryption failed");
    this.name = "DecryptionError";
  }
}

/** A key (bytes, DER or PEM) is malformed, of the wrong type, size or curve, or not a valid point/scalar. */
export class InvalidKeyError extends Error {
  readonly code = "INVALID_KEY" as const;
  constructor(message: string) {
    super(message);
    this.name = "InvalidKeyError";
  }
}

/** True for a {@link DecryptionError} from any copy of this package. */
export function isDecryptionError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "DECRYPTION_FAILED";
}

/** True for an {@link InvalidKeyError} from any copy of this package. */
export function isInvalidKeyError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "INVALID_KEY";
}
