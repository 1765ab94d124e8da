/**
 * Algorithm suites: the frame cipher, its key length, and its one-byte id in the header.
 *
 * - `AES_256_GCM` (id 0x02): AES-256-GCM (FIPS 197, SP 800-38D) through the runtime binding (node:crypto / WebCrypto).
 * - `SM4_GCM` (id 0x01): SM4-GCM (GB/T 32907, RFC 8998) through `@openkms/crypto/sm4-gcm` (the WASM core).
 *
 * Both: 12-byte nonces, 16-byte tags; the frame key is derived per message (see `key-schedule.ts`). The ids are the
 * server's symmetric algorithm ids (SM4_GCM = 1, AES_256_GCM = 2).
 */
import { ready } from "@openkms/crypto/backend";
import { sm4GcmKey } from "@openkms/crypto/sm4-gcm";
import { joinBytes } from "./concat-bytes.js";
import { platform, type GcmKey } from "./platform.js";

export type Suite = "SM4_GCM" | "AES_256_GCM";

export interface SuiteInfo {
  readonly name: Suite;
  readonly id: number;
  /** Frame key length in bytes. */
  readonly keyLength: number;
}

export const SUITES: Readonly<Record<Suite, SuiteInfo>> = Object.freeze({
  SM4_GCM: Object.freeze({ name: "SM4_GCM", id: 0x01, keyLength: 16 }),
  AES_256_GCM: Object.freeze({ name: "AES_256_GCM", id: 0x02, keyLength: 32 }),
});

/** The suite of a header id, or undefined. */
export function suiteById(id: number): SuiteInfo | undefined {
  return id === 0x01 ? SUITES.SM4_GCM : id === 0x02 ? SUITES.AES_256_GCM : undefined;
}

/** Checks an option value. @throws RangeError naming `field` */
export function suiteInfo(name: unknown, field = "suite"): SuiteInfo {
  if (name !== "SM4_GCM" && name !== "AES_256_GCM") {
    throw new RangeError(`"${field}" expected "SM4_GCM" or "AES_256_GCM", got ${String(name)}`);
  }
  return SUITES[name];
}

/** SM4-GCM as a {@link GcmKey}, on the facade's prepared key (synchronous WASM calls). */
function sm4FrameKey(key: Uint8Array): GcmKey {
  const k = sm4GcmKey(key);
  return {
    async seal(nonce, aad, plaintext) {
      return [k.seal(nonce, joinBytes(plaintext), aad)];
    },
    async open(nonce, aad, ciphertext, tag) {
      return [k.open(nonce, joinBytes(ciphertext, tag), aad)];
    },
    dispose: () => k.dispose(),
  };
}

/** The frame cipher of `suite` under `key` (`suite.keyLength` bytes; the caller may zero `key` afterwards). */
export async function frameKey(suite: SuiteInfo, key: Uint8Array): Promise<GcmKey> {
  if (suite.name === "AES_256_GCM") return platform().aes256GcmKey(key);
  await ready(); // the WASM core (compiled asynchronously in browsers; at once in Node)
  return sm4FrameKey(key);
}
