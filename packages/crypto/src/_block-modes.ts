/**
 * Shared body of the typed ECB / CBC / CTR APIs (`sm4.ts`, `aes-cbc.ts`, `aes-ctr.ts`): validation, then the WASM core
 * or `node:crypto` (OpenSSL `<cipher>-ecb|cbc|ctr`).
 */
import { platform } from "#platform";
import type { BlockCipher, Core } from "@openkms/core-wasm";
import { abytes } from "./_validate.js";

/** Thrown when PKCS#7 padding is malformed after decryption. Recognise it by `code === "BAD_PADDING"`. */
export class PaddingError extends Error {
  readonly code = "BAD_PADDING" as const;
  constructor(message = "invalid PKCS#7 padding") {
    super(message);
    this.name = "PaddingError";
  }
}

function nodeName(cipher: BlockCipher, keyLength: number, mode: "ecb" | "cbc" | "ctr"): string {
  return cipher === "SM4" ? `sm4-${mode}` : `aes-${keyLength * 8}-${mode}`;
}

function run(c: { update(d: Uint8Array): Buffer; final(): Buffer }, data: Uint8Array): Uint8Array {
  const a = c.update(data);
  let b: Buffer;
  try {
    b = c.final();
  } catch {
    a.fill(0);
    throw new PaddingError();
  }
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  a.fill(0);
  b.fill(0);
  return out;
}

export type Engine = Core | "node";

export function checkBlocks(data: Uint8Array, name: string): void {
  abytes(data, undefined, name);
  if (data.length % 16 !== 0) throw new RangeError(`"${name}" expected a multiple of 16 bytes, got ${data.length}`);
}

/** ECB; `padding` true = PKCS#7. */
export function ecb(e: Engine, cipher: BlockCipher, dir: "encrypt" | "decrypt", key: Uint8Array, data: Uint8Array, padding: boolean): Uint8Array {
  if (e !== "node") return padding ? e.ecbPkcs7(cipher, dir, key, data) : e.ecb(cipher, dir, key, data);
  const c = (dir === "encrypt" ? platform.nodeCrypto().createCipheriv : platform.nodeCrypto().createDecipheriv)(nodeName(cipher, key.length, "ecb"), key, null);
  c.setAutoPadding(padding);
  return run(c, data);
}

/** CBC; `padding` true = PKCS#7. */
export function cbc(e: Engine, cipher: BlockCipher, dir: "encrypt" | "decrypt", key: Uint8Array, iv: Uint8Array, data: Uint8Array, padding: boolean): Uint8Array {
  if (e !== "node") return padding ? e.cbcPkcs7(cipher, dir, key, iv, data) : e.cbc(cipher, dir, key, iv, data);
  const c = (dir === "encrypt" ? platform.nodeCrypto().createCipheriv : platform.nodeCrypto().createDecipheriv)(nodeName(cipher, key.length, "cbc"), key, iv);
  c.setAutoPadding(padding);
  return run(c, data);
}

/** A CTR stream (128-bit big-endian counter): `update` any number of times; `dispose` wipes the key schedule. */
export interface CtrStream {
  update(data: Uint8Array): Uint8Array;
  dispose(): void;
}

export function ctrStream(e: Engine, cipher: BlockCipher, key: Uint8Array, iv: Uint8Array): CtrStream {
  if (e !== "node") return e.createCtr(cipher, key, iv);
  const c = platform.nodeCrypto().createCipheriv(nodeName(cipher, key.length, "ctr"), key, iv);
  let done = false;
  return {
    update(data) {
      if (done) throw new Error("CTR stream disposed");
      abytes(data, undefined, "data");
      return new Uint8Array(c.update(data));
    },
    dispose() {
      done = true;
    },
  };
}
