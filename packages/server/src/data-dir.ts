/**
 * File-system hygiene of the data dir: the store is created readable by its owner only, and a data dir or root key
 * file that others can read is reported (the operator may have chosen it; the server does not change it).
 */
import { closeSync, existsSync, openSync, statSync } from "node:fs";
import type { Logger } from "pino";

/** Create `path` empty with mode 0600 when it does not exist yet (an existing file is left as it is). */
export function createPrivateFile(path: string): void {
  if (existsSync(path)) return;
  closeSync(openSync(path, "wx", 0o600));
}

/** Log a warning for a data dir or key file that group or others can access. */
export function warnIfExposed(logger: Logger, dataDir: string, keyFile: string | undefined): void {
  for (const path of [dataDir, keyFile]) {
    if (!path || !existsSync(path)) continue;
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) logger.warn({ path, mode: mode.toString(8) }, "accessible to other users: restrict it (chmod go-rwx)");
  }
}
