/**
 * The scheduler: time-driven key changes (reference §3.1, §3.8, §3.9; docs/key-states.md).
 *
 * `runDue()` does, for every account, whatever is due at the clock's now:
 * - destroys import parameters (wrapping private keys) whose 24 h have passed;
 * - destroys keys whose DeletionDate has come (record, every version's material, import parameters, material check)
 *   — after which the key is `ResourceUnavailable.CmkNotFound`;
 * - destroys imported material whose ValidTo has come (the key becomes PendingImport, or stays PendingDelete);
 * - rotates Enabled keys with rotation enabled whose NextRotateTime has come;
 * - destroys hosted data keys whose DeletionDate has come (record and every version) — after which the data key is
 *   `ResourceUnavailable.DataKeyNotFound`.
 *
 * `createKmsServer` runs it once before serving — so dates that passed while the server was down are handled at
 * start — and then every `intervalSeconds` on an unref'd timer; `close()` stops the timer and waits for a run in
 * progress. Runs never overlap (a call during a run returns that run). Every write is conditional on what made it due
 * (store.destroyKeyIfDue, expireMaterial, rotateKey) and touches only its own columns, so a request that changed the
 * key since the due list was read wins, and several nodes on one store may run the scheduler at the same time.
 * Each change is logged and handed to the `onKeyEvent` listener (key-events.ts).
 */
import type { Logger } from "pino";
import { unixSeconds, type Clock } from "./clock.js";
import type { EditionProfile } from "./edition.js";
import type { KeyEvent, KeyEventListener } from "./key-events.js";
import { isDeletionDue, isMaterialExpired, isRotationDue } from "./keys/due-state.js";
import { rotateKeyNow } from "./keys/rotation.js";
import type { RootOfTrust } from "./root-key.js";
import type { KeyStore } from "./store/types.js";

/** Seconds between scheduler runs unless configured. */
export const DEFAULT_SCHEDULER_INTERVAL_SECONDS = 60;

export interface SchedulerOptions {
  store: KeyStore;
  root: RootOfTrust;
  profile: EditionProfile;
  clock: Clock;
  logger: Logger;
  onKeyEvent?: KeyEventListener | undefined;
  /** Seconds between runs (default 60); 0 = no timer (runs only when `runDue()` is called). */
  intervalSeconds?: number | undefined;
  /**
   * More time-driven work, run after the keys' in every run with the run's Unix seconds (the product gateway's
   * scheduled rotations, gateway/rotation.ts). A task that throws is logged; the others still run.
   */
  tasks?: readonly SchedulerTask[] | undefined;
}

/** A named piece of time-driven work for {@link SchedulerOptions.tasks}. */
export interface SchedulerTask {
  name: string;
  run(nowSeconds: number): Promise<unknown>;
}

/** Counts of what one run did. */
export interface DueReport {
  deleted: number;
  rotated: number;
  materialExpired: number;
  importParametersExpired: number;
  dataKeysDeleted: number;
}

export interface Scheduler {
  /** Do everything due now; resolves when done. Never rejects: a failing key is logged and the others go on. */
  runDue(): Promise<DueReport>;
  /** Start the timer (idempotent). */
  start(): void;
  /** Stop the timer and wait for a run in progress. */
  stop(): Promise<void>;
}

/** A scheduler over `opts.store`; not running until `start()` (createKmsServer runs `runDue()` once, then starts it). */
export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { store, root, profile, clock, logger } = opts;
  const intervalMs = (opts.intervalSeconds ?? DEFAULT_SCHEDULER_INTERVAL_SECONDS) * 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DueReport> | undefined;

  async function emit(event: KeyEvent): Promise<void> {
    logger.info({ event }, "key event");
    if (!opts.onKeyEvent) return;
    try {
      await opts.onKeyEvent(event);
    } catch (err) {
      logger.error({ event: event.type, keyId: event.keyId, err: { message: (err as Error)?.message } }, "key event listener failed");
    }
  }

  async function run(): Promise<DueReport> {
    const now = unixSeconds(clock);
    const report: DueReport = { deleted: 0, rotated: 0, materialExpired: 0, importParametersExpired: 0, dataKeysDeleted: 0 };
    await runKeys(now, report);
    for (const task of opts.tasks ?? []) {
      try {
        await task.run(now);
      } catch (err) {
        logger.error({ task: task.name, err: { message: (err as Error)?.message } }, "scheduler: task failed");
      }
    }
    return report;
  }

  async function runKeys(now: number, report: DueReport): Promise<DueReport> {
    try {
      for (const dk of await store.dueDataKeys(now)) {
        try {
          if (await store.destroyDataKeyIfDue(dk.dataKeyId, now)) {
            report.dataKeysDeleted++;
            await emit({ type: "DataKeyDeleted", keyId: dk.dataKeyId, uin: dk.uin, at: now, deletionDate: dk.deletionDate, cmkKeyId: dk.keyId });
          }
        } catch (err) {
          logger.error({ dataKeyId: dk.dataKeyId, err: { message: (err as Error)?.message } }, "scheduler: data key deletion failed");
        }
      }
    } catch (err) {
      logger.error({ err: { message: (err as Error)?.message } }, "scheduler: listing due data keys failed");
    }
    try {
      for (const keyId of await store.deleteExpiredImportTokens(now)) {
        report.importParametersExpired++;
        await emit({ type: "ImportParametersExpired", keyId, at: now });
      }
    } catch (err) {
      logger.error({ err: { message: (err as Error)?.message } }, "scheduler: expiring import parameters failed");
    }
    let due;
    try {
      due = await store.dueKeys(now);
    } catch (err) {
      logger.error({ err: { message: (err as Error)?.message } }, "scheduler: listing due keys failed");
      return report;
    }
    for (const key of due) {
      try {
        if (isDeletionDue(key, now)) {
          if (await store.destroyKeyIfDue(key.keyId, now)) {
            report.deleted++;
            await emit({ type: "KeyDeleted", keyId: key.keyId, uin: key.uin, at: now, deletionDate: key.deletionDate });
          }
          continue;
        }
        if (isMaterialExpired(key, now)) {
          const keyState = await store.expireMaterial(key.keyId, key.validTo, now);
          if (keyState) {
            report.materialExpired++;
            await emit({ type: "KeyMaterialExpired", keyId: key.keyId, uin: key.uin, at: now, validTo: key.validTo, keyState });
          }
          continue;
        }
        if (isRotationDue(key, now)) {
          const rotated = await rotateKeyNow({ store, root, profile }, key, now);
          if (rotated) {
            report.rotated++;
            await emit({ type: "KeyRotated", keyId: key.keyId, uin: key.uin, at: now, version: rotated.currentVersion, nextRotateTime: rotated.nextRotateTime });
          }
        }
      } catch (err) {
        logger.error({ keyId: key.keyId, err: { message: (err as Error)?.message } }, "scheduler: key change failed");
      }
    }
    return report;
  }

  const scheduler: Scheduler = {
    runDue() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    start() {
      if (timer || intervalMs <= 0) return;
      timer = setInterval(() => void scheduler.runDue(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (running) await running;
    },
  };
  return scheduler;
}
