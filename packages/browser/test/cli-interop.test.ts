// Envelopes between the page and the `openkms` command: one written in Chromium (KmsKeyring, and PublicKeyKeyring
// with an SM2 PEM alone) decrypts with `openkms decrypt`; one written by `openkms encrypt` decrypts in the page.
// The page is on another origin than the KMS (CORS on); the command reaches it with environment credentials.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSite, type Site } from "./_site.js";

const run = promisify(execFile);
const openkms = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "apps", "server", "dist", "openkms.js");
let site: Site;
let dir: string;
let keyId: string;
const data = Uint8Array.from({ length: 3 * 65536 + 1234 }, (_, i) => (i * 2654435761) >>> 24);
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function cli(...args: string[]) {
  return run(process.execPath, [openkms, ...args], {
    env: {
      ...process.env,
      TENCENTCLOUD_SECRET_ID: site.credential.secretId,
      TENCENTCLOUD_SECRET_KEY: site.credential.secretKey,
      TENCENTCLOUD_REGION: site.credential.region,
      OPENKMS_ENDPOINT: site.endpoint,
    },
    cwd: dir,
  });
}

beforeAll(async () => {
  site = await openSite();
  dir = mkdtempSync(join(tmpdir(), "openkms-browser-cli-"));
  ({ KeyId: keyId } = (await site.kms.requestAny("CreateKey", { Alias: `cli-interop-${Date.now()}` })) as unknown as { KeyId: string });
}, 120_000);

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** In the page: encrypt `data` with a keyring made from `spec`; returns the message bytes. */
function encryptInPage(spec: { kind: "kms" } | { kind: "public-key"; pem: string; keyId: string }): Promise<number[]> {
  return site.page.evaluate(
    async ({ endpoint, credential, keyId, spec, data }) => {
      const { KmsClient, KmsKeyring, PublicKeyKeyring, encryptStream } = (globalThis as any).openkms;
      const keyring =
        spec.kind === "kms"
          ? new KmsKeyring({ client: new KmsClient({ endpoint, ...credential }), keyIds: [keyId] })
          : new PublicKeyKeyring({ keyId: spec.keyId, publicKey: spec.pem, algorithm: "SM2" });
      const parts: Uint8Array[] = [];
      await new Blob([new Uint8Array(data)]).stream().pipeThrough(encryptStream({ keyring, suite: "SM4_GCM", encryptionContext: { from: "chromium" } }))
        .pipeTo(new WritableStream<Uint8Array>({ write(p) { parts.push(p); } }));
      const out: number[] = [];
      for (const p of parts) for (const b of p) out.push(b);
      return out;
    },
    { endpoint: site.endpoint, credential: site.credential, keyId, spec, data: Array.from(data) },
  );
}

describe("page ↔ openkms encrypt / decrypt", () => {
  it("written in the page with KmsKeyring → `openkms decrypt` gives the same bytes", async () => {
    writeFileSync(join(dir, "page.kms.env"), new Uint8Array(await encryptInPage({ kind: "kms" })));
    await cli("decrypt", "page.kms.env", "-o", "page.kms.out", "--context", JSON.stringify({ from: "chromium" }));
    expect(sha256(readFileSync(join(dir, "page.kms.out")))).toBe(sha256(data));
  });

  it("written in the page with PublicKeyKeyring (SM2 PEM alone, no credential used) → `openkms decrypt`", async () => {
    const { KeyId } = (await site.kms.requestAny("CreateKey", { Alias: `cli-sm2-${Date.now()}`, KeyUsage: "ASYMMETRIC_DECRYPT_SM2" })) as unknown as { KeyId: string };
    const { PublicKeyPem } = (await site.kms.requestAny("GetPublicKey", { KeyId })) as unknown as { PublicKeyPem: string };
    writeFileSync(join(dir, "page.sm2.env"), new Uint8Array(await encryptInPage({ kind: "public-key", pem: PublicKeyPem, keyId: KeyId })));
    await cli("decrypt", "page.sm2.env", "-o", "page.sm2.out");
    expect(sha256(readFileSync(join(dir, "page.sm2.out")))).toBe(sha256(data));
  });

  it("written by `openkms encrypt` → decrypted in the page through Web Streams", async () => {
    writeFileSync(join(dir, "plain.bin"), data);
    await cli("encrypt", "--key-id", keyId, "--context", JSON.stringify({ from: "cli" }), "plain.bin", "-o", "cli.env");
    const sealed = Array.from(readFileSync(join(dir, "cli.env")));
    const r = await site.page.evaluate(
      async ({ endpoint, credential, keyId, sealed }) => {
        const { KmsClient, KmsKeyring, decryptStream } = (globalThis as any).openkms;
        const keyring = new KmsKeyring({ client: new KmsClient({ endpoint, ...credential }), keyIds: [keyId] });
        const dec = decryptStream({ keyring, encryptionContext: { from: "cli" } });
        const parts: Uint8Array[] = [];
        await new Blob([new Uint8Array(sealed)]).stream().pipeThrough(dec).pipeTo(new WritableStream<Uint8Array>({ write(p) { parts.push(p); } }));
        const plain = new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", plain));
        return { length: plain.length, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""), suite: (await dec.header).suite };
      },
      { endpoint: site.endpoint, credential: site.credential, keyId, sealed },
    );
    expect(r).toEqual({ length: data.length, sha256: sha256(data), suite: "SM4_GCM" });
  });
});
