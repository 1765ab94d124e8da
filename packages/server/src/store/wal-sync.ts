/**
 * Durable SQLite commits without blocking the event loop. A connection in WAL mode with `synchronous=NORMAL` commits by
 * writing the WAL (no fsync); {@link WalSync.sync} then fsyncs (`fdatasync`) the WAL file on libuv's thread pool and
 * resolves once an fsync that began after the call has finished — so a write is acknowledged only once it is on disk,
 * as with `synchronous=FULL`, while the server keeps serving other requests. Concurrent callers share fsyncs (up to
 * {@link MAX_IN_FLIGHT} run at once; later callers wait for the next). A checkpoint of the WAL into the database file
 * still fsyncs the WAL before and the file after (SQLite's rule in WAL mode).
 *
 * One WalSync per database file (every connection to the file writes the same WAL): {@link walSyncFor}.
 * {@link durableWrites} wraps a store so that each of its methods that changed rows resolves only after the sync.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync } from "node:fs";
import type Database from "better-sqlite3";
import { FSYNCS_IN_FLIGHT } from "./fsync-concurrency.js";

export const MAX_IN_FLIGHT = FSYNCS_IN_FLIGHT;

export class WalSync {
  private fd: number | undefined;
  private inFlight = 0;
  private waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private users = 0;

  constructor(readonly walPath: string) {}

  /** Resolves once everything written to the WAL before this call is on disk; rejects with the fsync's error. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.start();
    });
  }

  /** As {@link sync}, blocking (startup, shutdown, synchronous callers). */
  syncNow(): void {
    if (!this.open()) return;
    fdatasyncSync(this.fd!);
  }

  /** Open the WAL file; false when there is none (no commit went through it: nothing to sync). */
  private open(): boolean {
    if (this.fd !== undefined) return true;
    try {
      this.fd = openSync(this.walPath, "r");
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
  }

  private start(): void {
    if (this.waiting.length === 0 || this.inFlight >= MAX_IN_FLIGHT) return;
    const batch = this.waiting;
    this.waiting = [];
    try {
      if (!this.open()) {
        for (const w of batch) w.resolve();
        return;
      }
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    this.inFlight++;
    fdatasync(this.fd!, (err) => {
      this.inFlight--;
      for (const w of batch) (err ? w.reject(err) : w.resolve());
      this.start();
      this.release();
    });
  }

  /** @internal a connection starts using this file's WAL */
  retain(): void {
    this.users++;
  }

  /** @internal a connection stopped using it; the descriptor is closed once none does and no fsync runs */
  unretain(): void {
    this.users--;
    this.release();
  }

  private release(): void {
    if (this.users > 0 || this.inFlight > 0 || this.waiting.length > 0 || this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    registry.delete(this.walPath);
  }
}

const registry = new Map<string, WalSync>();

/** The WalSync of the database at `dbPath` (shared by every connection of this process), retained for the caller. */
export function walSyncFor(dbPath: string): WalSync {
  const walPath = `${dbPath}-wal`;
  let w = registry.get(walPath);
  if (!w) {
    w = new WalSync(walPath);
    registry.set(walPath, w);
  }
  w.retain();
  return w;
}

/**
 * `store` whose methods, when they changed rows through `db` (`total_changes()` moved), resolve only after
 * `wal.sync()` — every write method, without listing them. Methods that return no promise are synced blocking.
 * `reads` names methods that only read (the hot lookups), handed out as they are.
 */
export function durableWrites<T extends object>(store: T, db: Database.Database, wal: WalSync, reads: readonly (keyof T)[] = []): T {
  const readOnly = new Set<PropertyKey>(reads);
  const changes = db.prepare<[], number>("SELECT total_changes()").pluck();
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || readOnly.has(prop)) return value;
      let w = wrapped.get(prop);
      if (!w) {
        const fn = value as (...args: unknown[]) => unknown;
        w = function (this: unknown, ...args: unknown[]) {
          const before = db.open ? changes.get() : undefined;
          const result = fn.apply(target, args);
          const changed = () => db.open && before !== undefined && changes.get() !== before;
          if (result instanceof Promise) {
            return result.then(async (r) => {
              if (changed()) await wal.sync();
              return r;
            });
          }
          if (changed()) wal.syncNow();
          return result;
        };
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}
