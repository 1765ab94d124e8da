/**
 * Symmetric CMK material, unwrapped from the root key and prepared (SM4-GCM: key schedule and GHASH key), kept in
 * memory for a short while so that Encrypt / Decrypt / GenerateDataKey do not unwrap and expand the same key on every
 * request.
 *
 * - Coherent: an entry is found by key id, version and the exact wrapped bytes it came from; the key's record (state,
 *   usage, current version) is still read from the store on every request and checked before material is used, so a
 *   disabled, rotated, archived or destroyed key is refused as before — the cache only saves the unwrap.
 * - Bounded in time and space: an entry is zeroed (`dispose()`) {@link MATERIAL_TTL_MS} after it was unwrapped, when
 *   {@link MAX_ENTRIES} is reached (the oldest first), and when the server closes.
 */
import type { Aead, AeadKey } from "@openkms/crypto/aead";
import { wipe } from "@openkms/crypto/constant-time";
import { sm4GcmKey } from "@openkms/crypto/sm4-gcm";
import { ExpiringSecrets } from "./expiring-secrets.js";

export const MATERIAL_TTL_MS = 30_000;
export const MAX_ENTRIES = 1024;

/** `aead` with `material` bound: SM4-GCM prepared; otherwise (AES-256-GCM on node:crypto, nothing to precompute) a copy. */
function prepare(aead: Aead, material: Uint8Array): AeadKey {
  if (aead.name === "SM4-GCM") return sm4GcmKey(material);
  const copy = material.slice();
  let disposed = false;
  const live = () => {
    if (disposed) throw new Error(`${aead.name} key disposed`);
  };
  return {
    name: aead.name, lengths: aead.lengths,
    seal: (nonce, plaintext, aad) => (live(), aead.seal(copy, nonce, plaintext, aad)),
    open: (nonce, sealed, aad) => (live(), aead.open(copy, nonce, sealed, aad)),
    dispose() {
      disposed = true;
      wipe(copy);
    },
  };
}

export class MaterialCache {
  private readonly cache: ExpiringSecrets<AeadKey>;

  constructor(now: () => number = Date.now) {
    this.cache = new ExpiringSecrets({ ttlMs: MATERIAL_TTL_MS, maxEntries: MAX_ENTRIES, dispose: (key) => key.dispose(), now });
  }

  /**
   * The prepared key of version `version` of `keyId`, whose stored (root-wrapped) material is `wrapped`.
   * @param unwrap unwraps `wrapped` (called on a miss; the returned bytes are zeroed here once prepared)
   */
  key(keyId: string, version: number, wrapped: Uint8Array, aead: Aead, unwrap: () => Uint8Array): AeadKey {
    return this.cache.get(`${keyId}/${version}/${aead.name}`, wrapped, () => {
      const material = unwrap();
      try {
        return prepare(aead, material);
      } finally {
        wipe(material);
      }
    });
  }

  /** Zero every entry and stop the timer. */
  close(): void {
    this.cache.close();
  }
}
