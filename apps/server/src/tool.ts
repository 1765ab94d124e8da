/**
 * Running one `openkms admin` / `openkms audit` command: print `openkms: <message>` on stderr and exit 2 for problems
 * the operator must fix (bad input, not a data dir, wrong root key), 1 for anything else.
 */
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
