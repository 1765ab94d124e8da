/**
 * A read cache of rows for one SQLite connection that never serves a row older than the request reading it:
 * - writes through this connection: `total_changes()` (a fraction of a microsecond) is compared on every read;
 * - commits by any other connection, in this process or another (`openkms admin`): `PRAGMA data_version` (about as
 *   costly as the query it saves) is compared on the first read of each event-loop turn. A request handled in a turn
 *   was read from its socket before that turn's check, so a commit that finished before the request was sent is seen.
 * Anything moved → everything is forgotten. Rows are kept as SQLite returned them (callers build fresh records from
 * them, so nothing handed out is shared); at most {@link MAX_ROWS} rows are kept.
 */
import type Database from "better-sqlite3";

export const MAX_ROWS = 4096;

export class SqliteRowCache {
  private readonly dataVersion: Database.Statement<[], number>;
  private readonly totalChanges: Database.Statement<[], number>;
  private lastVersion = -1;
  private lastChanges = -1;
  /** data_version was compared in this event-loop turn. */
  private checkedThisTurn = false;
  private readonly rows = new Map<string, unknown>();

  constructor(db: Database.Database) {
    this.dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
    this.totalChanges = db.prepare<[], number>("SELECT total_changes()").pluck();
  }

  /** The row under `key`, from the cache when nothing changed since it was read, else from `read()` (undefined: none). */
  get<R>(key: string, read: () => R | undefined): R | undefined {
    let fresh = this.totalChanges.get() === this.lastChanges;
    if (fresh && !this.checkedThisTurn) fresh = this.dataVersion.get() === this.lastVersion;
    if (!fresh) {
      this.rows.clear();
      this.lastChanges = this.totalChanges.get()!;
      this.lastVersion = this.dataVersion.get()!;
    } else if (this.rows.has(key)) {
      this.markChecked();
      return this.rows.get(key) as R | undefined;
    }
    this.markChecked();
    const row = read();
    if (this.rows.size >= MAX_ROWS) this.rows.clear();
    this.rows.set(key, row);
    return row;
  }

  private markChecked(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(() => (this.checkedThisTurn = false));
  }
}
