/**
 * Running one operator command (`openkms admin` / `audit` / `migrate` / `backup` / `restore`): print one line
 * `openkms: <message>` on stderr and exit 2 for problems the operator must fix (bad input — command-line mistakes
 * included —, not a data dir, wrong root key), 1 for anything else.
 */
import type { Command } from "commander";
import { AdminError, PolicyError, StartupError } from "@openkms/server";

/** A refusal by the command line itself (conflicting flags). */
export class ToolError extends Error {
  override name = "ToolError";
}

const isOperatorError = (e: unknown) =>
  e instanceof ToolError || e instanceof AdminError || e instanceof StartupError || e instanceof PolicyError || (e as Error)?.name === "RootKeyError";

export async function runTool(fn: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    process.stderr.write(`openkms: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(isOperatorError(e) ? 2 : 1);
  }
}

/**
 * Make commander's own errors on `cmd` and every command under it (unknown command or option, missing argument, bad
 * option value) one line `openkms: <message>` on stderr with exit 2, as the commands' other refusals. `--help` and
 * `--version` exit 0; a bare command group (`openkms admin`) prints its help and exits 1, as commander does.
 */
export function toolErrors(cmd: Command): Command {
  oneLineCommanderErrors(cmd);
  for (const sub of cmd.commands) toolErrors(sub);
  return cmd;
}

/** {@link toolErrors} for `cmd` alone (the top-level `openkms`: an unknown command), not the commands under it. */
export function oneLineCommanderErrors(cmd: Command): Command {
  return cmd
    .configureOutput({ outputError: (str, write) => write(`openkms: ${str.trim().replace(/^error: /, "").replace(/\s*\n\s*/g, "; ")}\n`) })
    .exitOverride((err) => {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") process.exit(0);
      process.exit(err.code === "commander.help" ? err.exitCode : 2);
    });
}
