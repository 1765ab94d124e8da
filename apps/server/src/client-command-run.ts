/**
 * How the client commands (`openkms kms`, `encrypt`, `decrypt`) end: exit 0 on success with nothing on stderr; on
 * any failure exactly one line `openkms <command>: <reason>` on stderr (for an API error its code and message, for an
 * unreachable server the endpoint and the network error; never a stack trace) and exit 1.
 */
import type { Command } from "commander";
import { isKmsApiError, isKmsNetworkError } from "@openkms/client";

type Chain = { code?: unknown; message?: unknown; cause?: unknown };

/** The innermost `code` of an error chain (`ECONNREFUSED`, `ENOTFOUND`, …), if any. */
function systemCode(e: unknown): string | undefined {
  let found: string | undefined;
  for (let cur = e as Chain | undefined, depth = 0; cur && depth < 8; cur = cur.cause as Chain | undefined, depth++) {
    if (typeof cur.code === "string" && /^E[A-Z_]+$/.test(cur.code)) found = cur.code;
  }
  return found;
}

/** The innermost message of an error chain (`fetch failed` → `connect ECONNREFUSED 127.0.0.1:9`). */
function rootMessage(e: unknown): string {
  let found = "";
  for (let cur = e as Chain | undefined, depth = 0; cur && depth < 8; cur = cur.cause as Chain | undefined, depth++) {
    if (typeof cur.message === "string" && cur.message) found = cur.message;
  }
  return found;
}

/** The first error in `e`'s cause chain (itself included) that `test` accepts. */
function inChain(e: unknown, test: (x: Error) => boolean): Error | undefined {
  for (let cur = e as (Error & Chain) | undefined, depth = 0; cur && depth < 8; cur = cur.cause as (Error & Chain) | undefined, depth++) {
    if (test(cur)) return cur;
  }
  return undefined;
}

/**
 * One line for any error (newlines folded): an API error's code, message and RequestId; a network failure's
 * endpoint and system error; an envelope error's code and message (or, when a data key could not be unwrapped for
 * want of a credential, that reason alone).
 */
export function failureLine(e: unknown, endpoint?: string): string {
  let line: string;
  const envelopeCode = (e as { name?: unknown; code?: unknown })?.name === "EnvelopeError" ? String((e as { code: unknown }).code) : undefined;
  const credentials = envelopeCode ? inChain((e as Error).cause, (x) => x.name === "CredentialsError") : undefined;
  const network = envelopeCode ? inChain((e as Error).cause, isKmsNetworkError) : undefined;
  if (credentials) {
    line = credentials.message;
  } else if (envelopeCode && network) {
    line = `${envelopeCode}: ${failureLine(network, endpoint)}`;
  } else if (envelopeCode) {
    line = `${envelopeCode}: ${(e as Error).message}`;
  } else if (isKmsApiError(e)) {
    const msg = e.message.replace(`${e.action}: `, "");
    line = e.requestId ? `${msg} (RequestId ${e.requestId})` : msg;
  } else if (isKmsNetworkError(e)) {
    const code = systemCode(e);
    const detail = e.cause ? rootMessage(e.cause) : e.message.replace(`${e.action}: `, "");
    line = `no answer from ${endpoint ?? "the server"}: ${code && !detail.includes(code) ? `${code}: ` : ""}${detail}`;
  } else if (e instanceof Error) {
    const code = systemCode(e);
    line = e.message || e.name;
    if (code && !line.includes(code)) line = `${code}: ${line}`;
  } else {
    line = String(e);
  }
  return line.trim().replace(/\s*\n\s*/g, "; ");
}

/** Print the one failure line and exit 1. */
export function fail(command: string, e: unknown, endpoint?: string): never {
  process.stderr.write(`openkms ${command}: ${failureLine(e, endpoint)}\n`);
  process.exit(1);
}

/**
 * Make commander's own errors (unknown option, missing argument…) one line and exit 1, like every other failure.
 */
export function oneLineErrors(cmd: Command): Command {
  return cmd
    .showSuggestionAfterError(false)
    .configureOutput({
      outputError: (str, write) => write(`openkms ${cmd.name()}: ${str.trim().replace(/^error: /, "").replace(/\s*\n\s*/g, "; ")}\n`),
    })
    .exitOverride((err) => {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") process.exit(0);
      process.exit(1);
    });
}
