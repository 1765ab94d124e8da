/**
 * `PublicKeyKeyring`: encrypt with only a KMS CMK's public key (from `GetPublicKey`), so a machine that must never
 * decrypt can still encrypt; decrypt through the KMS (a client is needed only for that).
 *
 * | algorithm            | CMK (KeyUsage)                          | data key wrapped as                      | unwrapped by             |
 * |----------------------|-----------------------------------------|------------------------------------------|--------------------------|
 * | `RSAES_OAEP_SHA_256` | ASYMMETRIC_DECRYPT_RSA_2048             | RSAES-OAEP (SHA-256, MGF1-SHA-256), 256 B | AsymmetricRsaDecrypt     |
 * | `SM2`                | ASYMMETRIC_DECRYPT_SM2                  | SM2 C1C3C2 ASN.1 (GM/T 0009)             | AsymmetricSm2Decrypt     |
 * | `KYBER_AES`          | ASYMMETRIC_Encrypt_Decrypt_Kyber_AES    | Kyber_AES blob v1 naming the KeyId, 1186 B | PostQuantumCryptoDecrypt |
 *
 * The data key is 32 random bytes made here. Header entries: provider `"kms"`, the KeyId, the method of the table
 * in `kms-unwrap.ts`.
 */
import { ready } from "@openkms/crypto/backend";
import { encryptAsync as kyberEncrypt } from "@openkms/crypto/kyber-aes";
import { parsePublicKeyPem, type PublicKeyInfo } from "@openkms/crypto/public-key";
import { oaepEncrypt } from "@openkms/crypto/rsa-public";
import { encrypt as sm2Encrypt } from "@openkms/crypto/sm2";
import { EnvelopeError } from "./errors.js";
import { DATA_KEY_LENGTH } from "./key-schedule.js";
import type { DataKeyMaterials, DecryptionRequest, EncryptionRequest, Keyring } from "./keyring.js";
import {
  checkClient, KMS_PROVIDER, METHOD_KYBER, METHOD_RSA, METHOD_SM2, unwrapFirst, type KmsRequester,
} from "./kms-unwrap.js";

export type PublicKeyAlgorithm = "RSAES_OAEP_SHA_256" | "SM2" | "KYBER_AES";
const METHODS: Record<PublicKeyAlgorithm, string> = { RSAES_OAEP_SHA_256: METHOD_RSA, SM2: METHOD_SM2, KYBER_AES: METHOD_KYBER };

export class PublicKeyKeyring implements Keyring {
  readonly keyId: string;
  readonly algorithm: PublicKeyAlgorithm;
  readonly cacheId: string;
  private readonly wrap: (dataKey: Uint8Array) => Promise<Uint8Array>;
  private readonly client: KmsRequester | undefined;

  /**
   * @param o.keyId the CMK's KeyId (named in the header; Kyber_AES blobs carry it too, so it must be the lowercase UUID)
   * @param o.publicKey the CMK's public key, PEM as `GetPublicKey` returns it (`PublicKeyPem`)
   * @param o.algorithm how to wrap the data key (see the table above)
   * @param o.client a `KmsClient`, needed only to decrypt
   * @throws TypeError / RangeError naming the field (also for a public key of another type than the algorithm needs)
   */
  constructor(o: { keyId: string; publicKey: string; algorithm: PublicKeyAlgorithm; client?: KmsRequester }) {
    if (typeof o !== "object" || o === null) throw new TypeError(`"options" expected an object`);
    if (typeof o.keyId !== "string" || o.keyId.length === 0) throw new TypeError(`"keyId" expected a KeyId (non-empty string)`);
    if (typeof o.publicKey !== "string") throw new TypeError(`"publicKey" expected a PEM string`);
    if (!Object.hasOwn(METHODS, o.algorithm)) throw new RangeError(`"algorithm" expected RSAES_OAEP_SHA_256, SM2 or KYBER_AES, got ${String(o.algorithm)}`);
    this.keyId = o.keyId;
    this.algorithm = o.algorithm;
    this.client = o.client === undefined ? undefined : checkClient(o.client);
    let info: PublicKeyInfo;
    try {
      info = parsePublicKeyPem(o.publicKey);
    } catch (err) {
      throw new RangeError(`"publicKey" is not a PEM public key (SPKI): ${(err as Error).message}`);
    }
    const want = { RSAES_OAEP_SHA_256: "RSA", SM2: "SM2", KYBER_AES: "ML-KEM-768" }[o.algorithm];
    if (info.type !== want) throw new RangeError(`"publicKey" is a ${info.type} key; ${o.algorithm} needs ${want}`);
    if (info.type === "RSA") {
      const spki = info.spki;
      this.wrap = (k) => oaepEncrypt(spki, k, "SHA-256");
    } else if (info.type === "SM2") {
      const point = info.point;
      this.wrap = async (k) => {
        await ready(); // SM3 runs in the WASM core (compiled asynchronously in browsers)
        return sm2Encrypt(point, k, "C1C3C2_ASN1");
      };
    } else {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(o.keyId)) {
        throw new RangeError(`"keyId" of a KYBER_AES key must be its KeyId, a lowercase UUID (the blob names it), got ${o.keyId}`);
      }
      const recipient = { keyId: o.keyId, publicKey: info.spki };
      this.wrap = (k) => kyberEncrypt(recipient, k);
    }
    this.cacheId = `pk|${o.algorithm}|${o.keyId}|${o.publicKey.replace(/\s+/g, "")}`;
  }

  /** A random 32-byte data key wrapped to the public key (no KMS call). @throws the facade's InvalidKeyError */
  async onEncrypt(_r: EncryptionRequest): Promise<DataKeyMaterials> {
    const dataKey = new Uint8Array(DATA_KEY_LENGTH);
    globalThis.crypto.getRandomValues(dataKey);
    try {
      const ciphertext = await this.wrap(dataKey);
      return { dataKey, encryptedDataKeys: [{ provider: KMS_PROVIDER, keyId: this.keyId, method: METHODS[this.algorithm], ciphertext }] };
    } catch (err) {
      dataKey.fill(0);
      throw err;
    }
  }

  /**
   * The data key from this key's entry, through the KMS action of its algorithm.
   * @returns the 32-byte data key, or undefined when the message has no entry for this key and algorithm
   * @throws EnvelopeError NoDecryptableKey without a client; Error listing the KMS failures otherwise
   */
  async onDecrypt(r: DecryptionRequest): Promise<Uint8Array | undefined> {
    const method = METHODS[this.algorithm];
    const mine = r.encryptedDataKeys.filter((e) => e.provider === KMS_PROVIDER && e.keyId === this.keyId && e.method === method);
    if (mine.length === 0) return undefined;
    if (!this.client) {
      throw new EnvelopeError("NoDecryptableKey", `PublicKeyKeyring for ${this.keyId} has no client: it can encrypt only`);
    }
    return unwrapFirst(this.client, mine, r.encryptionContext);
  }
}
