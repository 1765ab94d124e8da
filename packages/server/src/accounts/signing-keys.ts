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

export const SIGNING_KEY_TTL_MS = 30_000;
export const MAX_SIGNING_KEYS = 1024;

const ENCODER = new TextEncoder();

interface Entry {
  wrapped: string;
  key: Uint8Array;
  expiresAt: number;
}

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
  private readonly entries = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.timer = setInterval(() => this.sweep(), SIGNING_KEY_TTL_MS);
    this.timer.unref();
  }

  /**
   * The signing key of `secretId` for `date` and `service`, whose stored (root-wrapped) SecretKey is `wrapped`.
   * @param unwrap unwraps `wrapped` to the SecretKey's bytes (called on a miss; zeroed here once derived)
   * @returns 32 bytes owned by the cache: the caller must neither keep nor zero them
   */
  signingKey(secretId: string, date: string, service: string, wrapped: Uint8Array, unwrap: () => Uint8Array): Uint8Array {
    const id = `${secretId}\n${date}\n${service}`;
    const tag = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength).toString("base64");
    const hit = this.entries.get(id);
    if (hit && hit.wrapped === tag && this.now() < hit.expiresAt) return hit.key;
    if (hit) this.drop(id, hit);
    const secret = unwrap();
    let key: Uint8Array;
    try {
      key = signingKeyFromBytes(secret, date, service);
    } finally {
      wipe(secret);
    }
    if (this.entries.size >= MAX_SIGNING_KEYS) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.drop(oldest, entry);
    }
    this.entries.set(id, { wrapped: tag, key, expiresAt: this.now() + SIGNING_KEY_TTL_MS });
    return key;
  }

  /** Number of keys held (tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Zero every entry and stop the timer. */
  close(): void {
    clearInterval(this.timer);
    for (const [id, e] of this.entries) this.drop(id, e);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, e] of this.entries) if (now >= e.expiresAt) this.drop(id, e);
  }

  private drop(id: string, e: Entry): void {
    this.entries.delete(id);
    wipe(e.key);
  }
}
