/** The one vitest configuration every package uses (each package's vitest.config.ts re-exports or extends it). */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for an outcome (a page updated, a change seen by another node); a loaded CI machine can take
    // longer than vitest's default second, and a poll that succeeds returns as soon as it does.
    expect: { poll: { timeout: 15_000 } },
    // test-results.json in each package is what .ci/run counts.
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
  },
});
