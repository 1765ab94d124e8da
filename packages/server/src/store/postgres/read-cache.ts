/**
 * A node's bounded cache of the PostgreSQL rows every request reads (credentials, accounts, policies, keys and key
 * versions), kept coherent by the change feed (change-feed.ts):
 * - rows are grouped under a tag naming what a change touches (`k:<KeyId>` a key and its versions, `c:<SecretId>`,
 *   `a:<uin>`, `p:<uin>` an account's policies); every committed change notifies its tag (triggers in migrations.ts,
 *   so every writer — any node, `openkms admin`, the schedulers, hand-written SQL — is covered) and the tag is dropped;
 * - a request's first read (the credential) waits for {@link sync}: a round trip on the listening connection that
 *   started after the request arrived, so every notification of a change committed before it has been applied;
 * - while the feed is not listening (not yet connected, connection lost, reconnecting) the cache is empty and bypassed:
 *   every read goes to the database, as without a cache;
 * - a read that was in flight while anything was invalidated is not kept (it may predate the change);
 * - an entry is kept at most {@link ENTRY_TTL_MS} (a safety net for writes that bypass triggers), at most
 *   {@link MAX_ENTRIES} entries (the oldest tag goes first); missing rows are never cached.
 * Rows are kept as the driver returned them; callers build fresh records from them, so nothing handed out is shared.
 */

export const MAX_ENTRIES = 4096;
export const ENTRY_TTL_MS = 500;
/** The tag whose notification drops everything (TRUNCATE, a deleted account's credentials). */
export const ALL = "*";

interface Entry {
  row: unknown;
  at: number;
}

export class PgReadCache {
  /** tag → (what under that tag → entry); Map order = insertion order, the oldest tag first. */
  private readonly tags = new Map<string, Map<string, Entry>>();
  private size = 0;
  /** Moves on every invalidation: a fill that saw it move while reading is dropped. */
  private epoch = 0;
  private usable = false;
  /** The listener's barrier (change-feed.ts); false = not listening. */
  barrier: () => Promise<boolean> = async () => false;

  constructor(private readonly now: () => number = Date.now) {}

  /** Is the cache in use (the feed is listening)? */
  get listening(): boolean {
    return this.usable;
  }

  /** The feed started (true) or stopped (false) listening: either way everything cached so far is forgotten. */
  setListening(listening: boolean): void {
    this.usable = listening;
    this.invalidate(ALL);
  }

  /** Forget what `tag` holds ({@link ALL}: everything). */
  invalidate(tag: string): void {
    this.epoch++;
    if (tag === ALL) {
      this.tags.clear();
      this.size = 0;
      return;
    }
    const group = this.tags.get(tag);
    if (!group) return;
    this.size -= group.size;
    this.tags.delete(tag);
  }

  /**
   * Wait until every change committed before this call is reflected here (one round trip on the listening connection,
   * shared by the reads that ask meanwhile).
   * @returns false when the cache is not in use (reads then go to the database)
   */
  async sync(): Promise<boolean> {
    if (!this.usable) return false;
    return this.barrier();
  }

  /**
   * The row under `tag`/`what`: from the cache when in use and fresh, else from `read()` (kept when found, in use,
   * and nothing was invalidated meanwhile).
   */
  async get<R>(tag: string, what: string, read: () => Promise<R | undefined>): Promise<R | undefined> {
    if (!this.usable) return read();
    const hit = this.tags.get(tag)?.get(what);
    if (hit && this.now() - hit.at < ENTRY_TTL_MS) return hit.row as R;
    const epoch = this.epoch;
    const row = await read();
    if (row !== undefined && this.usable && epoch === this.epoch) this.put(tag, what, row);
    return row;
  }

  /** Run a write, then forget `tags` (also when it failed: it may have committed). */
  async writing<T>(tags: readonly string[], write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      for (const t of tags) this.invalidate(t);
    }
  }

  private put(tag: string, what: string, row: unknown): void {
    let group = this.tags.get(tag);
    if (!group) {
      while (this.size >= MAX_ENTRIES && this.tags.size) {
        const [oldest, g] = this.tags.entries().next().value!;
        this.size -= g.size;
        this.tags.delete(oldest);
      }
      group = new Map();
      this.tags.set(tag, group);
    }
    if (!group.has(what)) this.size++;
    group.set(what, { row, at: this.now() });
  }
}
