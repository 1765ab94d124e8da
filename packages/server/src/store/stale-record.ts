/**
 * Optimistic concurrency for shared stores (PostgreSQL): a change derived from a record that was read is written only
 * while the stored record is still what was read. When another request (on this node or another) changed it first,
 * the store throws {@link StaleRecordError} and changes nothing; the action then runs again on a fresh read
 * (actions/define.ts), answering as it would have had the requests come one after the other. The embedded store runs
 * each action's read-check-write without yielding to another request, so it never throws this.
 */

/** The record changed between the action's read and its write; nothing was written. Never reaches a caller. */
export class StaleRecordError extends Error {
  constructor(readonly id: string) {
    super(`record ${id} changed since it was read`);
    this.name = "StaleRecordError";
  }
}

/** How many times an action runs when its writes keep finding the record changed (each failure means another won). */
export const MAX_STALE_ATTEMPTS = 8;

/**
 * Run `attempt`, again while it throws {@link StaleRecordError} (at most {@link MAX_STALE_ATTEMPTS} times in all);
 * rethrows any other error, and the last StaleRecordError (an internal fault) when every attempt found a change.
 */
export async function retryingStale<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof StaleRecordError) || i >= MAX_STALE_ATTEMPTS) throw e;
    }
  }
}
