/**
 * The `openkms serve` command as a user runs it: the bundled binary in a child process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, killChildren, sdkFor, startServe } from "./_serve.js";

const children: ChildProcess[] = [];
const dirs: string[] = [];

/** `openkms serve <args>` until it listens. */
const start = startServe;

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "openkms-serve-"));
  dirs.push(d);
  return d;
}

afterEach(() => {
  killChildren();
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The official SDK for a credentials.json. */
const client = sdkFor;

describe("openkms serve", () => {
  it("first start: root key, credentials.json (0600), the listening line, healthz, a working API, clean SIGTERM", async () => {
    const dataDir = join(tmp(), "data");
    const s = await start(["--port", "0", "--data-dir", dataDir]);
    expect(s.stdout()).toMatch(/^openkms listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(statSync(join(dataDir, "root.key")).mode & 0o777).toBe(0o600);
    const credPath = join(dataDir, "credentials.json");
    expect(statSync(credPath).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(credPath, "utf8"));
    expect(Object.keys(creds).sort()).toEqual(["Endpoint", "Region", "SecretId", "SecretKey"]);
    expect(`http://${creds.Endpoint}`).toBe(s.url);
    expect(creds.Region).toBe("ap-guangzhou");
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(readFileSync(join(dataDir, "openkms.pid"), "utf8").trim()).toBe(String(s.child.pid));

    const kms = client(creds);
    const { KeyId } = (await kms.request("CreateKey", { Alias: "from-cli" })) as { KeyId: string };
    const { CiphertextBlob } = (await kms.request("Encrypt", { KeyId, Plaintext: "dGVzdAo=" })) as { CiphertextBlob: string };
    expect(((await kms.request("Decrypt", { CiphertextBlob })) as { Plaintext: string }).Plaintext).toBe("dGVzdAo=");

    // logs are JSON on stderr and never carry the secret key
    const lines = s.stderr().trim().split("\n").filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) JSON.parse(l);
    expect(s.stderr()).toContain(credPath);
    expect(s.stderr()).not.toContain(creds.SecretKey);
    expect(s.stderr()).not.toContain(readFileSync(join(dataDir, "root.key"), "utf8").trim());

    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(existsSync(join(dataDir, "openkms.pid"))).toBe(false);

    // restart: same credential, the key and its ciphertext are still there
    const again = await start(["--port", "0", "--data-dir", dataDir]);
    const creds2 = JSON.parse(readFileSync(credPath, "utf8"));
    expect(creds2.SecretId).toBe(creds.SecretId);
    const kms2 = client(creds2);
    expect(((await kms2.request("Decrypt", { CiphertextBlob })) as { Plaintext: string }).Plaintext).toBe("dGVzdAo=");
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  it("reads OPENKMS_* variables: pinned credential, edition, region, port", async () => {
    const dataDir = join(tmp(), "env");
    const s = await start([], {
      OPENKMS_PORT: "0", OPENKMS_DATA_DIR: dataDir, OPENKMS_EDITION: "fips", OPENKMS_REGION: "ap-shanghai",
      OPENKMS_ROOT_SECRET_ID: "AKIDpinnedpinnedpinned", OPENKMS_ROOT_SECRET_KEY: "pinned-secret-key-0123456789",
    });
    const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    expect(creds).toMatchObject({ SecretId: "AKIDpinnedpinnedpinned", SecretKey: "pinned-secret-key-0123456789", Region: "ap-shanghai" });
    const kms = client(creds);
    expect(((await kms.request("GetRegions", {})) as { Regions: string[] }).Regions).toEqual(["ap-shanghai"]);
    expect(((await kms.request("ListAlgorithms", {})) as { SymmetricAlgorithms: { Algorithm: string }[] }).SymmetricAlgorithms[0]!.Algorithm).toBe("AES_256");
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
  });

  it("finishes a request in flight on SIGTERM", async () => {
    const dataDir = join(tmp(), "inflight");
    const s = await start(["--port", "0", "--data-dir", dataDir]);
    const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    const kms = client(creds);
    const pending = Promise.all(Array.from({ length: 20 }, (_, i) => kms.request("CreateKey", { Alias: `inflight-${i}` })));
    await new Promise((r) => setTimeout(r, 5));
    s.child.kill("SIGTERM");
    const results = await pending.then((r) => r, (e: Error) => e);
    expect(await s.exited).toBe(0);
    // requests that reached the server were answered; the store closed cleanly and reopens
    const again = await start(["--port", "0", "--data-dir", dataDir]);
    const kms2 = client(JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")));
    const listed = (await kms2.request("ListKeys", { Limit: 200 })) as { TotalCount: number };
    if (Array.isArray(results)) expect(listed.TotalCount).toBe(20);
    else expect(listed.TotalCount).toBeLessThanOrEqual(20);
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  it.each([
    [["--port", "99999"], /port/],
    [["--edition", "gost"], /sm or fips/],
    [["--region", "Not A Region"], /region/],
  ])("refuses bad flags %j with a clear message and exit code", async (args, message) => {
    const child = spawn(process.execPath, [bin, "serve", "--data-dir", join(tmp(), "x"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((res) => child.on("exit", res));
    expect(code).not.toBe(0);
    expect(err).toMatch(message);
    // As the other commands' command-line mistakes: one line `openkms: …`, exit 2 (refused).
    expect(code).toBe(2);
    expect(err).toMatch(/^openkms: option '--\w+ <\w+>' argument '.*' is invalid\. .*\n$/);
    expect(err.split("\n")).toHaveLength(2);
  });

  it("refuses to serve a data dir with another edition or another root key", async () => {
    const dataDir = join(tmp(), "fixed");
    const s = await start(["--port", "0", "--data-dir", dataDir, "--edition", "sm"]);
    s.child.kill("SIGTERM");
    await s.exited;
    const run = (args: string[], env: Record<string, string> = {}) =>
      new Promise<{ code: number | null; err: string }>((res) => {
        const c = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", dataDir, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
        let err = "";
        c.stderr.on("data", (d) => (err += d));
        c.on("exit", (code) => res({ code, err }));
      });
    const edition = await run(["--edition", "fips"]);
    expect(edition.code).toBe(2);
    expect(edition.err).toMatch(/created in edition sm/);
    const root = await run([], { OPENKMS_ROOT_KEY: Buffer.alloc(32, 1).toString("base64") });
    expect(root.code).toBe(2);
    expect(root.err).toMatch(/root key/);
    expect(existsSync(join(dataDir, "openkms.db"))).toBe(true);
  });

  it("re-pinning the root credential retires the previous one", async () => {
    const dataDir = join(tmp(), "rotate");
    const first = await start(["--port", "0", "--data-dir", dataDir]);
    const auto = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    first.child.kill("SIGTERM");
    await first.exited;
    const pinned = await start(["--port", "0", "--data-dir", dataDir], { OPENKMS_ROOT_SECRET_ID: "AKIDrotated000001", OPENKMS_ROOT_SECRET_KEY: "rotatedrotated0001" });
    const now = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    expect(now.SecretId).toBe("AKIDrotated000001");
    expect(((await client(now).request("GetRegions", {})) as { Regions: string[] }).Regions).toEqual(["ap-guangzhou"]);
    const old = client({ ...now, SecretId: auto.SecretId, SecretKey: auto.SecretKey });
    const err = await old.request("GetRegions", {}).then(() => undefined, (e: { code: string }) => e.code);
    expect(err).toBe("AuthFailure.SecretIdNotFound");
    pinned.child.kill("SIGTERM");
    expect(await pinned.exited).toBe(0);
  });

  it("the store files are created readable by the owner only", async () => {
    const dataDir = join(tmp(), "modes");
    const s = await start(["--port", "0", "--data-dir", dataDir]);
    for (const f of ["openkms.db", "openkms.db-wal", "openkms.db-shm", "root.key", "credentials.json"]) {
      if (existsSync(join(dataDir, f))) expect([f, statSync(join(dataDir, f)).mode & 0o777]).toEqual([f, 0o600]);
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    s.child.kill("SIGTERM");
    await s.exited;
  });

  it.each<[string, string[], Record<string, string>, RegExp]>([
    ["a SecretId without its key", [], { OPENKMS_ROOT_SECRET_ID: "AKIDonlyid0000" }, /must be set together/],
    ["a too-short pinned SecretKey", [], { OPENKMS_ROOT_SECRET_ID: "AKIDshortkey00", OPENKMS_ROOT_SECRET_KEY: "a" }, /SecretKey must be/],
    ["a SecretId with odd characters", [], { OPENKMS_ROOT_SECRET_ID: "AKID/x y", OPENKMS_ROOT_SECRET_KEY: "longenoughsecretkey01" }, /SecretId must be/],
    ["TLS files that do not exist", ["--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"], {}, /TLS files/],
  ])("refuses %s before writing anything to the data dir", async (_name, args, env, message) => {
    const dataDir = join(tmp(), "untouched");
    const r = await new Promise<{ code: number | null; err: string }>((res) => {
      const c = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", dataDir, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      c.stderr.on("data", (d) => (err += d));
      c.on("exit", (code) => res({ code, err }));
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("a data dir whose root.key is missing is refused with that reason, and no new key is written", async () => {
    const dataDir = join(tmp(), "lost-key");
    const s = await start(["--port", "0", "--data-dir", dataDir]);
    s.child.kill("SIGTERM");
    await s.exited;
    rmSync(join(dataDir, "root.key"));
    const r = await new Promise<{ code: number | null; err: string }>((res) => {
      const c = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      c.stderr.on("data", (d) => (err += d));
      c.on("exit", (code) => res({ code, err }));
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/root key file .* is missing/);
    expect(existsSync(join(dataDir, "root.key"))).toBe(false);
  });

  it("--require-signed-action (or OPENKMS_REQUIRE_SIGNED_ACTION) refuses the official SDK's content-type;host signature; --max-connections takes a positive count", async () => {
    for (const [args, env] of [[["--require-signed-action"], {}], [[], { OPENKMS_REQUIRE_SIGNED_ACTION: "1" }]] as const) {
      const dataDir = join(tmp(), "data");
      const s = await start(["--port", "0", "--data-dir", dataDir, "--max-connections", "3", ...args], env);
      const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
      const err = await client(creds).request("GenerateRandom", { NumberOfBytes: 4 }).then(() => undefined, (e: { code: string }) => e);
      expect(err?.code).toBe("AuthFailure.InvalidAuthorization");
      s.child.kill("SIGTERM");
      expect(await s.exited).toBe(0);
    }
    const dataDir = join(tmp(), "data");
    const s = await start(["--port", "0", "--data-dir", dataDir, "--max-connections", "0"]).catch((e: Error) => e);
    expect(String(s)).toMatch(/expected a number of connections/);
  });

  it("--version prints the version", async () => {
    const out = await new Promise<string>((res) => {
      const c = spawn(process.execPath, [bin, "--version"], { stdio: ["ignore", "pipe", "pipe"] });
      let o = "";
      c.stdout.on("data", (d) => (o += d));
      c.on("exit", () => res(o));
    });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("a second serve on a data dir in use is refused, and leaves the running server's files alone", async () => {
    const dataDir = join(tmp(), "busy");
    const first = await start(["--port", "0", "--data-dir", dataDir]);
    const creds = readFileSync(join(dataDir, "credentials.json"), "utf8");
    const r = await new Promise<{ code: number | null; err: string }>((res) => {
      const c = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      c.stderr.on("data", (d) => (err += d));
      c.on("exit", (code) => res({ code, err }));
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`in use by a running openkms \\(pid ${first.child.pid}\\)`));
    expect(readFileSync(join(dataDir, "openkms.pid"), "utf8").trim()).toBe(String(first.child.pid));
    expect(readFileSync(join(dataDir, "credentials.json"), "utf8")).toBe(creds);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  });

  it("a stale pid file (no such process) does not block a start", async () => {
    const dataDir = join(tmp(), "stale");
    const s1 = await start(["--port", "0", "--data-dir", dataDir]);
    s1.child.kill("SIGKILL");
    await s1.exited;
    expect(existsSync(join(dataDir, "openkms.pid"))).toBe(true);
    const s2 = await start(["--port", "0", "--data-dir", dataDir]);
    expect(readFileSync(join(dataDir, "openkms.pid"), "utf8").trim()).toBe(String(s2.child.pid));
    s2.child.kill("SIGTERM");
    expect(await s2.exited).toBe(0);
  });

  it("after SIGTERM, requests still get answers (Connection: close) while it drains, then it exits 0", async () => {
    const dataDir = join(tmp(), "drain");
    const s = await start(["--port", "0", "--data-dir", dataDir]);
    s.child.kill("SIGTERM");
    for (let i = 0; i < 500 && !s.stderr().includes("shutting down"); i++) await new Promise((r) => setTimeout(r, 2));
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("connection")).toBe("close");
    expect(await s.exited).toBe(0);
  });

  it("a client that never finishes its request cannot hold up shutdown past --shutdown-timeout", async () => {
    const dataDir = join(tmp(), "slow");
    const s = await start(["--port", "0", "--data-dir", dataDir, "--shutdown-timeout", "1"]);
    const { connect } = await import("node:net");
    const port = Number(new URL(s.url).port);
    const sock = connect(port, "127.0.0.1");
    await new Promise<void>((r) => sock.on("connect", () => r()));
    sock.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
    sock.on("error", () => {});
    await new Promise((r) => setTimeout(r, 100));
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toMatch(/shutdown timeout/);
    sock.destroy();
  });
  it("--cors-origin / OPENKMS_CORS_ORIGIN: preflights from listed origins answered, others get no CORS header", async () => {
    const preflight = (url: string, origin: string) =>
      fetch(`${url}/`, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,x-tc-action" } });
    const s = await start(["--port", "0", "--data-dir", join(tmp(), "cors"), "--cors-origin", "http://a.example.test:8000,https://b.example.test"]);
    for (const origin of ["http://a.example.test:8000", "https://b.example.test"]) {
      const res = await preflight(s.url, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("access-control-allow-methods")).toBe("POST, GET");
    }
    const other = await preflight(s.url, "https://c.example.test");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    // The count of preflights is logged at shutdown.
    expect(s.stderr()).toMatch(/"corsPreflights":\{"allowed":2,"refused":1\}/);

    const e = await start(["--port", "0", "--data-dir", join(tmp(), "cors-env")], { OPENKMS_CORS_ORIGIN: "https://env.example.test" });
    expect((await preflight(e.url, "https://env.example.test")).headers.get("access-control-allow-origin")).toBe("https://env.example.test");
    const none = await start(["--port", "0", "--data-dir", join(tmp(), "cors-off")]);
    const off = await preflight(none.url, "https://env.example.test");
    expect(off.headers.get("access-control-allow-origin")).toBeNull();
    expect(((await off.json()) as { Response: { Error: { Code: string } } }).Response.Error.Code).toBe("UnsupportedProtocol");
  });

  it("--cors-origin refuses what is no origin", async () => {
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", join(tmp(), "cors-bad"), "--cors-origin", "https://x.example.test/path"], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code).not.toBe(0);
    expect(err).toMatch(/--cors-origin/);
  });
});

