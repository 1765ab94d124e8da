/**
 * TC3 signing keys (reference §2.3: HMAC-SHA-256 chain "TC3"+SecretKey → date → service → "tc3_request", 32 bytes)
 * of the server's credentials, kept in memory for a short while so that a request does not unwrap its SecretKey from
 * the root key and run the four-HMAC derivation again every time.
 *
 * - Coherent: an entry is found by SecretId, date, service and the exact wrapped SecretKey bytes it came from; the
 *   credential's row (status, owner) is still read from the store and checked on every request before a key is used,
 *   so a disabled, deleted or re-issued credential is refused or re-derived as before — the cache only saves the
 *   unwrap and the derivation.
 * - No SecretKey is kept, and none becomes a (non-zeroable) string: the unwrapped bytes are hashed straight into the
 *   chain and zeroed; entries are zeroed {@link SIGNING_KEY_TTL_MS} after derivation, when {@link MAX_SIGNING_KEYS} is
 *   reached (the oldest first) and when the server closes.
 */
import { wipe } from "@openkms/crypto/constant-time";
import { hmacSha256 } from "@openkms/crypto/sha256";
import { ExpiringSecrets } from "../keys/expiring-secrets.js";

export const SIGNING_KEY_TTL_MS = 30_000;
export const MAX_SIGNING_KEYS = 1024;

const ENCODER = new TextEncoder();

/**
 * The TC3 signing key of a SecretKey given as bytes (UTF-8), without making a string of it.
 * @param secretKey the SecretKey's bytes (not modified)
 * @param date `YYYY-MM-DD` (UTC) of the request's credential scope
 * @param service the credential scope's service (`kms`)
 * @returns 32 bytes, the caller's to zero
 */
export function signingKeyFromBytes(secretKey: Uint8Array, date: string, service: string): Uint8Array {
  const seed = new Uint8Array(3 + secretKey.length);
  seed.set(ENCODER.encode("TC3"));
  seed.set(secretKey, 3);
  const kDate = hmacSha256(seed, ENCODER.encode(date));
  wipe(seed);
  const kService = hmacSha256(kDate, ENCODER.encode(service));
  wipe(kDate);
  const kSigning = hmacSha256(kService, ENCODER.encode("tc3_request"));
  wipe(kService);
  return kSigning;
}

export class SigningKeyCache {
  private readonly cache: ExpiringSecrets<Uint8Array>;

  constructor(now: () => number = Date.now) {
    this.cache = new ExpiringSecrets({ ttlMs: SIGNING_KEY_TTL_MS, maxEntries: MAX_SIGNING_KEYS, dispose: (key) => wipe(key), now });
  }

  /**
   * The signing key of `secretId` for `date` and `service`, whose stored (root-wrapped) SecretKey is `wrapped`.
   * @param unwrap unwraps `wrapped` to the SecretKey's bytes (called on a miss; zeroed here once derived)
   * @returns 32 bytes owned by the cache: the caller must neither keep nor zero them
   */
  signingKey(secretId: string, date: string, service: string, wrapped: Uint8Array, unwrap: () => Uint8Array): Uint8Array {
    return this.cache.get(`${secretId}\n${date}\n${service}`, wrapped, () => {
      const secret = unwrap();
      try {
        return signingKeyFromBytes(secret, date, service);
      } finally {
        wipe(secret);
      }
    });
  }

  /** Number of keys held (tests). */
  get size(): number {
    return this.cache.size;
  }

  /** Zero every entry and stop the timer. */
  close(): void {
    this.cache.close();
  }
}
