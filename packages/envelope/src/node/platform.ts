/**
 * The Node binding: HKDF-SHA-256 and AES-256-GCM from `node:crypto` (OpenSSL, AES-NI where the CPU has it), called
 * synchronously (a frame's work is a few microseconds; a thread-pool hop would cost more than it saves).
 */
import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import type { GcmKey, Platform } from "../platform.js";

class NodeGcmKey implements GcmKey {
  private readonly key: Buffer;
  private disposed = false;
  constructor(key: Uint8Array) {
    this.key = Buffer.alloc(32);
    this.key.set(key);
  }
  private live(): void {
    if (this.disposed) throw new Error("AES-256-GCM key disposed");
  }
  async seal(nonce: Uint8Array, aad: Uint8Array, plaintext: readonly Uint8Array[]): Promise<Uint8Array[]> {
    this.live();
    const c = createCipheriv("aes-256-gcm", this.key, nonce, { authTagLength: 16 });
    c.setAAD(aad);
    const out: Uint8Array[] = [];
    for (const p of plaintext) if (p.length) out.push(c.update(p));
    c.final();
    out.push(c.getAuthTag());
    return out;
  }
  async open(nonce: Uint8Array, aad: Uint8Array, ciphertext: readonly Uint8Array[], tag: Uint8Array): Promise<Uint8Array[]> {
    this.live();
    const d = createDecipheriv("aes-256-gcm", this.key, nonce, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(tag);
    const out: Uint8Array[] = [];
    for (const p of ciphertext) if (p.length) out.push(d.update(p));
    try {
      d.final();
    } catch {
      for (const o of out) o.fill(0);
      throw Object.assign(new Error("authentication tag does not match"), { code: "AUTHENTICATION_FAILED" });
    }
    return out;
  }
  dispose(): void {
    this.disposed = true;
    this.key.fill(0);
  }
}

/** The node:crypto {@link Platform}. */
export const nodePlatform: Platform = {
  name: "node",
  async hkdfSha256(ikm, salt, info, length) {
    return new Uint8Array(hkdfSync("sha256", ikm, salt, info, length));
  },
  async aes256GcmKey(key) {
    if (key.length !== 32) throw new RangeError(`"key" expected 32 bytes, got ${key.length}`);
    return new NodeGcmKey(key);
  },
};
