/** The one vitest configuration every package uses (each package's vitest.config.ts re-exports or extends it). */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // test-results.json in each package is what .ci/run counts.
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
  },
});
