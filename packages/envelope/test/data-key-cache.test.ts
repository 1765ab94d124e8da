/**
 * DataKeyCache: one keyring call for concurrent misses, the limits (age, messages, bytes, entries), what the cache key
 * covers, and zeroing of evicted data keys. A counting keyring over RawKeyring stands in for the KMS (the KMS case is
 * in kms-keyrings.test.ts).
 */
import { describe, expect, it } from "vitest";
import {
  DataKeyCache, decrypt, encrypt, encryptStream, RawKeyring, type DataKeyMaterials, type Keyring,
} from "../src/node/index.js";
import { pattern, same, throughWeb } from "./_bytes.js";

function countingKeyring(name = "cache-key") {
  const inner = new RawKeyring({ keyName: name, key: new Uint8Array(32).fill(5) });
  const counts = { encrypt: 0, decrypt: 0 };
  const made: Uint8Array[] = [];
  const keyring: Keyring = {
    cacheId: inner.cacheId,
    async onEncrypt(r): Promise<DataKeyMaterials> {
      counts.encrypt++;
      await new Promise((res) => setTimeout(res, 5)); // a KMS round trip, so misses overlap
      const m = await inner.onEncrypt(r);
      made.push(m.dataKey);
      return m;
    },
    async onDecrypt(r) {
      counts.decrypt++;
      const k = await inner.onDecrypt(r);
      if (k) made.push(k);
      return k;
    },
  };
  return { keyring, counts, made };
}

const dataKeyOf = async (ct: Uint8Array) => Buffer.from((await decrypt(ct, { keyring: countingKeyring().keyring })).header.encryptedDataKeys[0]!.ciphertext).toString("hex");

describe("DataKeyCache", () => {
  it("concurrent misses for one entry make one keyring call, and the messages share its data key", async () => {
    const { keyring, counts } = countingKeyring();
    const cache = new DataKeyCache({ maxAgeSeconds: 60 });
    const cts = await Promise.all(Array.from({ length: 50 }, (_, i) => encrypt(pattern(100, i), { keyring, cache, encryptionContext: { a: "1" } })));
    expect(counts.encrypt).toBe(1);
    expect(new Set(await Promise.all(cts.map(dataKeyOf))).size).toBe(1);
    expect(cache.size).toBe(1);
    for (const [i, ct] of cts.entries()) expect(same((await decrypt(ct, { keyring })).plaintext, pattern(100, i))).toBe(true);
  });

  it("a failed keyring call fails every caller waiting for it, and the next call tries again", async () => {
    let fail = true;
    let calls = 0;
    const inner = new RawKeyring({ keyName: "k", key: new Uint8Array(32) });
    const keyring: Keyring = {
      cacheId: "flaky",
      async onEncrypt(r) {
        calls++;
        await new Promise((res) => setTimeout(res, 5));
        if (fail) throw new Error("KMS down");
        return inner.onEncrypt(r);
      },
      onDecrypt: (r) => inner.onDecrypt(r),
    };
    const cache = new DataKeyCache({ maxAgeSeconds: 60 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => encrypt(pattern(10), { keyring, cache })));
    expect(results.every((r) => r.status === "rejected" && (r.reason as { code?: string }).code === "KeyringFailure")).toBe(true);
    expect(calls).toBe(1);
    fail = false;
    await encrypt(pattern(10), { keyring, cache });
    expect(calls).toBe(2);
  });

  it("the cache key covers the suite, the keyring (CMKs) and the EncryptionContext", async () => {
    const a = countingKeyring("a"), b = countingKeyring("b");
    const cache = new DataKeyCache({ maxAgeSeconds: 60 });
    await encrypt(pattern(1), { keyring: a.keyring, cache, encryptionContext: { t: "1" } });
    await encrypt(pattern(1), { keyring: a.keyring, cache, encryptionContext: { t: "1" } });
    expect(a.counts.encrypt).toBe(1);
    await encrypt(pattern(1), { keyring: a.keyring, cache, encryptionContext: { t: "2" } });
    await encrypt(pattern(1), { keyring: a.keyring, cache }); // no context
    await encrypt(pattern(1), { keyring: a.keyring, cache, encryptionContext: { t: "1" }, suite: "SM4_GCM" });
    expect(a.counts.encrypt).toBe(4);
    await encrypt(pattern(1), { keyring: b.keyring, cache, encryptionContext: { t: "1" } });
    expect(b.counts.encrypt).toBe(1);
    expect(cache.size).toBe(5);
  });

  it("maxAgeSeconds: an entry older than the limit is not used and its data key is zeroed", async () => {
    const { keyring, counts, made } = countingKeyring();
    let now = 1_000_000;
    const cache = new DataKeyCache({ maxAgeSeconds: 10, now: () => now });
    await encrypt(pattern(1), { keyring, cache });
    now += 9_999;
    await encrypt(pattern(1), { keyring, cache });
    expect(counts.encrypt).toBe(1);
    now += 1;
    await encrypt(pattern(1), { keyring, cache });
    expect(counts.encrypt).toBe(2);
    expect(cache.size).toBe(1);
    // the keyring's own buffers are zeroed at once (the cache keeps a copy; the first entry's copy was evicted)
    expect(made.every((k) => k.every((b) => b === 0))).toBe(true);
  });

  it("maxMessages: an entry serves that many messages", async () => {
    const { keyring, counts } = countingKeyring();
    const cache = new DataKeyCache({ maxAgeSeconds: 60, maxMessages: 3 });
    for (let i = 0; i < 7; i++) await encrypt(pattern(1), { keyring, cache });
    expect(counts.encrypt).toBe(3); // 3 + 3 + 1
    const cts = await Promise.all(Array.from({ length: 9 }, () => encrypt(pattern(1), { keyring, cache })));
    expect(counts.encrypt).toBe(3 + 3); // 2 left on the third entry, then 3 + 3 + 1 … concurrent: never more than 3 per key
    const byKey = new Map<string, number>();
    for (const ct of cts) {
      const k = await dataKeyOf(ct);
      byKey.set(k, (byKey.get(k) ?? 0) + 1);
    }
    expect([...byKey.values()].every((n) => n <= 3)).toBe(true);
  });

  it("maxBytes: one-shot messages never take an entry past it; a message larger than it bypasses the cache", async () => {
    const { keyring, counts } = countingKeyring();
    const cache = new DataKeyCache({ maxAgeSeconds: 60, maxBytes: 1000 });
    await encrypt(pattern(600), { keyring, cache });
    await encrypt(pattern(400), { keyring, cache }); // 1000: still within
    expect(counts.encrypt).toBe(1);
    await encrypt(pattern(1), { keyring, cache }); // full: a new entry
    expect(counts.encrypt).toBe(2);
    await encrypt(pattern(5000), { keyring, cache }); // alone over the limit: not cached
    expect(counts.encrypt).toBe(3);
    await encrypt(pattern(1), { keyring, cache });
    expect(counts.encrypt).toBe(3); // the second entry still serves
  });

  it("maxBytes with streams: bytes are counted as they pass, and a full entry serves no further message", async () => {
    const { keyring, counts } = countingKeyring();
    const cache = new DataKeyCache({ maxAgeSeconds: 60, maxBytes: 3000 });
    await throughWeb(encryptStream({ keyring, cache, frameLength: 1024 }), [pattern(2000)]);
    await throughWeb(encryptStream({ keyring, cache, frameLength: 1024 }), [pattern(2000)]); // started under the limit
    expect(counts.encrypt).toBe(1);
    await throughWeb(encryptStream({ keyring, cache, frameLength: 1024 }), [pattern(10)]);
    expect(counts.encrypt).toBe(2);
  });

  it("maxEntries: the least recently used entry is evicted and its data key zeroed", async () => {
    const { keyring, counts } = countingKeyring();
    const cache = new DataKeyCache({ maxAgeSeconds: 60, maxEntries: 2 });
    const internals = cache as unknown as { entries: Map<string, { dataKey: Uint8Array }> };
    await encrypt(pattern(1), { keyring, cache, encryptionContext: { n: "1" } });
    const first = [...internals.entries.values()][0]!.dataKey;
    await encrypt(pattern(1), { keyring, cache, encryptionContext: { n: "2" } });
    await encrypt(pattern(1), { keyring, cache, encryptionContext: { n: "1" } }); // 1 is now the most recent
    expect(counts.encrypt).toBe(2);
    const second = [...internals.entries.values()][0]!.dataKey;
    await encrypt(pattern(1), { keyring, cache, encryptionContext: { n: "3" } }); // evicts 2
    expect(cache.size).toBe(2);
    expect(second.every((b) => b === 0)).toBe(true);
    expect(first.some((b) => b !== 0)).toBe(true);
    await encrypt(pattern(1), { keyring, cache, encryptionContext: { n: "1" } });
    expect(counts.encrypt).toBe(3);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(first.every((b) => b === 0)).toBe(true);
  });

  it("decryption: one keyring call per distinct set of encrypted data keys", async () => {
    const { keyring, counts } = countingKeyring();
    const a = await encrypt(pattern(10, 1), { keyring });
    const b = await encrypt(pattern(10, 2), { keyring });
    counts.decrypt = 0;
    const cache = new DataKeyCache({ maxAgeSeconds: 60 });
    await Promise.all([a, a, a, b, b].map((ct) => decrypt(ct, { keyring, cache })));
    expect(counts.decrypt).toBe(2);
  });

  it("options are checked, naming the field", () => {
    expect(() => new DataKeyCache({ maxAgeSeconds: 0 })).toThrow(/"maxAgeSeconds"/);
    expect(() => new DataKeyCache({ maxAgeSeconds: Infinity })).toThrow(RangeError);
    expect(() => new DataKeyCache({ maxAgeSeconds: 1, maxMessages: 0 })).toThrow(/"maxMessages"/);
    expect(() => new DataKeyCache({ maxAgeSeconds: 1, maxBytes: 1.5 })).toThrow(/"maxBytes"/);
    expect(() => new DataKeyCache({ maxAgeSeconds: 1, maxEntries: -1 })).toThrow(/"maxEntries"/);
    expect(() => new DataKeyCache(undefined as never)).toThrow(TypeError);
  });
});
