/**
 * A real OpenKMS server on 127.0.0.1:<free port> in a temp data dir (as packages/server/test/_harness.ts starts one),
 * and `@openkms/client` clients for it, one of which counts the actions it calls.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KmsClient } from "@openkms/client";
import { createKmsServer, type Edition, type KmsServer } from "@openkms/server";

export interface TestKms {
  server: KmsServer;
  client: KmsClient;
  /** A client that counts calls per action in `calls`. */
  counting(): { client: KmsClient; calls: Record<string, number> };
  createKey(keyUsage?: string): Promise<string>;
  publicKeyPem(keyId: string): Promise<string>;
  stop(): Promise<void>;
}

let aliases = 0;

export async function startKms(edition: Edition): Promise<TestKms> {
  const dataDir = mkdtempSync(join(tmpdir(), "openkms-envelope-test-"));
  const server = await createKmsServer({ port: 0, rateLimits: { enabled: false }, edition, dataDir });
  const { url } = await server.listen();
  const make = () => new KmsClient({ endpoint: url, secretId: server.credential.secretId, secretKey: server.credential.secretKey, region: server.region });
  const client = make();
  return {
    server,
    client,
    counting() {
      const c = make();
      const calls: Record<string, number> = {};
      const request = c.request.bind(c);
      (c as { request: unknown }).request = (action: string, ...rest: unknown[]) => {
        calls[action] = (calls[action] ?? 0) + 1;
        return (request as (...a: unknown[]) => unknown)(action, ...rest);
      };
      return { client: c, calls };
    },
    async createKey(keyUsage) {
      const r = await client.request("CreateKey", { Alias: `envelope-${process.pid}-${++aliases}`, ...(keyUsage ? { KeyUsage: keyUsage } : {}) } as never);
      return r.KeyId;
    },
    async publicKeyPem(keyId) {
      return (await client.request("GetPublicKey", { KeyId: keyId })).PublicKeyPem;
    },
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
