/**
 * A node's guard against serving a PostgreSQL store whose root key is being moved (`openkms admin rewrap --store`,
 * pg-rewrap.ts). Every {@link ROOT_FENCE_POLL_MS} the node reads meta `rewrap-target` and `root-check`; once the
 * marker is there, or the root check is no longer the one the node verified at start (the move finished), the node
 * is fenced for good: every wrap or unwrap under its root and every audit record fails with RootUnavailableError, so
 * every request is answered `InternalError` (nothing applied) until the node is restarted with the new root. A poll
 * that cannot reach the database changes nothing (the requests fail on the database anyway).
 */
import type pg from "pg";
import type { Logger } from "pino";
import type { AuditSink } from "../audit/log.js";
import { RootUnavailableError, type RootOfTrust } from "../root-key.js";
import { REWRAP_MARKER } from "./rewrap.js";

/** How often a node reads the marker (ms). */
export const ROOT_FENCE_POLL_MS = 1000;

export interface RootFence {
  /** Why the node is fenced, or undefined while it is not. */
  readonly reason: string | undefined;
  /** @throws RootUnavailableError once the node is fenced */
  check(): void;
  /** Stop polling. */
  close(): void;
}

/**
 * Start watching the store behind `pool`.
 * @param rootCheck the meta `root-check` value (base64) the node verified its root against at start
 * @param options.intervalMs poll interval (default {@link ROOT_FENCE_POLL_MS})
 */
export function watchRootFence(pool: pg.Pool, rootCheck: string, options: { intervalMs?: number; logger?: Logger | undefined } = {}): RootFence {
  let reason: string | undefined;
  let busy = false;
  const poll = async () => {
    if (busy || reason) return;
    busy = true;
    try {
      const { rows } = await pool.query<{ name: string; value: string }>("SELECT name, value FROM meta WHERE name = ANY($1)", [[REWRAP_MARKER, "root-check"]]);
      const marker = rows.find((r) => r.name === REWRAP_MARKER)?.value;
      const check = rows.find((r) => r.name === "root-check")?.value;
      if (marker !== undefined) reason = `the store's root key is being moved to ${marker} (openkms admin rewrap): restart this node with the new root key`;
      else if (check !== rootCheck) reason = "the store's root key was moved (openkms admin rewrap): restart this node with the new root key";
      if (reason) options.logger?.error({ reason }, "root key moved: answering InternalError until restarted");
    } catch {
      // Unreachable database: the requests fail there anyway; the next poll tries again.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), options.intervalMs ?? ROOT_FENCE_POLL_MS);
  timer.unref();
  return {
    get reason() {
      return reason;
    },
    check() {
      if (reason) throw new RootUnavailableError(reason);
    },
    close() {
      clearInterval(timer);
    },
  };
}

/** `root`, refusing every wrap and unwrap once `fence` is up. */
export function fencedRoot(root: RootOfTrust, fence: RootFence): RootOfTrust {
  return {
    source: root.source,
    wrap(secret, label) {
      fence.check();
      return root.wrap(secret, label);
    },
    unwrap(wrapped, label) {
      fence.check();
      return root.unwrap(wrapped, label);
    },
    close: () => root.close(),
  };
}

/** `sink`, refusing every record once `fence` is up (so every request, even one served from caches, fails). */
export function fencedAudit(sink: AuditSink, fence: RootFence): AuditSink {
  return {
    append(event, options) {
      try {
        fence.check();
      } catch (e) {
        return Promise.reject(e);
      }
      return sink.append(event, options);
    },
    close: () => sink.close(),
  };
}
