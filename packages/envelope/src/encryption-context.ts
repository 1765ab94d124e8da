/**
 * EncryptionContext of a message: string pairs bound to it (in the header, authenticated; and, with `KmsKeyring`, to
 * the KMS-wrapped data keys as the API's EncryptionContext). Stored in the server's canonical form, one definition
 * shared with it: `@openkms/crypto/encryption-context`.
 */
import { decodeEncryptionContext, encodeEncryptionContext, isWellFormedUnicode } from "@openkms/crypto/encryption-context";

/** The API's limit on the JSON text of an EncryptionContext, in UTF-16 units; the same limit applies here. */
export const MAX_CONTEXT_JSON_CHARS = 1024;

export interface CheckedContext {
  /** The pairs, as a plain object with own properties only. */
  readonly pairs: Record<string, string>;
  /** Canonical bytes (empty for no pairs). */
  readonly canonical: Uint8Array;
  /** Compact JSON text for the KMS API (undefined for no pairs). */
  readonly json: string | undefined;
}

/**
 * Validates an `encryptionContext` option and computes its canonical form.
 * @throws TypeError when it is not a plain object of string values; RangeError when a key or value holds a lone
 *   surrogate or its JSON text is over 1024 characters
 */
export function checkContext(value: unknown, field = "encryptionContext"): CheckedContext {
  if (value === undefined) return { pairs: {}, canonical: new Uint8Array(0), json: undefined };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`"${field}" expected an object of string values`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (typeof v !== "string") throw new TypeError(`"${field}" value of "${k}" expected a string, got ${typeof v}`);
    if (!isWellFormedUnicode(k) || !isWellFormedUnicode(v)) throw new RangeError(`"${field}" must be valid Unicode (no lone surrogates)`);
  }
  const pairs = Object.fromEntries(entries) as Record<string, string>;
  if (entries.length === 0) return { pairs, canonical: new Uint8Array(0), json: undefined };
  const json = JSON.stringify(pairs);
  if (json.length > MAX_CONTEXT_JSON_CHARS) {
    throw new RangeError(`"${field}" JSON text must be at most ${MAX_CONTEXT_JSON_CHARS} characters, got ${json.length}`);
  }
  return { pairs, canonical: encodeEncryptionContext(entries as [string, string][]), json };
}

/** The pairs of canonical bytes as a plain object, or undefined when the bytes are not canonical. */
export function contextFromCanonical(bytes: Uint8Array): Record<string, string> | undefined {
  const pairs = decodeEncryptionContext(bytes);
  return pairs && (Object.fromEntries(pairs) as Record<string, string>);
}

/** The compact JSON text of pairs for the KMS API, or undefined for none. */
export function contextJson(pairs: Record<string, string>): string | undefined {
  return Object.keys(pairs).length === 0 ? undefined : JSON.stringify(pairs);
}
