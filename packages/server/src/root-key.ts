/**
 * Root of trust (SPEC §2): every piece of key material and every credential secret is stored only wrapped under the
 * root key with AES-256-GCM, AAD naming what is wrapped (e.g. key id + version), so a wrapped value cannot be moved
 * to another record.
 *
 * Sources: a 32-byte key file created at first start with mode 0600 (`<data-dir>/root.key`, base64 text), or the
 * `OPENKMS_ROOT_KEY` environment variable (base64 of 32 bytes), or a key inside a PKCS#11 token named by an RFC 7512 URI
 * (root-of-trust/pkcs11.ts; every wrap and unwrap then happens in the token). Wrapped format of the file/env root: 0x01 ‖ nonce(12) ‖ ciphertext ‖ tag(16).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { aes256Gcm } from "@openkms/crypto/aes-gcm";
import { isAuthenticationError } from "@openkms/crypto/aead";
import { randomBytes } from "@openkms/crypto/random";
import { wipe } from "@openkms/crypto/constant-time";
import { openPkcs11Root } from "./root-of-trust/pkcs11.js";
import { isPkcs11Uri } from "./root-of-trust/pkcs11-uri.js";

const WRAP_VERSION = 1;
const KEY_LENGTH = 32;

export interface RootOfTrust {
  /** Where the root key came from, for logs: `file:<path>` or `env:OPENKMS_ROOT_KEY`. Never the key. */
  readonly source: string;
  /**
   * True when the key lives in hardware (a PKCS#11 token). The server then keeps no unwrapped key material or signing
   * keys between requests, so every request that needs a key needs the token, and pulling it stops them at once.
   */
  readonly hardware?: boolean;
  /** Wrap `secret` bound to `label`; returns 1 + 12 + secret.length + 16 bytes. */
  wrap(secret: Uint8Array, label: string): Uint8Array;
  /** Unwrap; throws `RootKeyError` when the value was not wrapped by this root key under this label. */
  unwrap(wrapped: Uint8Array, label: string): Uint8Array;
  /** Zero the in-memory root key. */
  close(): void;
}

export class RootKeyError extends Error {
  override name = "RootKeyError";
}

/**
 * The root of trust cannot be reached right now (e.g. the PKCS#11 token was removed): the request fails with
 * `InternalError` and nothing changes; later calls try again.
 */
export class RootUnavailableError extends Error {
  override name = "RootUnavailableError";
}

function fromKey(key: Uint8Array, source: string): RootOfTrust {
  const enc = new TextEncoder();
  return {
    source,
    wrap(secret, label) {
      const nonce = randomBytes(12);
      const sealed = aes256Gcm.seal(key, nonce, secret, enc.encode(label));
      const out = new Uint8Array(1 + 12 + sealed.length);
      out[0] = WRAP_VERSION;
      out.set(nonce, 1);
      out.set(sealed, 13);
      return out;
    },
    unwrap(wrapped, label) {
      if (wrapped.length < 1 + 12 + 16 || wrapped[0] !== WRAP_VERSION) throw new RootKeyError(`wrapped value for ${label} is malformed`);
      try {
        return aes256Gcm.open(key, wrapped.subarray(1, 13), wrapped.subarray(13), enc.encode(label));
      } catch (e) {
        if (isAuthenticationError(e)) throw new RootKeyError(`wrapped value for ${label} does not open under this root key`);
        throw e;
      }
    },
    close() {
      wipe(key);
    },
  };
}

function decodeKey(text: string, source: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = new Uint8Array(Buffer.from(trimmed, "base64"));
  if (bytes.length !== KEY_LENGTH || Buffer.from(bytes).toString("base64") !== trimmed) {
    throw new RootKeyError(`${source}: expected base64 of ${KEY_LENGTH} bytes`);
  }
  return bytes;
}

export interface RootKeyOptions {
  /** Path of the key file; created (0600) when missing and no `envValue` is given. */
  keyFile: string;
  /** Value of OPENKMS_ROOT_KEY, when set: takes precedence over the file. */
  envValue?: string | undefined;
  /**
   * `--root-key` / OPENKMS_ROOT_KEY_URI: a PKCS#11 URI (root-of-trust/pkcs11.ts) or `file:<path>` (a key file at that
   * path instead of `keyFile`). Takes precedence over `envValue` and `keyFile`.
   */
  uri?: string | undefined;
  /** Whether a missing key may be created (file) or generated in the token (PKCS#11). Default true. */
  create?: boolean;
}

/**
 * Load the root key, creating the key file on first start.
 * @returns the root of trust and whether the key file was created now
 * @throws RootKeyError when the env value or the file does not hold base64 of 32 bytes
 */
export function loadRootKey(opts: RootKeyOptions): { root: RootOfTrust; created: boolean } {
  if (opts.uri) {
    if (isPkcs11Uri(opts.uri)) return openPkcs11Root({ uri: opts.uri, create: opts.create ?? true });
    if (opts.uri.startsWith("file:")) return loadRootKey({ keyFile: opts.uri.slice("file:".length), create: opts.create });
    throw new RootKeyError(`--root-key must be a pkcs11: URI or file:<path>, got "${opts.uri.slice(0, 16)}…"`);
  }
  if (opts.envValue) return { root: fromKey(decodeKey(opts.envValue, "OPENKMS_ROOT_KEY"), "env:OPENKMS_ROOT_KEY"), created: false };
  if (existsSync(opts.keyFile)) {
    return { root: fromKey(decodeKey(readFileSync(opts.keyFile, "utf8"), opts.keyFile), `file:${opts.keyFile}`), created: false };
  }
  if (opts.create === false) throw new RootKeyError(`the root key file ${opts.keyFile} does not exist`);
  const key = randomBytes(KEY_LENGTH);
  writeFileSync(opts.keyFile, Buffer.from(key).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(opts.keyFile, 0o600);
  return { root: fromKey(key, `file:${opts.keyFile}`), created: true };
}

/** A root of trust over a given 32-byte key (tests, embedding). The key is copied. */
export function rootKeyFromBytes(key: Uint8Array, source = "memory"): RootOfTrust {
  if (key.length !== KEY_LENGTH) throw new RootKeyError(`root key must be ${KEY_LENGTH} bytes, got ${key.length}`);
  return fromKey(key.slice(), source);
}
