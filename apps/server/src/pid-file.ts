/**
 * `<data-dir>/openkms.pid`: the running server's pid, and the guard that keeps a second `openkms serve` off a data
 * dir in use (the embedded SQLite store serves one node; several nodes share PostgreSQL instead).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StartupError } from "@openkms/server";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface PidFile {
  readonly path: string;
  /** Write this process's pid (once listening). */
  write(): void;
  /** Remove the file if it is still this process's. */
  release(): void;
}

/**
 * Claim a data dir for this process.
 * @throws StartupError when another live process's pid is in `<dataDir>/openkms.pid`
 */
export function claimDataDir(dataDir: string): PidFile {
  const path = join(dataDir, "openkms.pid");
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new StartupError(`the data dir ${dataDir} is in use by a running openkms (pid ${pid}); stop it or choose another --data-dir`);
    }
  }
  let written = false;
  return {
    path,
    write() {
      writeFileSync(path, `${process.pid}\n`, { mode: 0o600 });
      written = true;
    },
    release() {
      if (!written) return;
      try {
        if (readFileSync(path, "utf8").trim() === String(process.pid)) rmSync(path, { force: true });
      } catch {
        // already gone
      }
    },
  };
}
