// Bundled by chromium.test.ts for the browser (esbuild, `"browser"` condition, `#platform` → the WebCrypto backend):
// exposes the neutral cases to the page as `window.runNeutral()`, vectors fetched from the test's static server.
import { platform } from "#platform";
import { neutralCases } from "./cases.js";
import type { VectorSource } from "./_io.js";

const io: VectorSource = {
  vectors: async (path) => (await fetch(`/vectors/${path}`)).json(),
  golden: async (name) => (await fetch(`/golden/${name}`)).json(),
};

export interface CaseResult {
  suite: string;
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

async function runNeutral(): Promise<{ runtime: string; results: CaseResult[] }> {
  const results: CaseResult[] = [];
  const list = document.getElementById("results")!;
  for (const c of neutralCases) {
    const t0 = performance.now();
    let error: string | undefined;
    try {
      await c.run(io);
    } catch (e) {
      error = `${(e as Error).name}: ${(e as Error).message}`;
    }
    const r: CaseResult = { suite: c.suite, name: c.name, ok: error === undefined, ms: Math.round(performance.now() - t0), ...(error ? { error } : {}) };
    results.push(r);
    const li = document.createElement("li");
    li.textContent = `${r.ok ? "✓" : "✗"} [${c.suite}] ${c.name} (${r.ms} ms)${error ? ` — ${error}` : ""}`;
    li.style.color = r.ok ? "green" : "red";
    list.append(li);
  }
  return { runtime: platform.runtime, results };
}

(globalThis as unknown as { runNeutral: typeof runNeutral }).runNeutral = runNeutral;
