/**
 * Request rate limits: one token bucket per (account, limit group), Tencent's documented per-API defaults
 * (reference §6.2), configurable per group and switchable off. Over the limit → `RequestLimitExceeded`.
 *
 * Groups: `symmetric` (Encrypt, Decrypt) share 300/s, as Tencent's performance page describes; every other action is
 * its own group, named after the action, at its documented rate or, when none is documented, at
 * {@link DEFAULT_ACTION_RATE} (inferred). Actions added later are covered by that default without listing them.
 * Buckets hold one second's worth of requests (burst = rate). The account is the key owner (a root account and its
 * sub-users share its quota, as Tencent counts per uin). {@link RateLimiter}'s buckets live in this process (one
 * node on the embedded store); on a cluster's shared store the buckets live in the database and each node leases
 * tokens from them (cluster-rate-limits.ts), so the configured rate is the cluster's total.
 */
import { actions } from "../actions/index.js";
import type { Clock } from "../clock.js";
import { TokenBucket } from "./token-bucket.js";

/** Groups of several actions sharing one bucket. */
export const SHARED_LIMIT_GROUPS: Readonly<Record<string, { actions: readonly string[]; rate: number }>> = {
  symmetric: { actions: ["Encrypt", "Decrypt"], rate: 300 },
};

/** Documented per-API defaults in requests per second (reference §6.2). */
export const ACTION_RATES: Readonly<Record<string, number>> = {
  GenerateDataKey: 150,
  GenerateRandom: 150,
  ReEncrypt: 100,
  CreateKey: 100,
  DisableKey: 100,
  ListKeys: 100,
  ListKeyDetail: 100,
  GetPublicKey: 100,
  GetParametersForImport: 100,
  ImportKeyMaterial: 100,
  EnableKeyRotation: 100,
  SignByAsymmetricKey: 100,
  VerifyByAsymmetricKey: 100,
  AsymmetricRsaDecrypt: 200,
  AsymmetricSm2Decrypt: 200,
  PostQuantumCryptoEncrypt: 20,
  PostQuantumCryptoDecrypt: 20,
  PostQuantumCryptoSign: 20,
  PostQuantumCryptoVerify: 20,
  ImportDataKey: 100,
  CreateWhiteBoxKey: 100,
  DeleteWhiteBoxKey: 200,
  DescribeWhiteBoxDecryptKey: 200,
  DescribeWhiteBoxDeviceFingerprints: 100,
  DescribeWhiteBoxKey: 200,
  DescribeWhiteBoxKeyDetails: 100,
  DescribeWhiteBoxServiceStatus: 200,
  DisableWhiteBoxKey: 200,
  DisableWhiteBoxKeys: 200,
  EnableWhiteBoxKey: 200,
  EnableWhiteBoxKeys: 200,
  EncryptByWhiteBox: 100,
};

/** Rate for actions without a documented default (requests per second; inferred). */
export const DEFAULT_ACTION_RATE = 100;

export interface RateLimitConfig {
  /** false: no limits at all. */
  enabled: boolean;
  /** Requests per second by group name (`symmetric`, an action name) or `default` (every undocumented action). */
  rates?: Readonly<Record<string, number>>;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = { enabled: true };

/** The limit group of an action: a shared group's name, or the action's own name. */
export function limitGroup(action: string): string {
  for (const [name, g] of Object.entries(SHARED_LIMIT_GROUPS)) if (g.actions.includes(action)) return name;
  return action;
}

/** The configured rate (requests per second) of a group. */
export function groupRate(group: string, rates: Readonly<Record<string, number>> = {}): number {
  return rates[group] ?? SHARED_LIMIT_GROUPS[group]?.rate ?? ACTION_RATES[group] ?? rates.default ?? DEFAULT_ACTION_RATE;
}

/**
 * Parse rate overrides `group=rate[,group=rate…]`, e.g. `symmetric=1000,GenerateDataKey=50,default=20`.
 * @returns rates by group name
 * @throws RangeError naming the entry: not `name=number`, a rate ≤ 0, or an action that belongs to a shared group
 *   (set the group instead)
 */
export function parseRateOverrides(text: string): Record<string, number> {
  const rates: Record<string, number> = {};
  const entries = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new RangeError("rate limits: expected group=requests-per-second[,…], e.g. symmetric=1000");
  for (const entry of entries) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!m) throw new RangeError(`rate limit "${entry}": expected group=requests-per-second, e.g. symmetric=1000`);
    const [, name, value] = m as unknown as [string, string, string];
    const known = name === "default" || name in SHARED_LIMIT_GROUPS || actions.has(name);
    if (!known) {
      throw new RangeError(`rate limit "${entry}": ${name} is not a group (${Object.keys(SHARED_LIMIT_GROUPS).join(", ")}, default) or an action name`);
    }
    const group = limitGroup(name);
    if (group !== name) throw new RangeError(`rate limit "${entry}": ${name} shares the group ${group}; set ${group}=N`);
    if (name in rates) throw new RangeError(`rate limit "${entry}": ${name} is given twice`);
    const rate = Number(value);
    if (!(rate > 0)) throw new RangeError(`rate limit "${entry}": the rate must be above 0`);
    rates[name] = rate;
  }
  return rates;
}

/** What the dispatcher asks before running an action. */
export interface RequestLimiter {
  /**
   * Count one request of `action` by account `ownerUin`.
   * @returns false (or a promise of false) when the account's bucket for the action's group is empty; a promise
   *   rejects when the shared buckets cannot be reached (the caller answers InternalError)
   */
  take(ownerUin: string, action: string): boolean | Promise<boolean>;
}

/** Token buckets per (account, group), created on first use, in this process. */
export class RateLimiter implements RequestLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly config: RateLimitConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Count one request of `action` by account `ownerUin`.
   * @returns false when the account's bucket for the action's group is empty (the caller answers `RequestLimitExceeded`)
   */
  take(ownerUin: string, action: string): boolean {
    if (!this.config.enabled) return true;
    const group = limitGroup(action);
    const id = `${ownerUin}\u0000${group}`;
    const now = this.clock.nowMs();
    let bucket = this.buckets.get(id);
    if (!bucket) {
      const rate = groupRate(group, this.config.rates);
      bucket = new TokenBucket(rate, Math.max(1, rate), now);
      this.buckets.set(id, bucket);
    }
    return bucket.take(now);
  }
}
