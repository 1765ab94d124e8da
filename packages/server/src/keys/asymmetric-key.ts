/**
 * Using an asymmetric CMK: find it, check it is Enabled and of the wanted usage, and unwrap its private key for one
 * operation (the caller zeroes it with `wipe` in a `finally`).
 */
import { wipe } from "@openkms/crypto/constant-time";
import { ErrorCode, isKmsError, KmsError } from "../errors.js";
import { encodeBase64 } from "../protocol/params.js";
import type { ActionContext } from "../actions/define.js";
import type { KeyRecord } from "../store/types.js";
import { asymmetricUsages, type AsymmetricUsage } from "./asymmetric.js";
import { checkKeyId, loadKey } from "./key-access.js";
import { materialLabel } from "./symmetric.js";

export interface AsymmetricKey {
  key: KeyRecord;
  usage: AsymmetricUsage;
  /** SPKI DER. */
  spki: Uint8Array;
}

/**
 * Load an Enabled asymmetric key whose KeyUsage is one of `allowed` (for decryption, `opts.decrypt`, an Archived one too).
 * @throws KmsError InvalidParameterValue.InvalidKeyId, ResourceUnavailable.CmkNotFound,
 *   InvalidParameterValue.InvalidKeyUsage (other usage), ResourceUnavailable.CmkStateNotSupport (not Enabled)
 */
export async function loadAsymmetricKey(ctx: ActionContext, keyIdParam: string, allowed: readonly string[], opts: { decrypt?: boolean } = {}): Promise<AsymmetricKey> {
  const key = await loadKey(ctx, checkKeyId(keyIdParam));
  const usage = asymmetricUsages.get(key.keyUsage);
  if (!usage || !allowed.includes(key.keyUsage)) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyUsage, `The CMK ${key.keyId} has KeyUsage ${key.keyUsage}; this operation needs ${allowed.join(" or ")}`);
  }
  // Archived keys are decrypt-only (reference §3.1 ArchiveKey): they still decrypt, nothing else.
  if (key.keyState !== "Enabled" && !(opts.decrypt && key.keyState === "Archived")) {
    throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is ${key.keyState}; asymmetric operations need an Enabled key`);
  }
  const v = await ctx.store.getKeyVersion(key.keyId, key.currentVersion);
  if (!v) throw new Error(`key ${key.keyId} has no version ${key.currentVersion}`);
  return { key, usage, spki: v.publicKey };
}

/**
 * Run `use` with the key's unwrapped private key (stored form: see asymmetric.ts), zeroed afterwards whatever happens.
 * @returns what `use` returns
 */
export async function withPrivateKey<T>(ctx: ActionContext, k: AsymmetricKey, use: (secret: Uint8Array) => T): Promise<T> {
  const v = await ctx.store.getKeyVersion(k.key.keyId, k.key.currentVersion);
  if (!v) throw new Error(`key ${k.key.keyId} has no version ${k.key.currentVersion}`);
  const secret = ctx.root.unwrap(v.wrappedMaterial, materialLabel(k.key.keyId, v.version));
  try {
    return use(secret);
  } finally {
    wipe(secret);
  }
}

/**
 * Decrypt with the key's private key; any failure of `decrypt` (malformed, tampered, wrong padding) becomes the one
 * `FailedOperation.DecryptError`, so callers learn nothing about which check failed.
 * @returns `{KeyId, Plaintext}` for the response (the plaintext bytes are zeroed after encoding)
 */
export async function decryptResponse(ctx: ActionContext, k: AsymmetricKey, decrypt: (secret: Uint8Array) => Uint8Array): Promise<Record<string, unknown>> {
  let plaintext: Uint8Array;
  try {
    plaintext = await withPrivateKey(ctx, k, decrypt);
  } catch (e) {
    if (isKmsError(e)) throw e;
    throw new KmsError(ErrorCode.FailedOperationDecryptError, "Decryption failed");
  }
  try {
    return { KeyId: k.key.keyId, Plaintext: encodeBase64(plaintext) };
  } finally {
    wipe(plaintext);
  }
}
