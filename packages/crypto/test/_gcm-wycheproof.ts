/** One Wycheproof GCM test case (`key`, `iv`, `aad`, `msg`, `ct`, `tag`, hex) checked against an AEAD. */
import { expect } from "vitest";
import { isAuthenticationError } from "../src/aead.js";
import type { WycheproofTest } from "./neutral/_io.js";
import { thrown } from "./_thrown.js";
import { hex, toHex } from "./_vectors.js";

/** What is checked: one-shot `seal` / `open` (a prepared key is wrapped to this shape). */
export interface GcmUnderTest {
  seal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  open(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

/** A valid case: `seal` gives ct ‖ tag and `open` gives msg back; any other: `open` throws an AuthenticationError. */
export function expectGcmCase(aead: GcmUnderTest, test: WycheproofTest): void {
  const key = hex(test.key as string), iv = hex(test.iv as string), aad = hex(test.aad as string);
  const msg = hex(test.msg as string), sealed = hex((test.ct as string) + (test.tag as string));
  if (test.result === "valid") {
    expect(toHex(aead.seal(key, iv, msg, aad))).toBe(toHex(sealed));
    expect(toHex(aead.open(key, iv, sealed, aad))).toBe(toHex(msg));
  } else {
    expect(isAuthenticationError(thrown(() => aead.open(key, iv, sealed, aad)))).toBe(true);
  }
}
