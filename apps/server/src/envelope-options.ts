/**
 * Option values shared by `openkms encrypt` and `openkms decrypt`: `--context '<json>'`, `--suite`, `--frame-size`,
 * and the input (`-` = stdin, else a readable regular file, opened before any output is created).
 */
import { createReadStream, openSync, fstatSync, closeSync } from "node:fs";
import type { Readable } from "node:stream";
import { InvalidArgumentError } from "commander";

export const SUITES = ["SM4_GCM", "AES_256_GCM"] as const;
export type SuiteName = (typeof SUITES)[number];

/** Frame length bounds of envelope format v1 (docs/envelope-format.md), bytes. */
export const MIN_FRAME_SIZE = 1024;
export const MAX_FRAME_SIZE = 4 * 1024 * 1024;

/** `--context '{"k":"v",…}'`: a JSON object whose values are strings. */
export function parseContext(value: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`expected a JSON object such as '{"app":"web"}', got ${JSON.stringify(value)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`expected a JSON object such as '{"app":"web"}', got ${JSON.stringify(value)}`);
  }
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== "string") throw new InvalidArgumentError(`the value of ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}`);
    // An object copy would drop it silently (it names the prototype), so the pair would not be bound.
    if (k === "__proto__") throw new InvalidArgumentError(`a context key may not be "__proto__"`);
  }
  return parsed as Record<string, string>;
}

/** `--frame-size <bytes>`: an integer within the format's bounds. */
export function parseFrameSize(value: string): number {
  const n = /^\d{1,8}$/.test(value) ? Number(value) : NaN;
  if (!(n >= MIN_FRAME_SIZE && n <= MAX_FRAME_SIZE)) {
    throw new InvalidArgumentError(`expected bytes ${MIN_FRAME_SIZE}..${MAX_FRAME_SIZE}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export interface Input {
  stream: Readable;
  /** Bytes, when the input is a regular file. */
  size: number | undefined;
}

/**
 * Open the input now, so that a missing or unreadable file fails before any output exists.
 * @throws the open error (ENOENT, EACCES, EISDIR…)
 */
export function openInput(path: string): Input {
  if (path === "-") {
    let size: number | undefined;
    try {
      const st = fstatSync(0);
      if (st.isFile()) size = st.size; // `< file`: the progress bar can show a percentage
    } catch {
      // stdin closed or not stat-able: size unknown
    }
    return { stream: process.stdin, size };
  }
  const fd = openSync(path, "r");
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: "EISDIR" });
    return { stream: createReadStream("", { fd, highWaterMark: 256 * 1024 }), size: st.isFile() ? st.size : undefined };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
