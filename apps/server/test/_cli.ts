/**
 * Running the bundled `openkms` as a user does, for the client-command tests: a started server in a temp data dir,
 * and one CLI run with its exit code, stdout and stderr. The CLI's environment never inherits TENCENTCLOUD_* or
 * OPENKMS_ENDPOINT from the test's own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, serve } from "./_serve.js";

export { bin };

export interface Credentials {
  SecretId: string;
  SecretKey: string;
  Region: string;
  Endpoint: string;
}

export interface StartedServer {
  child: ChildProcess;
  url: string;
  dataDir: string;
  credentialsFile: string;
  credentials: Credentials;
  stop(): Promise<void>;
}

const cleanup: (() => void | Promise<void>)[] = [];

/** Run and forget everything made by {@link startServer} / {@link tempDir}. Call from `afterAll`/`afterEach`. */
export async function cleanupAll(): Promise<void> {
  for (const f of cleanup.splice(0).reverse()) await f();
}

export function tempDir(prefix = "openkms-cli-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** `openkms serve --port 0` on a fresh data dir (edition `sm` unless given); resolves once it listens. */
export async function startServer(edition: "sm" | "fips" = "sm", extraArgs: string[] = []): Promise<StartedServer> {
  const dataDir = join(tempDir("openkms-cli-data-"), "data");
  const { child, url, exited } = await serve(["--data-dir", dataDir, "--edition", edition, "--log-level", "warn", "--rate-limits", "off", ...extraArgs]);
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  const credentialsFile = join(dataDir, "credentials.json");
  return {
    child, url, dataDir, credentialsFile,
    credentials: JSON.parse(readFileSync(credentialsFile, "utf8")),
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A TCP port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Bytes for stdin (default: none, stdin closed). */
  stdin?: Uint8Array;
}

/** Environment without the variables the CLI reads its credential from. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TENCENTCLOUD_") && k !== "OPENKMS_ENDPOINT") env[k] = v;
  return { ...env, ...extra };
}

/** Run `openkms <args>` to completion. */
export function runCli(args: string[], o: RunOptions = {}): Promise<RunResult> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: o.cwd ?? tmpdir(), env: cleanEnv(o.env), stdio: ["pipe", "pipe", "pipe"] });
  const out: Buffer[] = [];
  let err = "";
  child.stdout.on("data", (d: Buffer) => out.push(d));
  child.stderr.on("data", (d) => (err += d));
  child.stdin.on("error", () => {}); // the CLI may exit before reading all of it
  if (o.stdin) child.stdin.end(o.stdin);
  else child.stdin.end();
  return new Promise((resolve) =>
    child.on("close", (code) => {
      const bytes = Buffer.concat(out);
      resolve({ code, stdout: bytes.toString("utf8"), stdoutBytes: bytes, stderr: err });
    }),
  );
}

/** A failure as the client commands promise it: exit 1, exactly one line on stderr. Returns that line. */
export function oneLineFailure(r: RunResult): string {
  if (r.code !== 1) throw new Error(`expected exit 1, got ${r.code}; stderr: ${r.stderr}`);
  const lines = r.stderr.split("\n");
  if (lines.length !== 2 || lines[1] !== "" || !lines[0]) throw new Error(`expected exactly one line on stderr, got ${JSON.stringify(r.stderr)}`);
  return lines[0];
}
