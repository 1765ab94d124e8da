/** Types of _postgres.mjs (a throwaway PostgreSQL for tests and benchmarks). */
/** The newest installed PostgreSQL's bin dir, or undefined. */
export function pgBinDir(): string | undefined;
export function pgAvailable(): boolean;
/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;

export interface TestPostgres {
  readonly port: number;
  /** Create a fresh database; resolves with its `postgres://` URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stop the server (`immediate`: like a crash, no checkpoint) without removing anything; `start()` again later. */
  halt(mode?: "fast" | "immediate"): void;
  start(): void;
  /** Stop and remove everything (idempotent). */
  stop(): Promise<void>;
}

/**
 * Start a PostgreSQL instance in a new temp dir; `settings`: extra `name=value` server settings (`-c`).
 * @throws when no PostgreSQL is installed or it does not start
 */
export function startPostgres(options?: { settings?: string[] }): Promise<TestPostgres>;
