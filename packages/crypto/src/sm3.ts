/**
 * SM3 cryptographic hash (GB/T 32905-2016): any-length message → 32-byte digest.
 * Backend (see `./backend`): the WASM core by default; `node:crypto` (OpenSSL `sm3`) with `"node"`.
 */
import { platform } from "#platform";
import { abytes } from "./_validate.js";
import { engine } from "./backend.js";

/** SM3 byte lengths: digest 32 B, block 64 B. */
export const lengths = { digest: 32, block: 64 } as const;

/** A streaming SM3 computation: `update` any number of times, then `digest` once. */
export interface Sm3 {
  /** Absorbs `data` (any length). @throws TypeError on a non-Uint8Array; Error after `digest` */
  update(data: Uint8Array): Sm3;
  /** @returns the 32-byte digest; the object is wiped and refuses further use */
  digest(): Uint8Array;
}

/**
 * SM3 of `message`.
 * @param message any length
 * @returns 32-byte digest
 */
export function sm3(message: Uint8Array): Uint8Array {
  abytes(message, undefined, "message");
  const e = engine(false);
  if (e === "node") return new Uint8Array(platform.nodeCrypto().createHash("sm3").update(message).digest());
  return e.sm3(message);
}

/** A streaming SM3: the digest equals {@link sm3} of the concatenated inputs, whatever the split points. */
export function createSm3(): Sm3 {
  const e = engine(false);
  if (e !== "node") return e.createSm3();
  const h = platform.nodeCrypto().createHash("sm3");
  let done = false;
  const s: Sm3 = {
    update(data) {
      if (done) throw new Error("SM3 hasher already finalised");
      abytes(data, undefined, "data");
      h.update(data);
      return s;
    },
    digest() {
      if (done) throw new Error("SM3 hasher already finalised");
      done = true;
      return new Uint8Array(h.digest());
    },
  };
  return s;
}
