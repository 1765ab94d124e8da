/**
 * `openkms serve` configuration: each flag also comes from an `OPENKMS_*` environment variable (flag wins).
 */
import { InvalidArgumentError, Option } from "commander";
import { parseCorsOrigins, parseRateOverrides } from "@openkms/server";

export interface ServeConfig {
  host: string;
  port: number;
  dataDir: string;
  edition: "sm" | "fips";
  region: string;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  /** `auto`: a self-signed certificate kept in the data dir (tls-auto.ts); `off` (default): HTTP unless --tls-cert. */
  tls: "auto" | "off";
  logLevel: string;
  /** `on` (default) or `off`. */
  rateLimits: "on" | "off";
  /** Rate overrides by group (`symmetric=1000,GenerateDataKey=50,default=20`). */
  rateLimit?: Record<string, number> | undefined;
  /** On SIGTERM, seconds before connections still open are cut (default 10). */
  shutdownTimeout: number;
  /** `postgres://…`: the shared store of several nodes; undefined = the embedded store in the data dir. */
  store?: string | undefined;
  /** `on`: serve the product gateway (Vault KV v2 reads under /v1/); default `off`. */
  productGateway: "on" | "off";
  /** Product gateway requests/second per product token (default 50). */
  productGatewayRate?: number | undefined;
  /** `pkcs11:…` (RFC 7512) or `file:<path>`; default the data dir's root.key (or OPENKMS_ROOT_KEY). */
  rootKey?: string | undefined;
  /** Refuse signatures that do not cover X-TC-Action, and UNSIGNED-PAYLOAD for state-changing actions. */
  requireSignedAction?: boolean;
  /** Open connections at most (default 1024). */
  maxConnections: number;
  /** Origins whose pages may call the API (CORS); none by default. */
  corsOrigin?: string[] | undefined;
  /** `on` (default): serve the web console at /console/; `off`: no console. */
  console: "on" | "off";
}

/**
 * `--root-key <uri>` (env OPENKMS_ROOT_KEY_URI), for every command that opens the key store: the root key in a PKCS#11
 * token, `pkcs11:token=<label>;object=<label>?module-path=<lib>&pin-source=<file>`, or a key file elsewhere,
 * `file:<path>`. Without it: `<data-dir>/root.key`, or OPENKMS_ROOT_KEY.
 */
export const rootKeyOption = () =>
  new Option("--root-key <uri>", "root key: pkcs11:token=…;object=…?module-path=…&pin-source=… or file:<path> (default <data-dir>/root.key)").env(ENV.rootKeyUri);

export const ENV = {
  host: "OPENKMS_HOST",
  port: "OPENKMS_PORT",
  dataDir: "OPENKMS_DATA_DIR",
  edition: "OPENKMS_EDITION",
  region: "OPENKMS_REGION",
  tlsCert: "OPENKMS_TLS_CERT",
  tlsKey: "OPENKMS_TLS_KEY",
  tls: "OPENKMS_TLS",
  logLevel: "OPENKMS_LOG_LEVEL",
  rateLimits: "OPENKMS_RATE_LIMITS",
  rateLimit: "OPENKMS_RATE_LIMIT",
  rootKey: "OPENKMS_ROOT_KEY",
  rootKeyUri: "OPENKMS_ROOT_KEY_URI",
  rootSecretId: "OPENKMS_ROOT_SECRET_ID",
  rootSecretKey: "OPENKMS_ROOT_SECRET_KEY",
  shutdownTimeout: "OPENKMS_SHUTDOWN_TIMEOUT",
  store: "OPENKMS_STORE",
  productGateway: "OPENKMS_PRODUCT_GATEWAY",
  productGatewayRate: "OPENKMS_PRODUCT_GATEWAY_RATE",
  requireSignedAction: "OPENKMS_REQUIRE_SIGNED_ACTION",
  maxConnections: "OPENKMS_MAX_CONNECTIONS",
  corsOrigin: "OPENKMS_CORS_ORIGIN",
  console: "OPENKMS_CONSOLE",
} as const;

/** `--store`: a postgres:// URL (the password, if any, is never echoed). */
export function parseStore(value: string): string {
  if (!/^postgres(ql)?:\/\/\S+$/i.test(value)) throw new InvalidArgumentError("expected a postgres://user@host:port/database URL");
  return value;
}

/** The `--store` option every command that opens the store takes. */
export const storeOption = () =>
  new Option("--store <url>", "shared PostgreSQL store (postgres://…); default: the embedded store in the data dir").env(ENV.store).argParser(parseStore);


/** A count of connections, 1–1000000. */
export function parseConnections(value: string): number {
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) throw new InvalidArgumentError("expected a number of connections 1-1000000");
  return Number(value);
}

/** Whole seconds, 1–3600. */
export function parseSeconds(value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > 3600) throw new InvalidArgumentError("expected whole seconds 1-3600");
  return Number(value);
}

export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError("expected a port number 0-65535");
  return Number(value);
}

export function parseEdition(value: string): "sm" | "fips" {
  if (value !== "sm" && value !== "fips") throw new InvalidArgumentError("expected sm or fips");
  return value;
}

export function parseRegion(value: string): string {
  if (!/^[a-z]{2}-[a-z]+(-[a-z0-9]+)*$/.test(value)) throw new InvalidArgumentError("expected a region name such as ap-guangzhou");
  return value;
}

export function parseOnOff(value: string): "on" | "off" {
  if (value !== "on" && value !== "off") throw new InvalidArgumentError("expected on or off");
  return value;
}

/** `group=rate[,group=rate…]`; repeated flags merge. */
export function parseRateLimit(value: string, previous: Record<string, number> | undefined): Record<string, number> {
  try {
    return { ...previous, ...parseRateOverrides(value) };
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** `origin[,origin…]` for `--cors-origin` (each `http(s)://host[:port]`); repeated flags add up. */
export function parseCorsOrigin(value: string, previous: string[] | undefined): string[] {
  const list = value.split(",").map((o) => o.trim()).filter((o) => o !== "");
  if (list.length === 0) throw new InvalidArgumentError("expected one or more origins such as https://app.example.com");
  try {
    return [...(previous ?? []), ...parseCorsOrigins(list)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace('"corsOrigins" expected', "expected"));
  }
}

/** A time for `openkms audit query`: ISO 8601 (`2026-11-29T12:00:00Z`) or Unix seconds. Returns Unix ms. */
export function parseTime(value: string): number {
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError("expected an ISO 8601 time or Unix seconds");
  return ms;
}

/** A rate in requests per second: a number above 0, at most 100000. */
export function parseRate(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || !(Number(value) > 0) || Number(value) > 100_000) throw new InvalidArgumentError("expected requests per second, above 0");
  return Number(value);
}

/** Whole days 1-365 (`--rotation-days`). */
export function parseDays(value: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 365) throw new InvalidArgumentError("expected whole days 1-365");
  return Number(value);
}

export function parseLimit(value: string): number {
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("expected a count 1-9999999");
  return Number(value);
}
