/**
 * EncryptionContext (SPEC §2): a JSON object of string values, ≤ 1024 characters, bound to a ciphertext as AAD in a
 * canonical form so that key order and whitespace do not matter but `{"ab":"c"}` ≠ `{"a":"bc"}`.
 *
 * Canonical form: nothing for an absent or empty context; otherwise
 *   u32be(count) ‖ for each pair sorted by key in Unicode code point order: u32be(len k) ‖ UTF-8 k ‖ u32be(len v) ‖ UTF-8 v
 * The encoding itself lives in `@openkms/crypto/encryption-context` (one definition, shared with `@openkms/envelope`);
 * this module parses and limits the API's JSON text.
 */
import { encodeEncryptionContext } from "@openkms/crypto/encryption-context";
import { ErrorCode, KmsError } from "../errors.js";
import { isWellFormedUnicode } from "../protocol/params.js";

export const MAX_ENCRYPTION_CONTEXT_CHARS = 1024;

/**
 * Parse and canonicalise an EncryptionContext parameter.
 * @param value the parameter as sent (string) or undefined when absent
 * @param field parameter name for error messages
 * @returns canonical bytes (empty when absent or `{}`)
 * @throws KmsError `InvalidParameter` when it is not a JSON object of string values, names a key twice, holds a lone
 *   surrogate, or is over 1024 characters (UTF-16 code units, as JavaScript counts string length)
 */
export function canonicalEncryptionContext(value: string | undefined, field = "EncryptionContext"): Uint8Array {
  if (value === undefined || value === "") return new Uint8Array(0);
  if (value.length > MAX_ENCRYPTION_CONTEXT_CHARS) {
    throw new KmsError(ErrorCode.InvalidParameter, `${field} must be at most ${MAX_ENCRYPTION_CONTEXT_CHARS} characters, got ${value.length}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new KmsError(ErrorCode.InvalidParameter, `${field} must be a JSON object of string values`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new KmsError(ErrorCode.InvalidParameter, `${field} must be a JSON object of string values`);
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (typeof v !== "string") throw new KmsError(ErrorCode.InvalidParameter, `${field} value of "${k}" must be a string`);
    if (!isWellFormedUnicode(k) || !isWellFormedUnicode(v)) {
      throw new KmsError(ErrorCode.InvalidParameter, `${field} must be valid Unicode (no lone surrogates)`);
    }
  }
  // JSON.parse keeps the last of repeated keys; a context must name each key once, so that every reader of the same
  // text (a policy engine, an auditor) sees the same pairs. With only string values, the string tokens of the text
  // alternate key, value.
  const tokens = value.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  if (tokens.length !== entries.length * 2) {
    throw new KmsError(ErrorCode.InvalidParameter, `${field} must name each key once`);
  }
  return encodeEncryptionContext(entries as [string, string][]);
}
