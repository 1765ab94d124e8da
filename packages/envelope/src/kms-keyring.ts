/**
 * `KmsKeyring`: data keys from a KMS (OpenKMS or Tencent Cloud KMS) through `@openkms/client`.
 *
 * Encryption: `GenerateDataKey` (NumberOfBytes 32, the message's EncryptionContext) on the first CMK, then `Encrypt`
 * of the same data key under each further CMK, so that any one of them can decrypt. Header entries: provider
 * `"kms"`, the CMK's KeyId, method `"Decrypt"`, the CiphertextBlob text (UTF-8).
 * Decryption: the first entry of provider `"kms"` whose KeyId is one of `keyIds` (any KeyId when `keyIds` is empty —
 * discovery) that the KMS opens: `Decrypt` with the message's EncryptionContext, or the asymmetric action of a
 * {@link PublicKeyKeyring} entry. The KMS's answer must name the same KeyId as the entry.
 */
import { toBase64 } from "./base64.js";
import { contextJson } from "./encryption-context.js";
import { EnvelopeError } from "./errors.js";
import type { EncryptedDataKey } from "./header.js";
import { DATA_KEY_LENGTH } from "./key-schedule.js";
import type { DataKeyMaterials, DecryptionRequest, EncryptionRequest, Keyring } from "./keyring.js";
import {
  checkClient, clientIdentity, KMS_PROVIDER, METHOD_DECRYPT, unwrapFirst, type KmsRequester,
} from "./kms-unwrap.js";
import { fromBase64 } from "./base64.js";

const utf8 = new TextEncoder();

export class KmsKeyring implements Keyring {
  readonly keyIds: readonly string[];
  readonly cacheId: string;
  private readonly client: KmsRequester;

  /**
   * @param o.client a `KmsClient` of `@openkms/client` (credentials, endpoint, retries)
   * @param o.keyIds CMK KeyIds (not aliases): the first makes the data key, each further one wraps it too. Empty:
   *   this keyring only decrypts, with whichever CMK the message names (discovery)
   * @throws TypeError naming the field
   */
  constructor(o: { client: KmsRequester; keyIds: string[] }) {
    if (typeof o !== "object" || o === null) throw new TypeError(`"options" expected an object`);
    this.client = checkClient(o.client);
    if (!Array.isArray(o.keyIds) || o.keyIds.some((k) => typeof k !== "string" || k.length === 0 || utf8.encode(k).length > 255)) {
      throw new TypeError(`"keyIds" expected an array of KeyIds (non-empty strings)`);
    }
    this.keyIds = Object.freeze([...o.keyIds]);
    this.cacheId = `kms#${clientIdentity(this.client)}|${this.keyIds.join(",")}`;
  }

  /**
   * A 32-byte data key from GenerateDataKey (NumberOfBytes 32) on the first CMK, wrapped again by Encrypt under each
   * further CMK; every call carries the message's EncryptionContext.
   * @throws EnvelopeError KeyringFailure without keyIds; the client's KmsApiError / KmsNetworkError otherwise
   */
  async onEncrypt(r: EncryptionRequest): Promise<DataKeyMaterials> {
    const [first, ...more] = this.keyIds;
    if (first === undefined) throw new EnvelopeError("KeyringFailure", "a KmsKeyring without keyIds can only decrypt");
    const ctx = contextJson(r.encryptionContext);
    const withCtx = ctx ? { EncryptionContext: ctx } : {};
    const g = await this.client.request("GenerateDataKey", { KeyId: first, NumberOfBytes: DATA_KEY_LENGTH, ...withCtx });
    const dataKey = fromBase64(g.Plaintext);
    try {
      if (dataKey.length !== DATA_KEY_LENGTH) throw new Error(`GenerateDataKey returned ${dataKey.length} bytes, not ${DATA_KEY_LENGTH}`);
      const edks: EncryptedDataKey[] = [
        { provider: KMS_PROVIDER, keyId: g.KeyId || first, method: METHOD_DECRYPT, ciphertext: utf8.encode(g.CiphertextBlob) },
      ];
      for (const keyId of more) {
        const e = await this.client.request("Encrypt", { KeyId: keyId, Plaintext: toBase64(dataKey), ...withCtx });
        edks.push({ provider: KMS_PROVIDER, keyId: e.KeyId || keyId, method: METHOD_DECRYPT, ciphertext: utf8.encode(e.CiphertextBlob) });
      }
      return { dataKey, encryptedDataKeys: edks };
    } catch (err) {
      dataKey.fill(0);
      throw err;
    }
  }

  /**
   * The data key from the first `"kms"` entry (of `keyIds`, or any in discovery mode) that the KMS opens.
   * @returns the 32-byte data key, or undefined when no entry is for this keyring
   * @throws Error listing each entry's failure (API error codes), the first failure as `cause`
   */
  async onDecrypt(r: DecryptionRequest): Promise<Uint8Array | undefined> {
    const mine = r.encryptedDataKeys.filter((e) => e.provider === KMS_PROVIDER && (this.keyIds.length === 0 || this.keyIds.includes(e.keyId)));
    if (mine.length === 0) return undefined;
    return unwrapFirst(this.client, mine, r.encryptionContext);
  }
}
