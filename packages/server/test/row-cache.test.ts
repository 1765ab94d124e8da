/**
 * The store's row cache never serves a row older than the request reading it: writes through the same connection are
 * seen at once, commits by another connection (another process: `openkms admin`) from the next event-loop turn on —
 * and a request is always handled in a turn after it arrived.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { SqliteRowCache } from "../src/store/sqlite-row-cache.js";

const dir = mkdtempSync(join(tmpdir(), "openkms-row-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const nextTurn = () => new Promise((r) => setImmediate(r));

it("sees its own writes at once and other connections' commits from the next turn", async () => {
  const path = join(dir, "t.db");
  const a = new Database(path);
  a.pragma("journal_mode = WAL");
  a.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
  a.prepare("INSERT INTO t VALUES ('x', '1')").run();
  const b = new Database(path);
  const cache = new SqliteRowCache(a);
  const select = a.prepare<[string], { v: string }>("SELECT v FROM t WHERE k = ?");
  let reads = 0;
  const read = () => cache.get("x", () => (reads++, select.get("x")))?.v;
  try {
    expect(read()).toBe("1");
    expect(read()).toBe("1");
    expect(reads).toBe(1); // the second read was a hit

    a.prepare("UPDATE t SET v = '2' WHERE k = 'x'").run(); // own write: seen at once
    expect(read()).toBe("2");

    await nextTurn();
    b.prepare("UPDATE t SET v = '3' WHERE k = 'x'").run(); // another connection's commit, before this turn's check
    expect(read()).toBe("3");

    b.prepare("UPDATE t SET v = '4' WHERE k = 'x'").run(); // after this turn's check: seen from the next turn
    await nextTurn();
    expect(read()).toBe("4");
    b.prepare("DELETE FROM t WHERE k = 'x'").run();
    await nextTurn();
    expect(read()).toBeUndefined();
  } finally {
    b.close();
    a.close();
  }
});
