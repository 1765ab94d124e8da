/**
 * An opt-in cache of data keys, so that many messages share one KMS call (encryption: one GenerateDataKey per
 * entry; decryption: one Decrypt per distinct set of encrypted data keys).
 *
 * An entry is keyed by the operation, the suite, the keyring's `cacheId` (its CMKs and client) and the canonical
 * EncryptionContext (for decryption also the encrypted data keys). It serves messages while all limits hold:
 * younger than `maxAgeSeconds`, fewer than `maxMessages` messages, fewer than `maxBytes` plaintext bytes (a one-shot
 * message is counted before it is served, so it never takes an entry past `maxBytes`; a streamed message's size is
 * unknown, so it is counted as it goes and may take its entry past `maxBytes`, after which the entry serves no more).
 * At most `maxEntries` entries (least recently used evicted first). Concurrent misses for the same entry wait for one
 * keyring call. An evicted entry's data key is zeroed at once; each message works on its own copy, which it zeroes.
 */
import { hex } from "./hex.js";
import type { DataKeyMaterials, Keyring } from "./keyring.js";

export interface DataKeyCacheOptions {
  /** Seconds an entry may serve after it was made, > 0. */
  maxAgeSeconds: number;
  /** Messages an entry may serve, ≥ 1; default 2^32. */
  maxMessages?: number;
  /** Plaintext bytes an entry may protect, ≥ 1; default 2^53 − 1. */
  maxBytes?: number;
  /** Entries held at once, ≥ 1; default 1000. */
  maxEntries?: number;
  /** Clock in Unix milliseconds (tests); default `Date.now`. */
  now?: () => number;
}

interface Entry {
  readonly dataKey: Uint8Array;
  readonly materials: DataKeyMaterials | undefined;
  readonly createdAt: number;
  messages: number;
  bytes: number;
  evicted: boolean;
}

/** What a message gets from the cache: its own copy of the data key, and a counter for streamed bytes. */
export interface CachedKey {
  dataKey: Uint8Array;
  encryptedDataKeys: DataKeyMaterials["encryptedDataKeys"];
  /** Counts `n` more plaintext bytes against the entry (streaming). */
  addBytes(n: number): void;
}

function positiveInt(v: unknown, field: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) throw new RangeError(`"${field}" expected an integer ≥ 1, got ${String(v)}`);
  return v;
}

export class DataKeyCache {
  readonly maxAgeMs: number;
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly maxEntries: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private lastSweep = 0;

  /** @throws TypeError / RangeError naming the option */
  constructor(o: DataKeyCacheOptions) {
    if (typeof o !== "object" || o === null) throw new TypeError(`"options" expected an object`);
    if (typeof o.maxAgeSeconds !== "number" || !(o.maxAgeSeconds > 0) || !Number.isFinite(o.maxAgeSeconds)) {
      throw new RangeError(`"maxAgeSeconds" expected a finite number > 0, got ${String(o.maxAgeSeconds)}`);
    }
    this.maxAgeMs = o.maxAgeSeconds * 1000;
    this.maxMessages = positiveInt(o.maxMessages, "maxMessages", 2 ** 32);
    this.maxBytes = positiveInt(o.maxBytes, "maxBytes", Number.MAX_SAFE_INTEGER);
    this.maxEntries = positiveInt(o.maxEntries, "maxEntries", 1000);
    if (o.now !== undefined && typeof o.now !== "function") throw new TypeError(`"now" expected a function`);
    this.now = o.now ?? Date.now;
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Evicts every entry (zeroing its data key). */
  clear(): void {
    for (const [k, e] of this.entries) this.evict(k, e);
  }

  private evict(key: string, e: Entry): void {
    e.evicted = true;
    e.dataKey.fill(0);
    if (this.entries.get(key) === e) this.entries.delete(key);
  }

  private usable(e: Entry, length: number | undefined, now: number): boolean {
    if (now - e.createdAt >= this.maxAgeMs || e.messages >= this.maxMessages) return false;
    return length === undefined ? e.bytes < this.maxBytes : e.bytes + length <= this.maxBytes;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [k, e] of this.entries) if (now - e.createdAt >= this.maxAgeMs) this.evict(k, e);
  }

  private serve(key: string, e: Entry, length: number | undefined): CachedKey {
    const dataKey = new Uint8Array(e.dataKey); // a copy, taken before a limit reached below evicts (zeroes) the entry
    e.messages++;
    if (length !== undefined) e.bytes += length;
    // most recently used last
    this.entries.delete(key);
    this.entries.set(key, e);
    if (e.messages >= this.maxMessages || e.bytes >= this.maxBytes) this.evict(key, e);
    return {
      dataKey,
      encryptedDataKeys: e.materials?.encryptedDataKeys ?? [],
      addBytes: (n) => {
        if (length !== undefined) return;
        e.bytes += n;
        if (!e.evicted && e.bytes >= this.maxBytes) this.evict(key, e);
      },
    };
  }

  private insert(key: string, e: Entry): void {
    this.entries.set(key, e);
    while (this.entries.size > this.maxEntries) {
      const [k, old] = this.entries.entries().next().value as [string, Entry];
      this.evict(k, old);
    }
  }

  /**
   * A data key for `key`: from a live entry, or from `fetch` (one call for all concurrent misses).
   * @param length the message's plaintext length when known (one-shot), else undefined (streaming)
   */
  private async use(key: string, length: number | undefined, fetch: () => Promise<{ dataKey: Uint8Array; materials?: DataKeyMaterials }>): Promise<CachedKey> {
    for (;;) {
      const now = this.now();
      this.sweep(now);
      const e = this.entries.get(key);
      if (e) {
        if (this.usable(e, length, now)) return this.serve(key, e, length);
        this.evict(key, e);
      }
      let p = this.pending.get(key);
      if (!p) {
        // The caller that fetches is served in the same step that stores the entry, so nothing can use it up or
        // evict it in between.
        const made = fetch().then(({ dataKey, materials }) => {
          const entry: Entry = { dataKey, materials, createdAt: this.now(), messages: 0, bytes: 0, evicted: false };
          this.insert(key, entry);
          return { entry, served: this.serve(key, entry, length) };
        });
        const shared = made.then(({ entry }) => entry);
        shared.catch(() => undefined); // waiters see the failure; no unhandled rejection when there are none
        this.pending.set(key, shared);
        try {
          return (await made).served;
        } finally {
          if (this.pending.get(key) === shared) this.pending.delete(key);
        }
      }
      await p; // a failed fetch fails every caller waiting for it
    }
  }

  /** @internal Encryption materials through the cache (see the class comment). */
  async encryptionMaterials(keyring: Keyring, suite: string, canonicalContext: Uint8Array, length: number | undefined,
    fetch: () => Promise<DataKeyMaterials>): Promise<CachedKey> {
    if (length !== undefined && length > this.maxBytes) {
      const m = await fetch();
      return { dataKey: m.dataKey, encryptedDataKeys: m.encryptedDataKeys, addBytes: () => {} };
    }
    const key = `E|${suite}|${keyring.cacheId}|${hex(canonicalContext)}`;
    return this.use(key, length, async () => {
      const m = await fetch();
      const dataKey = new Uint8Array(m.dataKey); // a copy: keyrings may return a Buffer, whose slice() is a view
      m.dataKey.fill(0);
      return { dataKey, materials: { dataKey, encryptedDataKeys: m.encryptedDataKeys } };
    });
  }

  /** @internal A decryption data key through the cache; `edkId` identifies the message's encrypted data keys. */
  async decryptionKey(keyring: Keyring, suite: string, canonicalContext: Uint8Array, edkId: string,
    fetch: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const key = `D|${suite}|${keyring.cacheId}|${hex(canonicalContext)}|${edkId}`;
    const got = await this.use(key, 0, async () => {
      const k = await fetch();
      const dataKey = new Uint8Array(k); // a copy (see above)
      k.fill(0);
      return { dataKey };
    });
    return got.dataKey;
  }
}
