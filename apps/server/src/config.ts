/**
 * `openkms serve` configuration: each flag also comes from an `OPENKMS_*` environment variable (flag wins).
 */
import { InvalidArgumentError } from "commander";

export interface ServeConfig {
  host: string;
  port: number;
  dataDir: string;
  edition: "sm" | "fips";
  region: string;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  logLevel: string;
}

export const ENV = {
  host: "OPENKMS_HOST",
  port: "OPENKMS_PORT",
  dataDir: "OPENKMS_DATA_DIR",
  edition: "OPENKMS_EDITION",
  region: "OPENKMS_REGION",
  tlsCert: "OPENKMS_TLS_CERT",
  tlsKey: "OPENKMS_TLS_KEY",
  logLevel: "OPENKMS_LOG_LEVEL",
  rootKey: "OPENKMS_ROOT_KEY",
  rootSecretId: "OPENKMS_ROOT_SECRET_ID",
  rootSecretKey: "OPENKMS_ROOT_SECRET_KEY",
} as const;

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
