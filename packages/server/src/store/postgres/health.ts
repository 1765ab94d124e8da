/**
 * Whether a node on a PostgreSQL store can serve, for `GET /healthz` (http-app.ts): not when its root key was moved
 * (root-of-trust/root-fence.ts: every request is answered InternalError until a restart), nor when the database does
 * not answer `SELECT 1` within {@link HEALTH_TIMEOUT_MS}. Cheap under a load balancer's polling: at most one query in
 * flight, and its answer reused for {@link HEALTH_MAX_AGE_MS}.
 */
import type pg from "pg";
import type { RootFence } from "../../root-of-trust/root-fence.js";

/** How long the database has to answer the health query (ms). */
export const HEALTH_TIMEOUT_MS = 2000;
/** How long one answer of the database serves later health checks (ms). */
export const HEALTH_MAX_AGE_MS = 1000;

/**
 * Why the node cannot serve, or undefined when it can.
 * @returns a function resolving (never rejecting) within about {@link HEALTH_TIMEOUT_MS} with one sentence (no URL,
 *   no secret) or undefined
 */
export function pgHealth(pool: pg.Pool, fence: RootFence | undefined, nowMs: () => number = Date.now): () => Promise<string | undefined> {
  let last: { atMs: number; problem: string | undefined } | undefined;
  let inFlight: Promise<string | undefined> | undefined;
  const ask = async (): Promise<string | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`the PostgreSQL store did not answer within ${HEALTH_TIMEOUT_MS / 1000} s`), HEALTH_TIMEOUT_MS);
    });
    const query = pool.query("SELECT 1").then(
      () => undefined,
      (e: { code?: string }) => `the PostgreSQL store cannot be reached${e.code ? ` (${e.code})` : ""}`,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return async () => {
    if (fence?.reason) return fence.reason;
    if (last && nowMs() - last.atMs <= HEALTH_MAX_AGE_MS) return last.problem;
    inFlight ??= ask().then((problem) => {
      last = { atMs: nowMs(), problem };
      inFlight = undefined;
      return problem;
    });
    return inFlight;
  };
}
