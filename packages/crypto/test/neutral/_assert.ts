/** The few assertions the runtime-neutral cases need (no test framework: they also run in a Chromium page). */

export class AssertionFailed extends Error {
  override name = "AssertionFailed";
}

export function ok(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}

export const toHex = (b: Uint8Array): string => Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
export function hex(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw new Error(`odd hex length: ${s.length}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function equalBytes(actual: Uint8Array, expected: Uint8Array, message: string): void {
  ok(actual instanceof Uint8Array, `${message}: expected a Uint8Array, got ${Object.prototype.toString.call(actual)}`);
  const a = toHex(actual), e = toHex(expected);
  ok(a === e, `${message}: expected ${e}, got ${a}`);
}

/** Awaits `fn` and checks that it throws an error for which `check` holds; returns the error. */
export async function rejects(fn: () => unknown, check: (e: Error) => boolean, message: string): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    ok(e instanceof Error && check(e), `${message}: wrong error ${String((e as Error)?.name)}: ${String((e as Error)?.message)}`);
    return e as Error;
  }
  throw new AssertionFailed(`${message}: expected an error, got a result`);
}
