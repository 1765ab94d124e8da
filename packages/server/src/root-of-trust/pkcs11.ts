/**
 * The root of trust in a PKCS#11 token (SPEC §2, issue 13): the root key is an AES-256 secret key generated inside
 * the token on first start (CKA_TOKEN, CKA_SENSITIVE, CKA_EXTRACTABLE false), and every wrap and unwrap of key
 * material is one CKM_AES_GCM C_Encrypt / C_Decrypt in the token (PKCS#11 v2.40 §2.10.4: 96-bit IV, 128-bit tag,
 * AAD = the label naming what is wrapped). The data dir and the database hold nothing that opens key material
 * without the token.
 *
 * Wrapped format: 0x02 ‖ IV(12) ‖ ciphertext ‖ tag(16) — the file/env root's 0x01 format with its own version byte,
 * so a value wrapped by one kind of root is never tried under the other.
 *
 * Failures: a token or key that cannot be found, or a PIN the token refuses, at start → {@link RootKeyError} (the
 * server refuses to start); the token going away while running → {@link RootUnavailableError} for that call (the
 * request is answered `InternalError`; the next call logs in again, so service resumes when the token is back).
 */
import { randomBytes } from "@openkms/crypto/random";
import pkcs11js from "pkcs11js";
import { RootKeyError, RootUnavailableError, type RootOfTrust } from "../root-key.js";
import { parsePkcs11Uri, readPin, type Pkcs11Uri } from "./pkcs11-uri.js";

export const PKCS11_WRAP_VERSION = 2;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_BYTES = 32;

type Handle = Buffer;

/** Cryptoki return values (PKCS#11 v2.40 §3.6) that mean "this ciphertext/tag is wrong", not "the token is gone". */
const BAD_CIPHERTEXT = new Set(["CKR_ENCRYPTED_DATA_INVALID", "CKR_ENCRYPTED_DATA_LEN_RANGE", "CKR_DATA_INVALID", "CKR_DATA_LEN_RANGE"]);

function cryptokiName(e: unknown): string {
  const msg = (e as Error)?.message ?? String(e);
  const m = /CKR_[A-Z_]+/.exec(msg);
  return m ? m[0] : msg;
}

function findToken(lib: pkcs11js.PKCS11, label: string): Handle | undefined {
  for (const slot of lib.C_GetSlotList(true)) {
    const info = lib.C_GetTokenInfo(slot);
    if (info.label.trimEnd() === label) return slot;
  }
  return undefined;
}

function findKey(lib: pkcs11js.PKCS11, session: Handle, label: string): Handle | undefined {
  lib.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_LABEL, value: label },
  ]);
  try {
    const found = lib.C_FindObjects(session, 2);
    if (found.length > 1) throw new RootKeyError(`PKCS#11 token holds more than one secret key labelled "${label}"`);
    return found[0];
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

function generateKey(lib: pkcs11js.PKCS11, session: Handle, label: string): Handle {
  return lib.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE_LEN, value: KEY_BYTES },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: Buffer.from(randomBytes(16)) },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_ENCRYPT, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: true },
    { type: pkcs11js.CKA_WRAP, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: false },
  ]);
}

/** Whether the key object may leave the token (it must not). */
function extractable(lib: pkcs11js.PKCS11, session: Handle, key: Handle): boolean {
  const [ext, sens] = lib.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_SENSITIVE }]);
  return Boolean(ext?.value?.[0]) || !sens?.value?.[0];
}

/**
 * One loaded, initialised module per path in this process, shared by every root opened on it (C_Initialize is
 * process-wide in PKCS#11, so one root's close must not finalize another's sessions); finalized with the last root.
 */
const modules = new Map<string, { lib: pkcs11js.PKCS11; users: number }>();

function acquireModule(path: string): pkcs11js.PKCS11 {
  const open = modules.get(path);
  if (open) {
    open.users++;
    return open.lib;
  }
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(path);
  } catch (e) {
    throw new RootKeyError(`cannot load the PKCS#11 module ${path}: ${(e as Error).message}`);
  }
  try {
    lib.C_Initialize();
  } catch (e) {
    if (cryptokiName(e) !== "CKR_CRYPTOKI_ALREADY_INITIALIZED") throw new RootKeyError(`PKCS#11 C_Initialize failed: ${cryptokiName(e)}`);
  }
  modules.set(path, { lib, users: 1 });
  return lib;
}

/** C_Finalize + C_Initialize: drop every session of the module and re-read its tokens. */
function reinitialize(lib: pkcs11js.PKCS11): void {
  try { lib.C_Finalize(); } catch { /* not initialised */ }
  lib.C_Initialize();
}

function releaseModule(path: string): void {
  const open = modules.get(path);
  if (!open || --open.users > 0) return;
  modules.delete(path);
  try { open.lib.C_Finalize(); } catch { /* already finalized */ }
}

export interface Pkcs11RootOptions {
  /** `pkcs11:token=…;object=…?module-path=…&pin-source=…` (RFC 7512). */
  uri: string;
  /** Generate the key in the token when it does not exist (the server's first start); false: it must exist. */
  create: boolean;
}

interface Connection {
  session: Handle;
  key: Handle;
}

/**
 * Open the root key in a PKCS#11 token, generating it (non-extractable) when `create` and it does not exist yet.
 * @returns the root of trust and whether the key was generated now
 * @throws Pkcs11UriError for a malformed URI; RootKeyError when the module cannot be loaded, the token is not
 *   present, the PIN is refused, the key is missing (and `create` is false) or the key is extractable
 */
export function openPkcs11Root(opts: Pkcs11RootOptions): { root: RootOfTrust; created: boolean } {
  const uri: Pkcs11Uri = parsePkcs11Uri(opts.uri);
  const pin = readPin(uri);
  const source = `pkcs11:token=${uri.token};object=${uri.object}`;
  const lib = acquireModule(uri.modulePath);
  let created = false;
  /** Open a session, log in and find the key. */
  const connect = (allowCreate: boolean): Connection => {
    const slot = findToken(lib, uri.token);
    if (!slot) throw new RootKeyError(`PKCS#11 token "${uri.token}" is not present (module ${uri.modulePath})`);
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      try {
        lib.C_Login(session, pkcs11js.CKU_USER, pin);
      } catch (e) {
        const name = cryptokiName(e);
        if (name !== "CKR_USER_ALREADY_LOGGED_IN") {
          throw new RootKeyError(name === "CKR_PIN_INCORRECT" || name === "CKR_PIN_LEN_RANGE"
            ? `PKCS#11 token "${uri.token}" refused the PIN` : `PKCS#11 login to token "${uri.token}" failed: ${name}`);
        }
      }
      let key = findKey(lib, session, uri.object);
      if (!key) {
        if (!allowCreate) throw new RootKeyError(`PKCS#11 token "${uri.token}" holds no secret key labelled "${uri.object}"`);
        key = generateKey(lib, session, uri.object);
        created = true;
      }
      if (extractable(lib, session, key)) throw new RootKeyError(`the root key "${uri.object}" in token "${uri.token}" is extractable or not sensitive; refusing it`);
      return { session, key };
    } catch (e) {
      try { lib.C_CloseSession(session); } catch { /* already gone */ }
      throw e;
    }
  };
  let conn: Connection | undefined;
  try {
    conn = connect(opts.create);
  } catch (e) {
    releaseModule(uri.modulePath);
    throw e instanceof RootKeyError ? e : new RootKeyError(`PKCS#11 token "${uri.token}": ${cryptokiName(e)}`);
  }

  const gcm = (iv: Buffer, label: string) => ({
    mechanism: pkcs11js.CKM_AES_GCM,
    parameter: { type: pkcs11js.CK_PARAMS_AES_GCM, iv, aad: Buffer.from(label, "utf8"), ivBits: IV_LENGTH * 8, tagBits: TAG_LENGTH * 8 },
  });

  /**
   * Whether the token still works: one AES-GCM encryption of 16 zero bytes with the root key. Some tokens (SoftHSM2)
   * report a failed GCM tag check as CKR_GENERAL_ERROR, the same code as a token gone; this tells the two apart.
   */
  const tokenWorks = (c: Connection): boolean => {
    try {
      lib.C_EncryptInit(c.session, gcm(Buffer.alloc(IV_LENGTH), "openkms/pkcs11-probe"), c.key);
      lib.C_Encrypt(c.session, Buffer.alloc(16), Buffer.alloc(16 + TAG_LENGTH));
      return true;
    } catch {
      return false;
    }
  };

  /** Run one token operation; a failing session is dropped and re-opened on the next call. */
  const withSession = <T>(label: string, op: (c: Connection) => T): T => {
    if (!conn) {
      try {
        conn = connect(false);
      } catch {
        // The module may hold a stale view of a token that went away and came back: start it afresh, once.
        try {
          reinitialize(lib);
          conn = connect(false);
        } catch (e) {
          throw new RootUnavailableError(`PKCS#11 root of trust unavailable (${label}): ${(e as Error).message}`);
        }
      }
    }
    try {
      return op(conn);
    } catch (e) {
      if (e instanceof RootKeyError) throw e;
      const name = cryptokiName(e);
      if (BAD_CIPHERTEXT.has(name) || (name === "CKR_GENERAL_ERROR" && tokenWorks(conn))) {
        throw new RootKeyError(`wrapped value for ${label} does not open under this root key`);
      }
      try { lib.C_CloseSession(conn.session); } catch { /* the token is gone */ }
      conn = undefined;
      throw new RootUnavailableError(`PKCS#11 root of trust unavailable (${label}): ${name}`);
    }
  };

  let closed = false;
  const root: RootOfTrust = {
    source,
    hardware: true,
    wrap(secret, label) {
      const iv = Buffer.from(randomBytes(IV_LENGTH));
      const sealed = withSession(label, (c) => {
        lib.C_EncryptInit(c.session, gcm(iv, label), c.key);
        return lib.C_Encrypt(c.session, Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength), Buffer.alloc(secret.length + TAG_LENGTH));
      });
      const out = new Uint8Array(1 + IV_LENGTH + sealed.length);
      out[0] = PKCS11_WRAP_VERSION;
      out.set(iv, 1);
      out.set(sealed, 1 + IV_LENGTH);
      return out;
    },
    unwrap(wrapped, label) {
      if (wrapped.length < 1 + IV_LENGTH + TAG_LENGTH || wrapped[0] !== PKCS11_WRAP_VERSION) {
        throw new RootKeyError(`wrapped value for ${label} is malformed or not wrapped by a PKCS#11 root`);
      }
      const iv = Buffer.from(wrapped.subarray(1, 1 + IV_LENGTH));
      const body = Buffer.from(wrapped.subarray(1 + IV_LENGTH));
      const out = withSession(label, (c) => {
        lib.C_DecryptInit(c.session, gcm(iv, label), c.key);
        return lib.C_Decrypt(c.session, body, Buffer.alloc(body.length));
      });
      const plain = new Uint8Array(out.length);
      plain.set(out);
      out.fill(0);
      return plain;
    },
    close() {
      if (closed) return;
      closed = true;
      if (conn) {
        try { lib.C_Logout(conn.session); } catch { /* already logged out */ }
        try { lib.C_CloseSession(conn.session); } catch { /* gone */ }
        conn = undefined;
      }
      releaseModule(uri.modulePath);
    },
  };
  return { root, created };
}
