/**
 * `openkms` as an operator runs it: the bundled binary (`dist/openkms.js`) in child processes — `serve` kept running,
 * `admin` / `audit` commands run to completion. `stopAll()` ends every server still running (call it in afterAll).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const bin = join(dirname(fileURLToPath(import.meta.url)), "../dist/openkms.js");
const servers = new Set<ChildProcess>();

export function stopAll(): void {
  for (const c of servers) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

export interface Served {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then wait (≤ 30 s) for the exit. */
  stop(): Promise<void>;
}

/** Start `openkms serve --port 0 --data-dir <dataDir> …args` and wait (≤ 60 s) for "openkms listening on". */
export function serve(dataDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", dataDir, ...args], {
    stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env },
  });
  servers.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<void>((res) => child.on("exit", () => {
    servers.delete(child);
    res();
  }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`openkms serve did not start within 60 s: ${err}`));
    }, 60_000);
    child.stdout!.on("data", () => {
      const m = /openkms listening on (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!, child, stderr: () => err,
        async stop() {
          child.kill("SIGTERM");
          await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
          if (child.exitCode === null) child.kill("SIGKILL");
        },
      });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`openkms serve exited: ${err}`));
    });
  });
}

/** Run one `openkms …` command to completion (≤ 60 s). */
export function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => c.kill("SIGKILL"), 60_000);
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (err += d));
    c.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** Run a command that must succeed; resolves with its JSON output (undefined when it printed nothing). */
export async function ok(args: string[]): Promise<any> {
  const r = await run(args);
  if (r.code !== 0) throw new Error(`openkms ${args.join(" ")} exited ${r.code}: ${r.err}`);
  return r.out.trim() ? JSON.parse(r.out) : undefined;
}

/** Run `openkms audit query …`; resolves with the records (one JSON object per line). */
export async function auditQuery(dataDir: string, args: string[]): Promise<any[]> {
  const r = await run(["audit", "query", "--data-dir", dataDir, ...args]);
  if (r.code !== 0) throw new Error(`openkms audit query exited ${r.code}: ${r.err}`);
  return r.out.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}
