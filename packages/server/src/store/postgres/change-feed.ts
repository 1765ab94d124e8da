/**
 * A node's listening connection to PostgreSQL (`LISTEN openkms_changes`, one dedicated connection outside the pool):
 * every committed change to a cached table notifies its tag (migration 4's triggers) and the tag is dropped from the
 * node's {@link PgReadCache}.
 *
 * The barrier: a trivial query on this connection. PostgreSQL signals listeners when a notifying transaction commits,
 * before its COMMIT is acknowledged, and sends a listener its pending notifications before it answers the listener's
 * next query; so once a barrier that started after a request arrived has answered, every change committed before the
 * request was sent has been applied. Barriers are shared: a caller joins the next barrier to start (at most one in
 * flight and one waiting).
 *
 * Loss: when the connection fails, ends, or a barrier does not answer within {@link BARRIER_TIMEOUT_MS}, the cache is
 * emptied and bypassed (reads go to the database), and the feed reconnects with a growing delay (up to
 * {@link MAX_RECONNECT_DELAY_MS}); the cache is used again once `LISTEN` is back — emptied once more then, since
 * changes made meanwhile were not heard.
 */
import pg from "pg";
import type { Logger } from "pino";
import { PgReadCache } from "./read-cache.js";

/** The notification channel (migration 4). */
export const CHANNEL = "openkms_changes";
export const BARRIER_TIMEOUT_MS = 2000;
export const MAX_RECONNECT_DELAY_MS = 2000;
/** application_name of the listening connection (to tell it apart in pg_stat_activity). */
export const LISTENER_NAME = "openkms-changes";

export class PgChangeFeed {
  private client: pg.Client | undefined;
  private closed = false;
  private delay = 100;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<boolean> | undefined;
  private waiting: Promise<boolean> | undefined;

  private constructor(
    private readonly config: pg.ClientConfig,
    readonly cache: PgReadCache,
    private readonly logger: Logger | undefined,
  ) {
    cache.barrier = () => this.sync();
  }

  /**
   * Start listening for `pool`'s database (same connection settings). Resolves once listening, or after the first
   * attempt failed (the feed then keeps retrying in the background; the cache stays bypassed meanwhile).
   */
  static async start(pool: pg.Pool, cache: PgReadCache, logger?: Logger): Promise<PgChangeFeed> {
    const feed = new PgChangeFeed({ ...pool.options, application_name: LISTENER_NAME }, cache, logger);
    await feed.connect();
    return feed;
  }

  private async connect(): Promise<void> {
    this.timer = undefined;
    if (this.closed) return;
    const client = new pg.Client(this.config);
    client.on("error", (e) => this.lost(client, e));
    client.on("end", () => this.lost(client, undefined));
    client.on("notification", (m) => {
      if (this.client === client && m.channel === CHANNEL) this.cache.invalidate(m.payload ?? "*");
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      this.lost(client, e as Error);
      return;
    }
    if (this.client !== client || this.closed) return;
    this.delay = 100;
    this.cache.setListening(true);
    this.logger?.debug("postgres: listening for changes (node cache on)");
  }

  private lost(client: pg.Client, e: Error | undefined): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.cache.setListening(false);
    client.removeAllListeners("notification");
    client.end().catch(() => {});
    if (this.closed) return;
    this.logger?.warn({ err: e ? { message: e.message } : undefined }, "postgres: the change listener was lost; the node cache is off until it is back");
    this.timer = setTimeout(() => void this.connect(), this.delay);
    this.timer.unref();
    this.delay = Math.min(this.delay * 2, MAX_RECONNECT_DELAY_MS);
  }

  /** Resolves true once a barrier that started after this call has answered; false when not listening. */
  sync(): Promise<boolean> {
    if (!this.client || !this.cache.listening) return Promise.resolve(false);
    if (this.waiting) return this.waiting;
    if (!this.inFlight) return this.startBarrier();
    const waiting = this.inFlight.then(() => {
      if (this.waiting === waiting) this.waiting = undefined;
      return this.startBarrier();
    });
    this.waiting = waiting;
    return waiting;
  }

  private startBarrier(): Promise<boolean> {
    const client = this.client;
    if (!client || !this.cache.listening) return Promise.resolve(false);
    const barrier = new Promise<boolean>((resolve) => {
      const timeout = setTimeout(() => {
        this.lost(client, new Error(`no answer within ${BARRIER_TIMEOUT_MS} ms`));
        resolve(false);
      }, BARRIER_TIMEOUT_MS);
      client.query("SELECT 1").then(
        () => {
          clearTimeout(timeout);
          resolve(this.client === client && this.cache.listening);
        },
        (e: Error) => {
          clearTimeout(timeout);
          this.lost(client, e);
          resolve(false);
        },
      );
    });
    this.inFlight = barrier;
    void barrier.then(() => {
      if (this.inFlight === barrier) this.inFlight = undefined;
    });
    return barrier;
  }

  /** Stop listening and close the connection. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.cache.setListening(false);
    if (client) await client.end().catch(() => {});
  }
}
