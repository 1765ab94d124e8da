/**
 * The names the product gateway deals in, and their rules:
 * - a **product** (`--product`): who holds the tokens, e.g. `mariadb`; becomes the `ProductId` of the CMK's
 *   cloud-resource binding and the `Owner` of the data keys made for it;
 * - a **mount** (`--mount`): the path segment after `/v1/` (`http://host:port/v1/<mount>`), one per product instance;
 *   becomes the binding's `ResourceId`. `sys` is Vault's own and cannot be a mount;
 * - a key **name**: the segment after `/v1/<mount>/data/` — MariaDB asks for its numeric key ids (`1`, `2`, …).
 */

/** `[A-Za-z0-9_-]`, 1–32 characters, starting with a letter or digit; not `user` (the Owner of users' keys). */
export const PRODUCT_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
/** `[A-Za-z0-9_-]`, 1–40 characters, starting with a letter or digit; not `sys`. */
export const MOUNT_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
/** `[A-Za-z0-9_]`, 1–19 characters (no `-`: see {@link dataKeyNameOf}). MariaDB's key ids are 1–10 digits. */
export const KEY_NAME_RE = /^[A-Za-z0-9_]{1,19}$/;

/** Most key names one mount may hold (each is a hosted data key created on first read). */
export const MAX_KEYS_PER_MOUNT = 1000;

/** Most days between scheduled rotations (`--rotation-days`), as `EnableKeyRotation`'s RotateDays. */
export const MAX_ROTATION_DAYS = 365;

/** Why `value` is not a product name, or undefined when it is one. */
export function productProblem(value: string): string | undefined {
  if (!PRODUCT_RE.test(value)) return "a product name is 1-32 letters, digits, _ or -, starting with a letter or digit";
  return value === "user" ? "user is the owner of users' own keys and cannot be a product name" : undefined;
}

/** Why `value` is not a mount, or undefined when it is one. */
export function mountProblem(value: string): string | undefined {
  if (!MOUNT_RE.test(value)) return "a mount is 1-40 letters, digits, _ or -, starting with a letter or digit";
  if (value.toLowerCase() === "sys") return "sys is Vault's system path and cannot be a mount";
  return undefined;
}

/** Is `value` a key name a mount may hold? */
export const isKeyName = (value: string): boolean => KEY_NAME_RE.test(value);

/**
 * The hosted data key's `DataKeyName` (unique per account, 1–60 of `[A-Za-z0-9_-]`) for key `name` of `mount`:
 * `<mount>-<name>` — unambiguous, as a name has no `-` (the last `-` separates), and at most 40 + 1 + 19 = 60.
 */
export const dataKeyNameOf = (mount: string, name: string): string => `${mount}-${name}`;
