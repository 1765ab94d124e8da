/**
 * The keyring `openkms decrypt` opens a message with, chosen by the message's header: every encrypted data key of
 * provider `kms` — wrapped by GenerateDataKey/Encrypt under a CMK (`Decrypt`), or with a CMK's public key
 * (`AsymmetricRsaDecrypt/…`, `AsymmetricSm2Decrypt`, `PostQuantumCryptoDecrypt`) — is unwrapped through the server
 * by `@openkms/envelope`'s KmsKeyring in discovery mode (whichever CMK the header names). The credential is looked
 * up only when a key must be unwrapped, so a file that is not an envelope message fails as such without one.
 * A message whose keys are all of another provider (a RawKeyring's) cannot be opened here, and says so.
 */
import type { KmsClient } from "@openkms/client";
import { KmsKeyring, type DataKeyMaterials, type DecryptionRequest, type Keyring } from "@openkms/envelope";

export class HeaderKeyring implements Keyring {
  readonly cacheId = "openkms-cli-decrypt";
  private readonly kms: KmsKeyring;

  /** @param client called once, when the first data key must be unwrapped */
  constructor(client: () => KmsClient) {
    let c: KmsClient | undefined;
    this.kms = new KmsKeyring({ client: { request: ((action: never, params: never) => (c ??= client()).request(action, params)) as KmsClient["request"] }, keyIds: [] });
  }

  onEncrypt(): Promise<DataKeyMaterials> {
    return Promise.reject(new Error("openkms decrypt does not encrypt"));
  }

  async onDecrypt(r: DecryptionRequest): Promise<Uint8Array | undefined> {
    if (!r.encryptedDataKeys.some((e) => e.provider === "kms")) {
      const providers = [...new Set(r.encryptedDataKeys.map((e) => `${e.provider} (${e.keyId})`))].join(", ");
      throw new Error(`the message's data keys are wrapped by ${providers}, not by a KMS key: openkms decrypt cannot open it`);
    }
    return this.kms.onDecrypt(r);
  }
}
