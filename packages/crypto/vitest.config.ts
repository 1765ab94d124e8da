import { fileURLToPath } from "node:url";
import { mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// Tests import the sources: `#platform` (the package's `imports` map points at dist/) resolves to the Node backend's
// source too, so one module graph is tested. The browser backend is tested in Chromium (test/chromium.test.ts).
export default mergeConfig(shared, {
  resolve: { alias: { "#platform": fileURLToPath(new URL("./src/_platform-node.ts", import.meta.url)) } },
});
