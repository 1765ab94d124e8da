/**
 * Where the client commands (`openkms kms`, `encrypt`, `decrypt`) find the server and a credential, first match wins:
 *
 * 1. `--credentials <file>`: a credentials.json as `openkms serve` writes it —
 *    `{ "SecretId", "SecretKey", "Region", "Endpoint": "host:port" }`, optionally `"Protocol": "http"|"https"`
 *    (default http) and `"CaFile": "<PEM file>"` (relative to the credentials file; for https, trust this CA instead
 *    of the usual ones, e.g. a self-signed `--tls-cert`);
 * 2. the environment: `TENCENTCLOUD_SECRET_ID` + `TENCENTCLOUD_SECRET_KEY` (+ `TENCENTCLOUD_REGION`) and
 *    `OPENKMS_ENDPOINT` (`http(s)://host:port`, or `host:port` meaning http);
 * 3. `./.openkms/credentials.json` when it exists (the file a server started in this directory wrote).
 *
 * Anything missing or malformed is a {@link CredentialsError} naming the file or variable.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { KmsClient } from "@openkms/client";
import { Agent, fetch as undiciFetch } from "undici";

export const DEFAULT_CREDENTIALS_FILE = "./.openkms/credentials.json";

export const CREDENTIAL_ENV = {
  secretId: "TENCENTCLOUD_SECRET_ID",
  secretKey: "TENCENTCLOUD_SECRET_KEY",
  region: "TENCENTCLOUD_REGION",
  endpoint: "OPENKMS_ENDPOINT",
} as const;

/** The credential or endpoint cannot be found or read. */
export class CredentialsError extends Error {
  override name = "CredentialsError";
}

export interface ResolvedCredentials {
  /** `http(s)://host:port` */
  endpoint: string;
  secretId: string;
  secretKey: string;
  region?: string | undefined;
  /** PEM text of an extra CA to trust for https. */
  ca?: string | undefined;
  /** Where they came from, for messages: a file path or "environment". */
  source: string;
}

/** `host:port` → `http://host:port`; `http(s)://host:port` kept; anything else refused. */
export function endpointUrl(value: string, protocol: string | undefined, where: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${protocol ?? "http"}://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CredentialsError(`${where}: expected host:port or http(s)://host:port, got ${JSON.stringify(value)}`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || (url.pathname !== "/" && url.pathname !== "") || url.search || url.username) {
    throw new CredentialsError(`${where}: expected host:port or http(s)://host:port, got ${JSON.stringify(value)}`);
  }
  return `${url.protocol}//${url.host}`;
}

function fromFile(path: string): ResolvedCredentials {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CredentialsError(`cannot read the credentials file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(text);
  } catch {
    throw new CredentialsError(`the credentials file ${path} is not JSON`);
  }
  if (typeof c !== "object" || c === null || Array.isArray(c)) throw new CredentialsError(`the credentials file ${path} is not a JSON object`);
  for (const field of ["SecretId", "SecretKey", "Endpoint"]) {
    if (typeof c[field] !== "string" || !c[field]) throw new CredentialsError(`the credentials file ${path} has no ${field}`);
  }
  for (const field of ["Region", "Protocol", "CaFile"]) {
    if (c[field] !== undefined && typeof c[field] !== "string") throw new CredentialsError(`the credentials file ${path}: ${field} must be a string`);
  }
  // `openkms serve` writes the SDK's spelling ("https://"); "https" is accepted too.
  const protocol = (c.Protocol as string | undefined)?.replace(/:\/\/$/, "");
  if (protocol !== undefined && protocol !== "http" && protocol !== "https") {
    throw new CredentialsError(`the credentials file ${path}: Protocol must be http or https, got ${JSON.stringify(protocol)}`);
  }
  let ca: string | undefined;
  if (c.CaFile) {
    const caPath = resolve(path, "..", c.CaFile as string);
    try {
      ca = readFileSync(caPath, "utf8");
    } catch (e) {
      throw new CredentialsError(`cannot read CaFile ${caPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return {
    endpoint: endpointUrl(c.Endpoint as string, protocol, `Endpoint in ${path}`),
    secretId: c.SecretId as string,
    secretKey: c.SecretKey as string,
    region: (c.Region as string | undefined) || undefined,
    ca,
    source: path,
  };
}

/**
 * Find the credential and endpoint (order in the module doc).
 * @param file the `--credentials` flag, if given
 * @param env the environment (default `process.env`)
 * @throws CredentialsError when none is found or the one found is incomplete
 */
export function resolveCredentials(file: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ResolvedCredentials {
  if (file) return fromFile(resolve(cwd, file));
  const secretId = env[CREDENTIAL_ENV.secretId];
  const secretKey = env[CREDENTIAL_ENV.secretKey];
  if (secretId || secretKey) {
    if (!secretId || !secretKey) throw new CredentialsError(`${CREDENTIAL_ENV.secretId} and ${CREDENTIAL_ENV.secretKey} must be set together`);
    const endpoint = env[CREDENTIAL_ENV.endpoint];
    if (!endpoint) throw new CredentialsError(`${CREDENTIAL_ENV.secretId} is set but ${CREDENTIAL_ENV.endpoint} is not (http(s)://host:port or host:port)`);
    return {
      endpoint: endpointUrl(endpoint, undefined, CREDENTIAL_ENV.endpoint),
      secretId,
      secretKey,
      region: env[CREDENTIAL_ENV.region] || undefined,
      source: "environment",
    };
  }
  const fallback = resolve(cwd, DEFAULT_CREDENTIALS_FILE);
  if (existsSync(fallback)) return fromFile(fallback);
  throw new CredentialsError(
    `no credentials: pass --credentials <file>, set ${CREDENTIAL_ENV.secretId}/${CREDENTIAL_ENV.secretKey}/${CREDENTIAL_ENV.endpoint}, or run where ${DEFAULT_CREDENTIALS_FILE} exists`,
  );
}

/**
 * A KmsClient for resolved credentials. With a CA, requests go through undici's fetch with an agent trusting it.
 * Retries: 3 attempts (a command line should fail fast on an unreachable server), 30 s per attempt.
 */
export function clientFor(c: ResolvedCredentials): KmsClient {
  let fetchImpl: typeof globalThis.fetch | undefined;
  if (c.ca) {
    const dispatcher = new Agent({ connect: { ca: c.ca } });
    fetchImpl = ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher } as never)) as unknown as typeof globalThis.fetch;
  }
  return new KmsClient({
    endpoint: c.endpoint,
    secretId: c.secretId,
    secretKey: c.secretKey,
    ...(c.region ? { region: c.region } : {}),
    retry: { maxAttempts: 3, maxDelayMs: 1000 },
    timeoutMs: 30_000,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}
