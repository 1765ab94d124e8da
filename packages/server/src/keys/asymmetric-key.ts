/**
 * Using an asymmetric CMK: find it, check it is Enabled and of the wanted usage, and unwrap its private key for one
 * operation (the caller zeroes it with `wipe` in a `finally`).
 */
import { ErrorCode, KmsError } from "../errors.js";
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
 * Load an Enabled asymmetric key whose KeyUsage is one of `allowed`.
 * @throws KmsError InvalidParameterValue.InvalidKeyId, ResourceUnavailable.CmkNotFound,
 *   InvalidParameterValue.InvalidKeyUsage (other usage), ResourceUnavailable.CmkStateNotSupport (not Enabled)
 */
export async function loadAsymmetricKey(ctx: ActionContext, keyIdParam: string, allowed: readonly string[]): Promise<AsymmetricKey> {
  const key = await loadKey(ctx, checkKeyId(keyIdParam));
  const usage = asymmetricUsages.get(key.keyUsage);
  if (!usage || !allowed.includes(key.keyUsage)) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyUsage, `The CMK ${key.keyId} has KeyUsage ${key.keyUsage}; this operation needs ${allowed.join(" or ")}`);
  }
  if (key.keyState !== "Enabled") {
    throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is ${key.keyState}; asymmetric operations need an Enabled key`);
  }
  const v = await ctx.store.getKeyVersion(key.keyId, key.currentVersion);
  if (!v) throw new Error(`key ${key.keyId} has no version ${key.currentVersion}`);
  return { key, usage, spki: v.publicKey };
}

/** Unwrap the private key of an asymmetric key (stored form: see asymmetric.ts). Zero it when done. */
export async function unwrapPrivateKey(ctx: ActionContext, k: AsymmetricKey): Promise<Uint8Array> {
  const v = await ctx.store.getKeyVersion(k.key.keyId, k.key.currentVersion);
  if (!v) throw new Error(`key ${k.key.keyId} has no version ${k.key.currentVersion}`);
  return ctx.root.unwrap(v.wrappedMaterial, materialLabel(k.key.keyId, v.version));
}
