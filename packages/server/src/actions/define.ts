/**
 * What an action is: its name, its request schema (strict: unknown members are `UnknownParameter`) and a handler
 * that returns the response fields (the envelope adds `RequestId`). One file per action holds its schema, limits
 * and the error codes it can return (STYLE practice 2).
 */
import type { z } from "zod";
import type { Logger } from "pino";
import type { AuditReader } from "../audit/query.js";
import type { Clock } from "../clock.js";
import type { EditionProfile } from "../edition.js";
import type { RootOfTrust } from "../root-key.js";
import type { KeyStore } from "../store/types.js";
import type { MaterialCache } from "../keys/material-cache.js";
import { retryingStale } from "../store/stale-record.js";

export interface ServerLimits {
  /** Most CMKs one account may hold (`LimitExceeded.CmkLimitExceeded`). */
  maxKeysPerAccount: number;
  /** Most hosted data keys (not PendingDelete) one account may hold (`LimitExceeded.DataKeyLimitExceeded`). */
  maxDataKeysPerAccount: number;
}

/** Everything an action may use. */
export interface ActionContext {
  store: KeyStore;
  root: RootOfTrust;
  profile: EditionProfile;
  region: string;
  clock: Clock;
  limits: ServerLimits;
  logger: Logger;
  /** The calling account's uin (from the credential). */
  uin: string;
  requestId: string;
  /** Prepared symmetric key material, kept briefly (keys/material-cache.ts); absent: unwrap for each operation. */
  materials?: MaterialCache;
  /**
   * Carry out now whatever time has made due (deletions, material expiry, rotation: the scheduler's `runDue`), so
   * that actions that read many keys at once (lists, counts, alias uniqueness) see the same keys as DescribeKey.
   */
  settleDue(): Promise<void>;
  /** The audit log, for OpenKMS.ListAuditRecords; absent when the server writes to a sink it cannot read. */
  auditRecords?: AuditReader | undefined;
  /**
   * Name a key the request used that its parameters and response do not name (e.g. the CMK that opened a hosted data
   * key), so the audit record lists it. Set by dispatch; absent outside a request.
   */
  noteKeyId?(keyId: string): void;
}

export interface Action<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  handler(params: z.output<S>, ctx: ActionContext): Promise<Record<string, unknown>>;
}

/**
 * The action, its handler run again on a fresh read when a write finds the key changed since it was read
 * (store/stale-record.ts: concurrent changes of one key on a shared store answer as if they came one after the other).
 */
export function defineAction<S extends z.ZodType>(action: Action<S>): Action<S> {
  const { handler } = action;
  return { ...action, handler: (params, ctx) => retryingStale(() => handler(params, ctx)) };
}
