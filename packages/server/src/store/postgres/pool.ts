/**
 * The PostgreSQL connection pool of one node (`pg`): bounded waits everywhere, so a database that is down or stuck
 * turns a request into an error (InternalError) within a few seconds instead of a hang, and the pool heals by itself
 * once the database is back (broken connections are dropped, new ones made on demand).
 *
 * - `connectionTimeoutMillis`: waiting for a connection (new or from the pool);
 * - `statement_timeout` (server side) and `query_timeout` (client side, for a server that does not answer at all);
 * - `idle_in_transaction_session_timeout`: a node killed mid-transaction does not hold row locks for long;
 * - TCP keepalive, so a connection to a vanished server is noticed.
 * Errors of idle connections (the server restarted) are logged, never thrown.
 */
import pg from "pg";
import type { Logger } from "pino";
import { KmsError, type ErrorCodeValue } from "../../errors.js";

/** Timeouts in ms. */
export interface PgTimeouts {
  /** Waiting for a pool connection (default 3000). */
  connectMs: number;
  /** One statement, enforced by the server (default 5000). */
  statementMs: number;
  /** One query, enforced by the client (default 7000). */
  queryMs: number;
}

export const DEFAULT_PG_TIMEOUTS: PgTimeouts = { connectMs: 3000, statementMs: 5000, queryMs: 7000 };

/** Is `url` a PostgreSQL connection URL (`postgres://` or `postgresql://`)? */
export function isPostgresUrl(url: string | undefined): url is string {
  return typeof url === "string" && /^postgres(ql)?:\/\//i.test(url);
}

/** The URL with any password replaced by `***`, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

// BIGINT (Unix seconds and ms, sequence numbers) as JS numbers: every value stored is below 2^53.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID && format !== "binary") return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as unknown as pg.CustomTypesConfig;

/**
 * A pool on `url` (size `max`, default 10).
 * @throws TypeError when `url` is not a postgres:// URL
 */
export function openPgPool(url: string, options: { max?: number; timeouts?: Partial<PgTimeouts>; logger?: Logger | undefined } = {}): pg.Pool {
  if (!isPostgresUrl(url)) throw new TypeError(`"store" expected a postgres:// URL, got ${redactUrl(url)}`);
  const t = { ...DEFAULT_PG_TIMEOUTS, ...options.timeouts };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: t.connectMs,
    statement_timeout: t.statementMs,
    query_timeout: t.queryMs,
    idle_in_transaction_session_timeout: Math.max(t.statementMs * 2, 10_000),
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: "openkms",
    types,
  });
  pool.on("error", (err) => {
    options.logger?.warn({ err: { message: err.message } }, "postgres: an idle connection failed (it was dropped)");
  });
  return pool;
}

/** The pool client type used inside transactions. */
export type PgClient = pg.PoolClient;
export type PgQueryable = pg.Pool | pg.PoolClient;

/**
 * Run `fn` in one transaction (READ COMMITTED) on a pool connection: COMMIT when it resolves, ROLLBACK when it
 * throws (then the error is rethrown). A connection that failed mid-way is destroyed, not returned to the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out connection that fails between statements (the server shut down) emits 'error' on the client:
  // without a listener that would crash the process. Note it and destroy the connection on release.
  const onError = (e: Error) => {
    broken = e;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (e) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw e;
  } finally {
    client.off("error", onError);
    client.release(broken ?? false);
  }
}

/** Is `e` a PostgreSQL unique-constraint violation (SQLSTATE 23505)? */
export const isPgUniqueViolation = (e: unknown) => (e as { code?: unknown })?.code === "23505";

/**
 * Rethrow `e`: a violation of the unique constraint `constraint` as `KmsError(code, message)` (a name already taken),
 * anything else as it is.
 */
export function rethrowNameTaken(e: unknown, constraint: string, code: ErrorCodeValue, message: string): never {
  if (isPgUniqueViolation(e) && (e as { constraint?: string }).constraint === constraint) throw new KmsError(code, message);
  throw e;
}
