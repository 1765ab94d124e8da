/**
 * Test harness: a real server on 127.0.0.1:<free port> in a temp data dir, and the official Tencent Cloud SDK's
 * CommonClient pointed at it (`protocol: "http://"`), as SPEC §1 prescribes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { AccountAdmin, createKmsServer, openDataDir, type DataDir, type KmsServer, type KmsServerOptions } from "../src/index.js";
import type { Edition } from "../src/edition.js";
import { startPostgres, type TestPostgres } from "./_postgres.mjs";

export { ManualClock } from "../src/index.js";

/**
 * `OPENKMS_TEST_STORE=postgres` (or {@link runOnPostgres} before the tests are imported): every server of the test
 * file runs on its own database in one throwaway PostgreSQL (_postgres.mjs), started on first use and stopped after
 * the file — the same tests, against the shared store.
 */
let onPostgres = false;
let testPostgres: Promise<TestPostgres> | undefined;

/** Run this file's servers on PostgreSQL (call at the top of a test file, before importing the tests). */
export function runOnPostgres(): void {
  if (onPostgres) return;
  onPostgres = true;
  afterAll(async () => (await testPostgres)?.stop());
}
if (process.env.OPENKMS_TEST_STORE === "postgres") runOnPostgres();

/** A fresh PostgreSQL database URL when the tests run on PostgreSQL, else undefined (the embedded store). */
export async function testStore(): Promise<string | undefined> {
  if (!onPostgres) return undefined;
  testPostgres ??= startPostgres();
  return (await testPostgres).createDatabase();
}

export interface Running {
  server: KmsServer;
  url: string;
  port: number;
  dataDir: string;
  client: CommonClient;
  call(action: string, params?: Record<string, unknown>): Promise<Record<string, any>>;
  /** Resolves with the error code of a call that must fail (throws if it succeeds). */
  fail(action: string, params?: Record<string, unknown>): Promise<string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function sdkClient(port: number, secretId: string, secretKey: string, region = "ap-guangzhou", reqMethod: "POST" | "GET" = "POST"): CommonClient {
  return new CommonClient("kms.tencentcloudapi.com", "2019-01-18", {
    credential: { secretId, secretKey },
    region,
    profile: { httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: "http://", reqMethod } },
  });
}

export async function startServer(opts: Partial<KmsServerOptions> & { edition?: Edition } = {}): Promise<Running> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "openkms-test-"));
  if (!("store" in opts) && onPostgres) opts = { ...opts, store: await testStore() };
  // Rate limits are off unless a test asks for them: sequential SDK calls on loopback can exceed 300/s.
  let server = await createKmsServer({ port: 0, rateLimits: { enabled: false }, ...opts, dataDir });
  let { url, port } = await server.listen();
  let client = sdkClient(port, server.credential.secretId, server.credential.secretKey, server.region);
  const running: Running = {
    get server() { return server; },
    get url() { return url; },
    get port() { return port; },
    dataDir,
    get client() { return client; },
    ...callsThrough(() => client),
    async restart() {
      await server.close();
      server = await createKmsServer({ port: 0, rateLimits: { enabled: false }, ...opts, dataDir });
      ({ url, port } = await server.listen());
      client = sdkClient(port, server.credential.secretId, server.credential.secretKey, server.region);
    },
    async stop() {
      await server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  } as Running;
  return running;
}

/** `call` (resolves with the response) and `fail` (resolves with the error code of a call that must fail). */
function callsThrough(client: () => CommonClient): Pick<Caller, "call" | "fail"> {
  return {
    async call(action, params = {}) {
      return (await client().request(action, params)) as Record<string, any>;
    },
    async fail(action, params = {}) {
      try {
        const r = await client().request(action, params);
        throw new Error(`${action} succeeded but was expected to fail: ${JSON.stringify(r)}`);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (!code) throw e;
        return code;
      }
    },
  };
}

export const b64 = (s: string | Uint8Array) => Buffer.from(s).toString("base64");
export const unb64 = (s: string) => Buffer.from(s, "base64");


/** An SDK caller with its own credential against a running server. */
export interface Caller {
  client: CommonClient;
  call(action: string, params?: Record<string, unknown>): Promise<Record<string, any>>;
  /** Resolves with the error code of a call that must fail (throws if it succeeds). */
  fail(action: string, params?: Record<string, unknown>): Promise<string>;
}

export function callerFor(run: Running, secretId: string, secretKey: string): Caller {
  const client = sdkClient(run.port, secretId, secretKey, run.server.region);
  return {
    client,
    ...callsThrough(() => client),
  };
}

/**
 * `openkms admin` on a running server's data dir: a second connection to the same files, as the CLI opens them.
 */
export async function openAdmin(run: Running): Promise<{ admin: AccountAdmin; dir: DataDir; close(): Promise<void> }> {
  const dir = await openDataDir({ dataDir: run.dataDir, create: false, nowSeconds: Math.floor(Date.now() / 1000) });
  return { admin: new AccountAdmin(dir.accounts, dir.root, dir.audit, dir.rootUin), dir, close: () => dir.close() };
}
