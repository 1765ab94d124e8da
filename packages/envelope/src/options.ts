/** The options of encryption and decryption, and their checks (TypeError / RangeError naming the field). */
import { DataKeyCache } from "./data-key-cache.js";
import { checkContext, type CheckedContext } from "./encryption-context.js";
import { checkFrameLength, DEFAULT_FRAME_LENGTH } from "./header.js";
import { checkKeyring, type Keyring } from "./keyring.js";
import { suiteInfo, type Suite, type SuiteInfo } from "./suite.js";

export interface EncryptOptions {
  /** Makes and wraps the data key. */
  keyring: Keyring;
  /** String pairs bound to the message (stored in the header, in clear). JSON text ≤ 1024 characters. */
  encryptionContext?: Record<string, string>;
  /** Default `"AES_256_GCM"`. */
  suite?: Suite;
  /** Plaintext bytes per frame, 1024..4194304; default 65536. */
  frameLength?: number;
  /** Share data keys between messages (opt-in). */
  cache?: DataKeyCache;
}

export interface DecryptOptions {
  /** Unwraps one of the message's data keys. */
  keyring: Keyring;
  /** When given, every one of these pairs must be in the message's context (else `ContextMismatch`). */
  encryptionContext?: Record<string, string>;
  /** Reuse unwrapped data keys between messages with the same encrypted data keys (opt-in). */
  cache?: DataKeyCache;
}

export interface CheckedEncrypt {
  keyring: Keyring;
  context: CheckedContext;
  suite: SuiteInfo;
  frameLength: number;
  cache: DataKeyCache | undefined;
}

export interface CheckedDecrypt {
  keyring: Keyring;
  required: Record<string, string> | undefined;
  cache: DataKeyCache | undefined;
}

function checkCache(c: unknown): DataKeyCache | undefined {
  if (c === undefined) return undefined;
  if (!(c instanceof DataKeyCache)) throw new TypeError(`"cache" expected a DataKeyCache`);
  return c;
}

function checkObject(o: unknown): Record<string, unknown> {
  if (typeof o !== "object" || o === null) throw new TypeError(`"options" expected an object`);
  return o as Record<string, unknown>;
}

/** @throws TypeError / RangeError naming the field */
export function checkEncryptOptions(o: EncryptOptions): CheckedEncrypt {
  const r = checkObject(o);
  return {
    keyring: checkKeyring(r.keyring),
    context: checkContext(r.encryptionContext),
    suite: suiteInfo(r.suite ?? "AES_256_GCM"),
    frameLength: r.frameLength === undefined ? DEFAULT_FRAME_LENGTH : checkFrameLength(r.frameLength),
    cache: checkCache(r.cache),
  };
}

/** @throws TypeError / RangeError naming the field */
export function checkDecryptOptions(o: DecryptOptions): CheckedDecrypt {
  const r = checkObject(o);
  return {
    keyring: checkKeyring(r.keyring),
    required: r.encryptionContext === undefined ? undefined : checkContext(r.encryptionContext).pairs,
    cache: checkCache(r.cache),
  };
}
