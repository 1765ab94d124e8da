/** Runs the `openssl` CLI in a temp dir for interop tests; throws (with stderr) when a command fails. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class Openssl {
  readonly dir = mkdtempSync(join(tmpdir(), "openkms-openssl-"));
  path(name: string): string {
    return join(this.dir, name);
  }
  write(name: string, data: Uint8Array | string): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }
  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }
  run(...args: string[]): string {
    return execFileSync("openssl", args, { cwd: this.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }
  /** Exit status 0 → true; any failure → false (for `dgst -verify`). */
  ok(...args: string[]): boolean {
    try {
      this.run(...args);
      return true;
    } catch {
      return false;
    }
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
