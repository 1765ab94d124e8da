/**
 * The PostgreSQL node cache on its own (store/postgres/read-cache.ts): bypassed while not listening, invalidated by
 * tag, a fill that raced an invalidation is not kept, entries expire, the size is bounded, missing rows are not kept.
 */
import { describe, expect, it } from "vitest";
import { ALL, ENTRY_TTL_MS, MAX_ENTRIES, PgReadCache } from "../src/store/postgres/read-cache.js";

/** A cache at a manual time, listening, and a read that counts how often it reached "the database". */
function setup() {
  let now = 1_000_000;
  const cache = new PgReadCache(() => now);
  cache.setListening(true);
  const db = new Map<string, string>([["k:1", "one"], ["k:2", "two"]]);
  let reads = 0;
  const read = (id: string) => async () => {
    reads++;
    return db.get(id);
  };
  return { cache, db, read, reads: () => reads, advance: (ms: number) => (now += ms) };
}

describe("the PostgreSQL node cache", () => {
  it("serves a row from memory until its tag is invalidated", async () => {
    const { cache, db, read, reads } = setup();
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("one");
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("one");
    expect(reads()).toBe(1);
    db.set("k:1", "changed");
    cache.invalidate("k:1");
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("changed");
    expect(reads()).toBe(2);
    // Another tag's invalidation leaves it; ALL drops everything.
    cache.invalidate("k:2");
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("changed");
    expect(reads()).toBe(2);
    cache.invalidate(ALL);
    await cache.get("k:1", "key", read("k:1"));
    expect(reads()).toBe(3);
  });

  it("is bypassed while not listening, and starts empty when listening again", async () => {
    const { cache, db, read, reads } = setup();
    await cache.get("k:1", "key", read("k:1"));
    cache.setListening(false);
    expect(await cache.sync()).toBe(false);
    db.set("k:1", "while deaf");
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("while deaf");
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("while deaf");
    expect(reads()).toBe(3);
    cache.setListening(true);
    db.set("k:1", "after");
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("after");
    expect(reads()).toBe(4);
  });

  it("does not keep a row read while an invalidation arrived (it may predate the change)", async () => {
    const { cache, db, reads } = setup();
    let release!: () => void;
    const slow = async () => {
      const before = db.get("k:1");
      await new Promise<void>((r) => (release = r));
      return before;
    };
    const pending = cache.get("k:1", "key", slow);
    db.set("k:1", "new");
    cache.invalidate("k:1");
    release();
    expect(await pending).toBe("one");
    let fresh = 0;
    expect(await cache.get("k:1", "key", async () => (fresh++, db.get("k:1")))).toBe("new");
    expect(fresh).toBe(1);
    expect(reads()).toBe(0);
  });

  it("never keeps a missing row; forgets a row after its time to live", async () => {
    const { cache, db, read, reads, advance } = setup();
    expect(await cache.get("k:9", "key", read("k:9"))).toBeUndefined();
    expect(await cache.get("k:9", "key", read("k:9"))).toBeUndefined();
    expect(reads()).toBe(2);
    await cache.get("k:1", "key", read("k:1"));
    db.set("k:1", "unnotified");
    advance(ENTRY_TTL_MS - 1);
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("one");
    advance(1);
    expect(await cache.get("k:1", "key", read("k:1"))).toBe("unnotified");
  });

  it("holds at most MAX_ENTRIES rows, dropping the oldest tags first", async () => {
    const { cache } = setup();
    let reads = 0;
    const counted = async () => (reads++, "row");
    for (let i = 0; i < MAX_ENTRIES + 10; i++) await cache.get(`k:${i}`, "key", counted);
    expect(reads).toBe(MAX_ENTRIES + 10);
    await cache.get(`k:${MAX_ENTRIES + 9}`, "key", counted);
    expect(reads).toBe(MAX_ENTRIES + 10);
    await cache.get("k:0", "key", counted);
    expect(reads).toBe(MAX_ENTRIES + 11);
  });

  it("drops the tags a local write touches, also when the write fails", async () => {
    const { cache, read, reads } = setup();
    await cache.get("k:1", "key", read("k:1"));
    await expect(cache.writing(["k:1"], async () => {
      throw new Error("commit outcome unknown");
    })).rejects.toThrow(/unknown/);
    await cache.get("k:1", "key", read("k:1"));
    expect(reads()).toBe(2);
  });
});
