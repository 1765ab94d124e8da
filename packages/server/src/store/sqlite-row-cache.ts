/**
 * A read cache of rows for one SQLite connection that can never serve a stale row: before each read it asks SQLite
 * whether anything changed — `PRAGMA data_version` (moves when another connection, in this process or another, commits
 * to the file) and `total_changes()` (rows this connection wrote) — and forgets everything when either moved. The
 * check is one small statement; a hit saves the query. Rows are kept as SQLite returned them (callers build fresh
 * records from them, so nothing handed out is shared); at most {@link MAX_ROWS} rows are kept.
 */
import type Database from "better-sqlite3";

export const MAX_ROWS = 4096;

export class SqliteRowCache {
  private readonly token: Database.Statement<[], { v: number; c: number }>;
  private lastVersion = -1;
  private lastChanges = -1;
  private readonly rows = new Map<string, unknown>();

  constructor(db: Database.Database) {
    this.token = db.prepare<[], { v: number; c: number }>("SELECT data_version AS v, total_changes() AS c FROM pragma_data_version");
  }

  /** The row under `key`, from the cache when nothing changed since it was read, else from `read()` (undefined: none). */
  get<R>(key: string, read: () => R | undefined): R | undefined {
    const t = this.token.get()!;
    if (t.v !== this.lastVersion || t.c !== this.lastChanges) {
      this.rows.clear();
      this.lastVersion = t.v;
      this.lastChanges = t.c;
    } else if (this.rows.has(key)) {
      return this.rows.get(key) as R | undefined;
    }
    const row = read();
    if (this.rows.size >= MAX_ROWS) this.rows.clear();
    this.rows.set(key, row);
    return row;
  }
}
