/**
 * Unwrapping an encrypted data key of provider `"kms"` through a KMS API action (OpenKMS or Tencent Cloud KMS, via
 * `@openkms/client`). Shared by {@link KmsKeyring} (any method) and {@link PublicKeyKeyring} (its own method).
 *
 * | method                                   | wrapped by                               | unwrapped by                     |
 * |------------------------------------------|------------------------------------------|----------------------------------|
 * | `Decrypt`                                | GenerateDataKey / Encrypt (CiphertextBlob text, UTF-8) | Decrypt (+ EncryptionContext) |
 * | `AsymmetricRsaDecrypt/RSAES_OAEP_SHA_256`| RSAES-OAEP-SHA-256 to the CMK's public key | AsymmetricRsaDecrypt          |
 * | `AsymmetricSm2Decrypt`                   | SM2 C1C3C2 ASN.1 to the CMK's public key | AsymmetricSm2Decrypt             |
 * | `PostQuantumCryptoDecrypt`               | Kyber_AES blob (docs/kyber-aes-blob.md)  | PostQuantumCryptoDecrypt         |
 */
import type { KmsClient } from "@openkms/client";
import { fromBase64, toBase64 } from "./base64.js";
import { contextJson } from "./encryption-context.js";
import type { EncryptedDataKey } from "./header.js";
import { DATA_KEY_LENGTH } from "./key-schedule.js";

export const KMS_PROVIDER = "kms";
export const METHOD_DECRYPT = "Decrypt";
export const METHOD_RSA = "AsymmetricRsaDecrypt/RSAES_OAEP_SHA_256";
export const METHOD_SM2 = "AsymmetricSm2Decrypt";
export const METHOD_KYBER = "PostQuantumCryptoDecrypt";
export const KMS_METHODS: readonly string[] = [METHOD_DECRYPT, METHOD_RSA, METHOD_SM2, METHOD_KYBER];

/** What a keyring needs of a KMS client: `KmsClient` from `@openkms/client`, or any object with its `request`. */
export type KmsRequester = Pick<KmsClient, "request">;

/** @throws TypeError when `c` has no `request` method */
export function checkClient(c: unknown, field = "client"): KmsRequester {
  if (typeof c !== "object" || c === null || typeof (c as KmsRequester).request !== "function") {
    throw new TypeError(`"${field}" expected a KmsClient (@openkms/client)`);
  }
  return c as KmsRequester;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function checked(plaintextB64: string, keyId: string, answeredKeyId: string | undefined, edk: EncryptedDataKey): Uint8Array {
  if (answeredKeyId !== undefined && answeredKeyId !== edk.keyId) {
    throw new Error(`KMS answered for key ${answeredKeyId}, but the header names ${keyId}`);
  }
  const k = fromBase64(plaintextB64);
  if (k.length !== DATA_KEY_LENGTH) {
    k.fill(0);
    throw new Error(`the KMS returned ${k.length} bytes, not a ${DATA_KEY_LENGTH}-byte data key`);
  }
  return k;
}

/**
 * Unwraps `edk` (provider `"kms"`) through the action its method names.
 * @returns the 32-byte data key
 * @throws the client's errors (KmsApiError with the API's code, KmsNetworkError), or Error for an unknown method
 */
export async function unwrapWithKms(client: KmsRequester, edk: EncryptedDataKey, context: Record<string, string>): Promise<Uint8Array> {
  switch (edk.method) {
    case METHOD_DECRYPT: {
      const ctx = contextJson(context);
      const r = await client.request("Decrypt", { CiphertextBlob: utf8.decode(edk.ciphertext), ...(ctx ? { EncryptionContext: ctx } : {}) });
      return checked(r.Plaintext, edk.keyId, r.KeyId, edk);
    }
    case METHOD_RSA: {
      const r = await client.request("AsymmetricRsaDecrypt", { KeyId: edk.keyId, Ciphertext: toBase64(edk.ciphertext), Algorithm: "RSAES_OAEP_SHA_256" });
      return checked(r.Plaintext, edk.keyId, r.KeyId, edk);
    }
    case METHOD_SM2: {
      const r = await client.request("AsymmetricSm2Decrypt", { KeyId: edk.keyId, Ciphertext: toBase64(edk.ciphertext) });
      return checked(r.Plaintext, edk.keyId, r.KeyId, edk);
    }
    case METHOD_KYBER: {
      const r = await client.request("PostQuantumCryptoDecrypt", { CiphertextBlob: toBase64(edk.ciphertext) });
      return checked(r.PlainText, edk.keyId, r.KeyId, edk);
    }
    default:
      throw new Error(`unknown unwrap method "${edk.method}"`);
  }
}

/**
 * Unwraps the first of `entries` (provider `"kms"`, in order) the KMS opens.
 * @param entries at least one
 * @returns the 32-byte data key
 * @throws Error listing each entry's failure ({@link describeFailure}), the first failure as `cause`
 */
export async function unwrapFirst(client: KmsRequester, entries: readonly EncryptedDataKey[], context: Record<string, string>): Promise<Uint8Array> {
  const failures: string[] = [];
  let first: unknown;
  for (const e of entries) {
    try {
      return await unwrapWithKms(client, e, context);
    } catch (err) {
      first ??= err;
      failures.push(describeFailure(e.keyId, err));
    }
  }
  throw new Error(failures.join("; "), { cause: first });
}

/** One line per failure, e.g. `key 1b2c…: ResourceUnavailable.CmkNotFound (…)`. */
export function describeFailure(keyId: string, err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const msg = err instanceof Error ? err.message : String(err);
  return `key ${keyId}: ${typeof code === "string" ? `${code} (${msg})` : msg}`;
}

let clients = new WeakMap<object, number>();
let nextClient = 0;
/** A number per client object, so cache keys of two clients (two accounts or endpoints) never meet. */
export function clientIdentity(client: object): number {
  let id = clients.get(client);
  if (id === undefined) clients.set(client, (id = ++nextClient));
  return id;
}
