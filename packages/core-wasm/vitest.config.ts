import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The 10^6-iteration SM4 vector and the Monte Carlo suites run on two builds: allow them more time.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 120_000 } }));
