/**
 * The server's short-lived cache of prepared symmetric key material: found only by key id, version and the exact
 * wrapped bytes; zeroed (disposed) when it expires, when it is replaced, and when the server closes. (That a
 * disabled, rotated or destroyed key is refused despite it is covered by the key-state, rotation and BYOK tests,
 * which run against servers that use it.)
 */
import { sm4Gcm } from "@openkms/crypto/sm4-gcm";
import { expect, it } from "vitest";
import { MATERIAL_TTL_MS, MaterialCache } from "../src/keys/material-cache.js";

const nonce = new Uint8Array(12);
const pt = new TextEncoder().encode("material cache");

it("hits on the same wrapped bytes, re-unwraps on others, expires and closes by zeroing", () => {
  let now = 1_000_000;
  const cache = new MaterialCache(() => now);
  let unwraps = 0;
  const material = new Uint8Array(16).fill(7);
  const unwrap = () => (unwraps++, material.slice());
  const wrappedA = new Uint8Array([1, 2, 3]);
  const k1 = cache.key("k", 1, wrappedA, sm4Gcm, unwrap);
  expect(k1.seal(nonce, pt)).toEqual(sm4Gcm.seal(material, nonce, pt));
  expect(cache.key("k", 1, wrappedA, sm4Gcm, unwrap)).toBe(k1);
  expect(unwraps).toBe(1);

  const k2 = cache.key("k", 1, new Uint8Array([1, 2, 4]), sm4Gcm, unwrap); // other wrapped bytes: re-imported material
  expect(unwraps).toBe(2);
  expect(() => k1.seal(nonce, pt)).toThrow(/disposed/);

  now += MATERIAL_TTL_MS;
  const k3 = cache.key("k", 1, new Uint8Array([1, 2, 4]), sm4Gcm, unwrap);
  expect(unwraps).toBe(3);
  expect(() => k2.seal(nonce, pt)).toThrow(/disposed/);

  cache.close();
  expect(() => k3.open(nonce, sm4Gcm.seal(material, nonce, pt))).toThrow(/disposed/);
});
