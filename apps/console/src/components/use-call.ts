/** Run one API call at a time from a form: busy flag, the last error (shown with its code) and the last result. */
import { useCallback, useState } from "preact/hooks";
import { toShownError, type ShownError } from "../api.js";

export interface Call<T> {
  busy: boolean;
  error: ShownError | undefined;
  result: T | undefined;
  /** Runs `fn`; resolves with its result, or undefined when it failed (the error is then in `error`). */
  run(fn: () => Promise<T>): Promise<T | undefined>;
  reset(): void;
}

export function useCall<T>(): Call<T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | undefined>(undefined);
  const [result, setResult] = useState<T | undefined>(undefined);
  const run = useCallback(async (fn: () => Promise<T>) => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const r = await fn();
      setResult(() => r);
      return r;
    } catch (e) {
      setError(toShownError(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(undefined);
    setResult(undefined);
  }, []);
  return { busy, error, result, run, reset };
}
