/**
 * Runs the `openssl` CLI (an implementation nobody here wrote) for cross-checks, with files in a fresh temp dir.
 * Throws when openssl is missing or a command fails, so interop tests never pass on nothing.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class OpensslDir {
  readonly dir = mkdtempSync(join(tmpdir(), "openkms-ossl-"));
  path(name: string): string {
    return join(this.dir, name);
  }
  write(name: string, data: Uint8Array | string): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }
  read(name: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(name)));
  }
  /** Runs openssl with `args`; returns stdout. Throws with stderr on a non-zero exit. */
  run(args: string[]): string {
    return execFileSync("openssl", args, { cwd: this.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }
  /** True when the command exits 0. */
  ok(args: string[]): boolean {
    try {
      this.run(args);
      return true;
    } catch {
      return false;
    }
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
