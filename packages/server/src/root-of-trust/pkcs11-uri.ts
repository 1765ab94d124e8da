/**
 * PKCS#11 URIs (RFC 7512) naming the root key in a token:
 * `pkcs11:token=<label>;object=<label>?module-path=<lib>&pin-source=<file>`.
 *
 * Path attributes (`;`-separated) used here: `token` (token label, required), `object` (key label, required);
 * `type` may be given and must be `secret-key`. Query attributes (`&`-separated): `module-path` (the PKCS#11 library,
 * required: there is no default module), `pin-source` (a file holding the user PIN, as a path or a `file:` URI) or
 * `pin-value` (the PIN itself, RFC 7512 §2.3 — it ends up in process lists and shell history: prefer `pin-source`).
 * Values are percent-decoded (RFC 7512 §2.3). Other standard attributes are accepted and ignored; unknown ones are
 * refused so a typo is not silently dropped.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export class Pkcs11UriError extends Error {
  override name = "Pkcs11UriError";
}

export interface Pkcs11Uri {
  /** CKA_LABEL of the token (CK_TOKEN_INFO.label, without its space padding). */
  token: string;
  /** CKA_LABEL of the root key object. */
  object: string;
  /** Path of the PKCS#11 module (shared library). */
  modulePath: string;
  /** The user PIN source: a file path (`pin-source`) or the value itself (`pin-value`). */
  pin: { source: string } | { value: string };
}

const PATH_ATTRS = new Set(["token", "object", "type", "id", "manufacturer", "model", "serial", "library-manufacturer", "library-description", "library-version", "slot-description", "slot-manufacturer", "slot-id"]);
const QUERY_ATTRS = new Set(["module-path", "module-name", "pin-source", "pin-value"]);

function decode(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new Pkcs11UriError(`PKCS#11 URI attribute ${name} is not valid percent-encoding`);
  }
}

function parseAttrs(part: string, sep: string, allowed: Set<string>, where: string): Map<string, string> {
  const out = new Map<string, string>();
  if (part === "") return out;
  for (const item of part.split(sep)) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Pkcs11UriError(`PKCS#11 URI ${where} attribute "${item}" is not name=value`);
    const name = item.slice(0, eq).toLowerCase();
    if (!allowed.has(name)) throw new Pkcs11UriError(`PKCS#11 URI: unknown ${where} attribute "${name}"`);
    if (out.has(name)) throw new Pkcs11UriError(`PKCS#11 URI: attribute "${name}" given twice`);
    out.set(name, decode(item.slice(eq + 1), name));
  }
  return out;
}

/** Whether `text` is a PKCS#11 URI (starts with `pkcs11:`, case-insensitive). */
export function isPkcs11Uri(text: string): boolean {
  return /^pkcs11:/i.test(text);
}

/**
 * Parse a PKCS#11 URI naming the root key.
 * @throws Pkcs11UriError naming the attribute that is missing, unknown, repeated or malformed
 */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (!isPkcs11Uri(uri)) throw new Pkcs11UriError(`a PKCS#11 URI starts with "pkcs11:", got "${uri.slice(0, 16)}…"`);
  const rest = uri.slice("pkcs11:".length);
  const q = rest.indexOf("?");
  const path = parseAttrs(q < 0 ? rest : rest.slice(0, q), ";", PATH_ATTRS, "path");
  const query = parseAttrs(q < 0 ? "" : rest.slice(q + 1), "&", QUERY_ATTRS, "query");
  const token = path.get("token");
  const object = path.get("object");
  const modulePath = query.get("module-path");
  if (!token) throw new Pkcs11UriError("PKCS#11 URI needs token=<label>");
  if (!object) throw new Pkcs11UriError("PKCS#11 URI needs object=<label> (the root key's label)");
  if (path.has("type") && path.get("type") !== "secret-key") throw new Pkcs11UriError(`PKCS#11 URI type must be secret-key, got ${path.get("type")}`);
  if (!modulePath) throw new Pkcs11UriError("PKCS#11 URI needs module-path=<PKCS#11 library>");
  const pinSource = query.get("pin-source");
  const pinValue = query.get("pin-value");
  if (pinSource && pinValue) throw new Pkcs11UriError("PKCS#11 URI: give pin-source or pin-value, not both");
  if (!pinSource && pinValue === undefined) throw new Pkcs11UriError("PKCS#11 URI needs pin-source=<file> (or pin-value)");
  return { token, object, modulePath, pin: pinSource ? { source: pinSource } : { value: pinValue! } };
}

/**
 * The user PIN named by the URI: `pin-value`, or the first line of the `pin-source` file.
 * @throws Pkcs11UriError when the file cannot be read or is empty
 */
export function readPin(uri: Pkcs11Uri): string {
  if ("value" in uri.pin) return uri.pin.value;
  const file = uri.pin.source.startsWith("file:") ? fileURLToPath(uri.pin.source) : uri.pin.source;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Pkcs11UriError(`cannot read the PIN file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const pin = text.split(/\r?\n/)[0] ?? "";
  if (pin === "") throw new Pkcs11UriError(`the PIN file ${file} is empty`);
  return pin;
}

/** The URI without its PIN value (for logs and error messages). */
export function redactedUri(uri: string): string {
  return uri.replace(/(pin-value=)[^&]*/i, "$1***");
}
