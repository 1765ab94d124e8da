/**
 * A small in-memory cache of secrets derived from wrapped values (unwrapped CMK material, TC3 signing keys), shared by
 * keys/material-cache.ts and accounts/signing-keys.ts:
 *
 * - an entry is found by its id and the exact wrapped bytes it came from (a changed stored value is a miss, and the
 *   old entry is disposed);
 * - bounded in time and space: an entry is disposed `ttlMs` after it was made, when `maxEntries` is reached (the
 *   oldest first), and on {@link ExpiringSecrets.close}; a timer (unref'd) sweeps expired entries.
 */

interface Entry<V> {
  /** A copy of the wrapped bytes the value came from. */
  wrapped: Buffer;
  value: V;
  expiresAt: number;
}

export interface ExpiringSecretsOptions<V> {
  /** Milliseconds an entry is used after it was made. */
  ttlMs: number;
  maxEntries: number;
  /** Zero (or otherwise destroy) a value that leaves the cache. */
  dispose: (value: V) => void;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
}

export class ExpiringSecrets<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly opts: ExpiringSecretsOptions<V>) {
    this.now = opts.now ?? Date.now;
    this.timer = setInterval(() => this.sweep(), opts.ttlMs);
    this.timer.unref();
  }

  /**
   * The value for `id` made from the stored bytes `wrapped`, made now by `make` on a miss (a throw from it caches
   * nothing).
   */
  get(id: string, wrapped: Uint8Array, make: () => V): V {
    const stored = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
    const hit = this.entries.get(id);
    if (hit && hit.wrapped.equals(stored) && this.now() < hit.expiresAt) return hit.value;
    if (hit) this.drop(id, hit);
    const value = make();
    if (this.entries.size >= this.opts.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.drop(oldest, entry);
    }
    this.entries.set(id, { wrapped: Buffer.from(stored), value, expiresAt: this.now() + this.opts.ttlMs });
    return value;
  }

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Dispose of every entry and stop the timer. */
  close(): void {
    clearInterval(this.timer);
    for (const [id, e] of this.entries) this.drop(id, e);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, e] of this.entries) if (now >= e.expiresAt) this.drop(id, e);
  }

  private drop(id: string, e: Entry<V>): void {
    this.entries.delete(id);
    this.opts.dispose(e.value);
  }
}
