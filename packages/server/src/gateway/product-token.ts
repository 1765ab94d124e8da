/**
 * Product tokens: the credentials a product (MariaDB's key plugin) presents to the product gateway as `X-Vault-Token`.
 *
 * A token is 64 lower-case hex characters (32 random bytes, 256 bits). Its first {@link TOKEN_ID_LENGTH} characters are
 * its id — shown by `openkms admin`, written to the audit log, accepted by `revoke-product-token` — and OpenKMS keeps
 * only the id and the SHA-256 of the whole token (hex), so the token is shown once, when it is made, and a copy of
 * `openkms.db` does not give it away.
 */
import { sha256 } from "@openkms/crypto/sha256";
import { randomBytes } from "@openkms/crypto/random";
import { constantTimeEqual } from "@openkms/crypto/constant-time";

/** Characters of a token that form its id. */
export const TOKEN_ID_LENGTH = 8;

const TOKEN_RE = /^[0-9a-f]{64}$/;
const TOKEN_ID_RE = /^[0-9a-f]{8}$/;

/** A new token: 64 lower-case hex characters from 32 random bytes. */
export function newProductToken(): string {
  const bytes = randomBytes(32);
  const token = Buffer.from(bytes).toString("hex");
  bytes.fill(0);
  return token;
}

/** Is `value` shaped like a token (64 lower-case hex characters)? */
export const isProductToken = (value: string): boolean => TOKEN_RE.test(value);

/** Is `value` shaped like a token id (8 lower-case hex characters)? */
export const isProductTokenId = (value: string): boolean => TOKEN_ID_RE.test(value);

/** A token's id: its first 8 characters. */
export const productTokenId = (token: string): string => token.slice(0, TOKEN_ID_LENGTH);

/** SHA-256 of the token's UTF-8 bytes, 64 lower-case hex characters: what is stored. */
export function productTokenHash(token: string): string {
  return Buffer.from(sha256(new TextEncoder().encode(token))).toString("hex");
}

/** Does `token` hash to `storedHash`? Compares in constant time. */
export function productTokenMatches(token: string, storedHash: string): boolean {
  const a = new TextEncoder().encode(productTokenHash(token));
  const b = new TextEncoder().encode(storedHash);
  return a.length === b.length && constantTimeEqual(a, b);
}
