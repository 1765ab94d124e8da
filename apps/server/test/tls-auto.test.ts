/**
 * `openkms serve --tls auto`: a self-signed ECDSA P-256 certificate made once in the data dir and reused, its SHA-256
 * fingerprint printed, credentials.json naming `Protocol` and `CaFile`; the official SDK (with an https.Agent trusting
 * CaFile) and @openkms/client (NODE_EXTRA_CA_CERTS) work over it; plain HTTP to the TLS port gets a clear refusal.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { Agent } from "node:https";
import { connect } from "node:net";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { afterAll, describe, expect, it } from "vitest";
import { killChildren, serve } from "./_serve.js";

const scratch = mkdtempSync(join(tmpdir(), "openkms-tls-"));
afterAll(() => {
  killChildren();
  rmSync(scratch, { recursive: true, force: true });
});
const clientDist = join(dirname(fileURLToPath(import.meta.url)), "../../../packages/client/dist/index.js");

/** Send raw bytes, collect the whole answer until the server closes. */
function raw(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(data));
    let out = "";
    s.on("data", (d) => (out += d));
    s.on("end", () => resolve(out));
    s.on("error", reject);
  });
}

describe("openkms serve --tls auto", () => {
  const dataDir = join(scratch, "data");
  let fingerprint = "";

  it("makes a P-256 certificate for 127.0.0.1, localhost and the host name; prints its fingerprint; credentials.json names it", async () => {
    const s = await serve(["--data-dir", dataDir, "--tls", "auto"]);
    const m = /^openkms TLS certificate (\S+) SHA-256 fingerprint ([0-9A-F:]{95})\nopenkms listening on (https:\/\/127\.0\.0\.1:\d+)\n$/.exec(s.stdout());
    expect(m).not.toBeNull();
    const [, certFile, fp, url] = m!;
    fingerprint = fp!;
    expect(certFile).toBe(join(dataDir, "tls", "cert.pem"));
    expect(statSync(join(dataDir, "tls", "key.pem")).mode & 0o777).toBe(0o600);
    const opensslFp = execFileSync("openssl", ["x509", "-in", certFile!, "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" });
    expect(opensslFp.trim()).toMatch(/^sha256 Fingerprint=/i);
    expect(opensslFp.trim().split("=")[1]).toBe(fp);
    const cert = new X509Certificate(readFileSync(certFile!));
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    for (const name of ["DNS:localhost", `DNS:${hostname()}`, "IP Address:127.0.0.1"]) expect(cert.subjectAltName).toContain(name);
    const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    expect(creds).toMatchObject({ Protocol: "https://", CaFile: certFile, Endpoint: url!.replace("https://", "") });

    // The official SDK, trusting the certificate file.
    const kms = new CommonClient("kms.tencentcloudapi.com", "2019-01-18", {
      credential: { secretId: creds.SecretId, secretKey: creds.SecretKey },
      region: creds.Region,
      profile: { httpProfile: { endpoint: creds.Endpoint, protocol: creds.Protocol, agent: new Agent({ ca: readFileSync(creds.CaFile) }) } },
    });
    const { KeyId } = (await kms.request("CreateKey", { Alias: "over-tls" })) as { KeyId: string };
    expect(KeyId).toMatch(/^[0-9a-f-]{36}$/);
    // Without trusting it, the SDK refuses the connection.
    const untrusting = new CommonClient("kms.tencentcloudapi.com", "2019-01-18", {
      credential: { secretId: creds.SecretId, secretKey: creds.SecretKey }, region: creds.Region,
      profile: { httpProfile: { endpoint: creds.Endpoint, protocol: "https://" } },
    });
    await expect(untrusting.request("ListKeys", {})).rejects.toThrow(/self.signed|certificate/i);

    // @openkms/client in a process that trusts CaFile through NODE_EXTRA_CA_CERTS.
    const script = `import { KmsClient } from ${JSON.stringify(clientDist)};
      const c = new KmsClient({ endpoint: ${JSON.stringify(url)}, secretId: ${JSON.stringify(creds.SecretId)}, secretKey: ${JSON.stringify(creds.SecretKey)}, region: "ap-guangzhou" });
      const r = await c.requestAny("DescribeKey", { KeyId: ${JSON.stringify(KeyId)} });
      process.stdout.write(r.KeyMetadata.Alias);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: creds.CaFile }, encoding: "utf8" });
    expect(out).toBe("over-tls");

    // Plain HTTP to the TLS port: an API-format refusal naming HTTPS, then the connection closes.
    const port = Number(url!.split(":").pop());
    const answer = await raw(port, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: application\/json\r\n/);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    expect(body.Response.Error).toEqual({ Code: "UnsupportedProtocol", Message: expect.stringMatching(/HTTPS only/) });
    expect(await s.stop()).toBe(0);
  });

  it("reuses the certificate on the next start", async () => {
    const s = await serve(["--data-dir", dataDir, "--tls", "auto"]);
    expect(s.stdout()).toContain(`SHA-256 fingerprint ${fingerprint}\n`);
    expect(await s.stop()).toBe(0);
  });

  it("refuses --tls auto together with --tls-cert", async () => {
    await expect(serve(["--data-dir", join(scratch, "other"), "--tls", "auto", "--tls-cert", "a.pem", "--tls-key", "b.pem"])).rejects.toThrow(/--tls auto makes its own certificate/);
  });
});
