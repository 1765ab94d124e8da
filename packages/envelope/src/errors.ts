/**
 * Errors of `@openkms/envelope`. Bad arguments are `TypeError` / `RangeError` naming the field; everything about a
 * message (malformed, tampered, truncated, not openable) is an {@link EnvelopeError} with a stable `code`.
 */

/** The stable codes of {@link EnvelopeError}. */
export type EnvelopeErrorCode =
  /** Malformed or tampered bytes: a header or frame tag that does not verify, a bad field, data after the final frame. */
  | "InvalidCiphertext"
  /** The header's format version is not one this library reads. */
  | "UnsupportedVersion"
  /** The header's algorithm suite id is unknown. */
  | "UnsupportedSuite"
  /** The header (or a field of it) is larger than the format allows. */
  | "HeaderTooLarge"
  /** The header's frame length is outside 1 KiB..4 MiB, or a final frame claims more than the frame length. */
  | "FrameLengthOutOfRange"
  /** The input ended before the final frame (frames dropped, or the input cut short). */
  | "Truncated"
  /** `DecryptOptions.encryptionContext` names a pair the message's context does not hold. */
  | "ContextMismatch"
  /** The unwrapped data key does not match the header's key commitment. */
  | "CommitmentMismatch"
  /** No keyring could unwrap any of the message's encrypted data keys (the cause lists why). */
  | "NoDecryptableKey"
  /** A keyring failed to produce a data key for encryption (e.g. a KMS call failed; see `cause`). */
  | "KeyringFailure";

/** An error about a message or its keys; recognise it by `code` (see {@link EnvelopeErrorCode}). */
export class EnvelopeError extends Error {
  readonly code: EnvelopeErrorCode;
  constructor(code: EnvelopeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EnvelopeError";
    this.code = code;
  }
}

/** True when `err` is an {@link EnvelopeError} (also from another copy of this package), optionally of one code. */
export function isEnvelopeError(err: unknown, code?: EnvelopeErrorCode): err is EnvelopeError {
  if (typeof err !== "object" || err === null || (err as { name?: unknown }).name !== "EnvelopeError") return false;
  return code === undefined || (err as { code?: unknown }).code === code;
}
