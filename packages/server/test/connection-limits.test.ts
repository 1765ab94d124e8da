/**
 * Connections that hold a place without finishing a request are closed, on the HTTP and the HTTPS port alike, so a
 * few silent or non-reading clients cannot keep everyone else out under `maxConnections` (issue 14: headers within
 * the header timeout, a bounded number of open connections).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:https";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINGER_MS } from "../src/socket-linger.js";
import { startServer, type Running } from "./_harness.js";

const HEADERS_MS = 1000;
let certDir: string;
let tlsKms: Running;
let plainKms: Running;

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), "openkms-tls-test-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
    "-days", "1", "-keyout", join(certDir, "key.pem"), "-out", join(certDir, "cert.pem")], { stdio: "ignore" });
  const https = { key: readFileSync(join(certDir, "key.pem")), cert: readFileSync(join(certDir, "cert.pem")) };
  tlsKms = await startServer({ https, http: { headersTimeoutMs: HEADERS_MS, requestTimeoutMs: 2000, maxConnections: 3 } });
  plainKms = await startServer({ http: { headersTimeoutMs: HEADERS_MS, requestTimeoutMs: 2000, maxConnections: 3 } });
});
afterAll(async () => {
  await tlsKms?.stop();
  await plainKms?.stop();
  rmSync(certDir, { recursive: true, force: true });
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.on("error", () => {});
    s.once("error", reject);
  });
}

const closed = (s: Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())));

function openConnections(kms: Running): Promise<number> {
  return new Promise((resolve, reject) => kms.server.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

function healthz(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/healthz", rejectUnauthorized: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d)).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

describe("HTTPS port", () => {
  it("silent connections and unfinished TLS handshakes are closed by the server; then the port serves again", async () => {
    const silent = [await open(tlsKms.port), await open(tlsKms.port)];
    const halfHello = await open(tlsKms.port);
    halfHello.write(Buffer.from([0x16, 0x03, 0x01])); // the start of a TLS record, and nothing more
    // All three places taken: the server closes each of them itself (the test's own timeout bounds the wait).
    await Promise.all([...silent, halfHello].map(closed));
    await expect.poll(() => openConnections(tlsKms)).toBe(0);
    const r = await healthz(tlsKms.port);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: "ok" });
  });
});

describe("HTTP port", () => {
  it("a client that sends half its headers and never reads the answer loses its connection after the timeout and a short linger", async () => {
    const s = await open(plainKms.port);
    s.pause(); // never reads
    s.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-TC-Act");
    expect(await openConnections(plainKms)).toBe(1);
    await expect.poll(() => openConnections(plainKms), { timeout: HEADERS_MS + LINGER_MS + 10_000, interval: 100 }).toBe(0);
    s.destroy();
  });
});
