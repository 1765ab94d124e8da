/**
 * Running the bundled `openkms` command in tests, as a user does: `serve` in a child process until it prints its
 * listening line, one-shot commands to completion, and the official SDK against what it serves.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";

export const bin = join(dirname(fileURLToPath(import.meta.url)), "../dist/openkms.js");

export interface Served {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

const children: ChildProcess[] = [];

/** SIGKILL every child still running (afterAll/afterEach). */
export function killChildren(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

/** `openkms serve --port 0 <args>`; resolves once it listens, rejects with its stderr if it exits first. */
export function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  return startServe(["--port", "0", ...args], env);
}

/** `openkms serve <args>` (no port added: the args or the environment give it); as {@link serve}. */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [bin, "serve", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", () => {
      const m = /openkms listening on (\S+)\n/.exec(out);
      if (m) {
        resolve({
          child, url: m[1]!, exited, stdout: () => out, stderr: () => err,
          stop: () => (child.kill("SIGTERM"), exited),
        });
      }
    });
    exited.then((code) => reject(new Error(`serve exited ${code} before listening: ${err}`)));
  });
}

/** Run one `openkms …` command to completion. */
export function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (err += d));
    c.on("exit", (code) => resolve({ code, out, err }));
  });
}

/** Run a command that must succeed; its stdout parsed as JSON (undefined when empty). */
export async function ok(args: string[], env: Record<string, string> = {}): Promise<any> {
  const r = await run(args, env);
  if (r.code !== 0) throw new Error(`openkms ${args.join(" ")} exited ${r.code}: ${r.err}`);
  return r.out.trim() ? JSON.parse(r.out) : undefined;
}

/** The official SDK's CommonClient for a `credentials.json` (protocol from its `Protocol`, default http://). */
export function sdkFor(creds: { SecretId: string; SecretKey: string; Region: string; Endpoint: string; Protocol?: string }): CommonClient {
  return new CommonClient("kms.tencentcloudapi.com", "2019-01-18", {
    credential: { secretId: creds.SecretId, secretKey: creds.SecretKey },
    region: creds.Region,
    profile: { httpProfile: { endpoint: creds.Endpoint, protocol: creds.Protocol ?? "http://" } },
  });
}
