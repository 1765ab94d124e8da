/**
 * The Node backend (`#platform` / `./platform` under the `"node"` condition): `node:crypto` (OpenSSL) for every
 * operation of {@link Platform}, and synchronous WebAssembly compilation allowed.
 */
import * as nodeCrypto from "node:crypto";
import { AuthenticationError } from "./aead.js";
import type { Platform, PlatformHash } from "./_platform.js";

const NODE_HASH: Record<PlatformHash, string> = { "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };
const u8 = (b: Uint8Array | Buffer): Uint8Array => new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const spkiKey = (spki: Uint8Array) => nodeCrypto.createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });

export const platform: Platform = {
  runtime: "node",
  syncWasmCompile: true,
  nodeCrypto: () => nodeCrypto,
  async digest(hash, data) {
    return u8(nodeCrypto.createHash(NODE_HASH[hash]).update(data).digest());
  },
  async hmacSha256(key, data) {
    return u8(nodeCrypto.createHmac("sha256", key).update(data).digest());
  },
  async hkdfSha256(ikm, salt, info, length) {
    return new Uint8Array(nodeCrypto.hkdfSync("sha256", ikm, salt, info, length));
  },
  async aesGcmSeal(key, iv, plaintext, aad) {
    const c = nodeCrypto.createCipheriv(key.length === 16 ? "aes-128-gcm" : "aes-256-gcm", key, iv, { authTagLength: 16 });
    c.setAAD(aad);
    const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    return u8(out);
  },
  async aesGcmOpen(key, iv, sealed, aad) {
    if (sealed.length < 16) throw new AuthenticationError();
    const d = nodeCrypto.createDecipheriv(key.length === 16 ? "aes-128-gcm" : "aes-256-gcm", key, iv, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const a = d.update(sealed.subarray(0, sealed.length - 16));
    try {
      return u8(Buffer.concat([a, d.final()]));
    } catch {
      a.fill(0);
      throw new AuthenticationError();
    }
  },
  async rsaOaepEncrypt(spki, hash, plaintext) {
    const key = spkiKey(spki);
    return u8(nodeCrypto.publicEncrypt({ key, padding: nodeCrypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: NODE_HASH[hash] }, plaintext));
  },
  async rsaVerify(scheme, spki, message, signature) {
    const key = spkiKey(spki);
    try {
      return nodeCrypto.verify(
        "sha256",
        message,
        scheme === "PSS" ? { key, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key,
        signature,
      );
    } catch {
      return false;
    }
  },
  async ecdsaP256Verify(spki, message, signature) {
    const key = spkiKey(spki);
    try {
      return nodeCrypto.verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, signature);
    } catch {
      return false;
    }
  },
};
