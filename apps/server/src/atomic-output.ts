/**
 * The output of `openkms encrypt|decrypt`: stdout for `-`, else a file that appears only when the run succeeded.
 * Bytes go to `<out>.tmp-<16 hex>` in the same directory (created exclusively, mode 0600), which is renamed over
 * `<out>` at the end; on failure, SIGINT, SIGTERM or SIGHUP the temporary file is removed, so a failed run leaves
 * neither the output nor a temporary file behind.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, renameSync, rmSync, type WriteStream } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Writable } from "node:stream";

export interface Output {
  stream: Writable;
  /** Make the output final (rename the temporary file into place). */
  commit(): Promise<void>;
  /** Throw the output away (remove the temporary file); safe to call twice. */
  abort(): void;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const EXIT_CODE: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** stdout as an Output: the pipeline ends it and waits for it to finish, so there is nothing to commit or remove. */
function stdoutOutput(): Output {
  return { stream: process.stdout, commit: async () => {}, abort: () => {} };
}

/**
 * Open the output for `path` (`-` = stdout).
 * @param mode file mode of the final file (e.g. 0o600 for plaintext)
 * @throws the open error (e.g. ENOENT for a missing directory), once the first write or `commit` reports it
 */
export function openOutput(path: string, mode = 0o600): Output {
  if (path === "-") return stdoutOutput();
  const final = resolve(path);
  const tmp = join(dirname(final), `${basename(final)}.tmp-${randomBytes(8).toString("hex")}`);
  const stream: WriteStream = createWriteStream(tmp, { flags: "wx", mode });
  let done = false;
  const remove = () => {
    if (done) return;
    done = true;
    stream.destroy();
    rmSync(tmp, { force: true });
  };
  const onSignal = (signal: (typeof SIGNALS)[number]) => {
    remove();
    process.exit(EXIT_CODE[signal]);
  };
  const onExit = () => remove(); // any exit before commit (an uncaught error, process.exit) removes it too
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on("exit", onExit);
  const detach = () => {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off("exit", onExit);
  };
  return {
    stream,
    async commit() {
      await new Promise<void>((res, rej) => {
        if (stream.closed) return res();
        stream.once("close", () => res());
        stream.once("error", rej);
        if (!stream.writableEnded) stream.end();
      });
      renameSync(tmp, final);
      done = true;
      detach();
    },
    abort() {
      remove();
      detach();
    },
  };
}
