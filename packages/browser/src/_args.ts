/**
 * Argument checks of the public functions: wrong types → `TypeError`, wrong sizes → `RangeError`, each naming the
 * field (`"publicKey"`, `"plaintext"`, …) so a caller sees which input is wrong. Never a silent `false`.
 */
import { isInvalidKeyError, parsePublicKeyPem, type PublicKeyInfo, type PublicKeyType } from "@openkms/crypto/public-key";

export function argsObject(value: unknown, fn: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null) throw new TypeError(`${fn} expected an object argument, got ${value === null ? "null" : typeof value}`);
  return value as Record<string, unknown>;
}

export function bytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${name}" expected Uint8Array, got ${value === null ? "null" : typeof value === "object" ? Object.prototype.toString.call(value) : typeof value}`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new TypeError(`"${name}" expected one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${typeof value === "string" ? `"${value}"` : typeof value}`);
  }
  return value as T;
}

/**
 * The PEM public key of field `publicKey`, of the type `algorithm` needs.
 * @throws TypeError naming `publicKey` when it is not a string, not a PEM `PUBLIC KEY`, malformed, or of another type
 */
export function publicKeyOf<T extends PublicKeyType>(value: unknown, expected: readonly T[], algorithm: string): Extract<PublicKeyInfo, { type: T }> {
  if (typeof value !== "string") throw new TypeError(`"publicKey" expected a PEM string, got ${value === null ? "null" : typeof value}`);
  let info: PublicKeyInfo;
  try {
    info = parsePublicKeyPem(value);
  } catch (err) {
    if (isInvalidKeyError(err)) throw new TypeError(`"publicKey" is not a usable PEM public key: ${(err as Error).message}`);
    throw err;
  }
  if (!(expected as readonly string[]).includes(info.type)) {
    throw new TypeError(`"publicKey" is an ${info.type} key; ${algorithm} needs ${expected.join(" or ")}`);
  }
  return info as Extract<PublicKeyInfo, { type: T }>;
}
