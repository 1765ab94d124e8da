/**
 * `RawKeyring`: offline envelope encryption with a 32-byte wrapping key you hold (no KMS). The data key is wrapped
 * with AES-256-GCM (through the runtime binding): ciphertext = nonce (12, random) ‖ AES-256-GCM(wrapping key, nonce,
 * data key, AAD) ‖ tag (16) — 60 bytes; AAD = "OpenKMS envelope raw v1" ‖ u8 len ‖ key name (UTF-8) ‖ canonical
 * EncryptionContext. Header entry: provider `"raw"`, key id = the key name, method `"AES_256_GCM"`.
 */
import { encodeEncryptionContext } from "@openkms/crypto/encryption-context";
import type { EncryptedDataKey } from "./header.js";
import { DATA_KEY_LENGTH } from "./key-schedule.js";
import type { DataKeyMaterials, DecryptionRequest, EncryptionRequest, Keyring } from "./keyring.js";
import { platform } from "./platform.js";

export const RAW_PROVIDER = "raw";
export const RAW_METHOD = "AES_256_GCM";
const LABEL = new TextEncoder().encode("OpenKMS envelope raw v1");

let instances = 0;

export class RawKeyring implements Keyring {
  readonly keyName: string;
  readonly cacheId: string;
  private readonly key: Uint8Array;
  private readonly nameBytes: Uint8Array;

  /**
   * @param o.keyName names the key in the header (1..255 UTF-8 bytes); decryption uses the entry with this name
   * @param o.key the 32-byte wrapping key (copied; {@link dispose} zeroes the copy)
   * @throws TypeError / RangeError naming the field
   */
  constructor(o: { keyName: string; key: Uint8Array }) {
    if (typeof o !== "object" || o === null) throw new TypeError(`"options" expected an object`);
    if (typeof o.keyName !== "string") throw new TypeError(`"keyName" expected a string`);
    this.nameBytes = new TextEncoder().encode(o.keyName);
    if (this.nameBytes.length < 1 || this.nameBytes.length > 255) throw new RangeError(`"keyName" expected 1..255 UTF-8 bytes, got ${this.nameBytes.length}`);
    if (!(o.key instanceof Uint8Array)) throw new TypeError(`"key" expected a Uint8Array`);
    if (o.key.length !== 32) throw new RangeError(`"key" expected 32 bytes, got ${o.key.length}`);
    this.keyName = o.keyName;
    this.key = new Uint8Array(o.key); // a copy (Buffer#slice would be a view)
    this.cacheId = `raw#${++instances}`;
  }

  private aad(context: Record<string, string>): Uint8Array {
    const ctx = encodeEncryptionContext(Object.entries(context));
    const aad = new Uint8Array(LABEL.length + 1 + this.nameBytes.length + ctx.length);
    aad.set(LABEL);
    aad[LABEL.length] = this.nameBytes.length;
    aad.set(this.nameBytes, LABEL.length + 1);
    aad.set(ctx, LABEL.length + 1 + this.nameBytes.length);
    return aad;
  }

  /** A random 32-byte data key wrapped under this key. */
  async onEncrypt(r: EncryptionRequest): Promise<DataKeyMaterials> {
    const dataKey = new Uint8Array(DATA_KEY_LENGTH);
    globalThis.crypto.getRandomValues(dataKey);
    const nonce = new Uint8Array(12);
    globalThis.crypto.getRandomValues(nonce);
    const k = await platform().aes256GcmKey(this.key);
    try {
      const sealed = await k.seal(nonce, this.aad(r.encryptionContext), [dataKey]);
      const ciphertext = new Uint8Array(12 + DATA_KEY_LENGTH + 16);
      ciphertext.set(nonce);
      let off = 12;
      for (const p of sealed) {
        ciphertext.set(p, off);
        off += p.length;
      }
      const edk: EncryptedDataKey = { provider: RAW_PROVIDER, keyId: this.keyName, method: RAW_METHOD, ciphertext };
      return { dataKey, encryptedDataKeys: [edk] };
    } finally {
      k.dispose();
    }
  }

  /** Unwraps the entry named for this key. @throws Error when it does not authenticate */
  async onDecrypt(r: DecryptionRequest): Promise<Uint8Array | undefined> {
    const mine = r.encryptedDataKeys.filter((e) => e.provider === RAW_PROVIDER && e.keyId === this.keyName && e.method === RAW_METHOD);
    if (mine.length === 0) return undefined;
    const k = await platform().aes256GcmKey(this.key);
    try {
      for (const e of mine) {
        if (e.ciphertext.length !== 12 + DATA_KEY_LENGTH + 16) continue;
        try {
          const parts = await k.open(e.ciphertext.subarray(0, 12), this.aad(r.encryptionContext), [e.ciphertext.subarray(12, 12 + DATA_KEY_LENGTH)], e.ciphertext.subarray(12 + DATA_KEY_LENGTH));
          if (parts.length === 1) return parts[0]!;
          const out = new Uint8Array(DATA_KEY_LENGTH);
          let off = 0;
          for (const p of parts) {
            out.set(p, off);
            off += p.length;
            p.fill(0);
          }
          return out;
        } catch {
          // try the next entry of this name
        }
      }
    } finally {
      k.dispose();
    }
    throw new Error(`raw key "${this.keyName}": the encrypted data key does not authenticate (another key of that name, or a changed header)`);
  }

  /** Zeroes this keyring's copy of the wrapping key; it cannot be used afterwards. */
  dispose(): void {
    this.key.fill(0);
  }
}
