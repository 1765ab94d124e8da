/**
 * A real OpenKMS server on 127.0.0.1:<free port> in a temp data dir, for the client's integration tests, and a clock
 * the test moves by hand.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKmsServer, type KmsServer, type KmsServerOptions } from "@openkms/server";
import { KmsClient, type KmsClientOptions } from "../src/index.js";


export { ManualClock } from "@openkms/server";

export interface TestServer {
  server: KmsServer;
  url: string;
  dataDir: string;
  /** A client with the root credential. */
  client(extra?: Partial<KmsClientOptions>): KmsClient;
  stop(): Promise<void>;
}

export async function startServer(opts: Partial<KmsServerOptions> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "openkms-client-test-"));
  const server = await createKmsServer({ port: 0, rateLimits: { enabled: false }, ...opts, dataDir });
  const { url } = await server.listen();
  return {
    server, url, dataDir,
    client: (extra = {}) =>
      new KmsClient({ endpoint: url, secretId: server.credential.secretId, secretKey: server.credential.secretKey, region: server.region, ...extra }),
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const b64 = (s: string | Uint8Array) => Buffer.from(s).toString("base64");
export const unb64 = (s: string) => Buffer.from(s, "base64");
