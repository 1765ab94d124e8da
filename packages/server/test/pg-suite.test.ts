/**
 * The SDK action, key-state, rotation and hosted data key tests again, with every server on the PostgreSQL store (one
 * database per server in a throwaway PostgreSQL): the shared store behaves as the embedded one through the API.
 * (Tests that inspect the embedded store's files, or `openkms admin` on a data dir, stay embedded-only.)
 */
import { describe, it } from "vitest";
import { runOnPostgres } from "./_harness.js";
import { pgAvailable } from "./_postgres.mjs";

if (pgAvailable()) {
  runOnPostgres();
  await import("./sdk-actions.test.js");
  await import("./key-states.test.js");
  await import("./rotation.test.js");
  await import("./hosted-data-keys.test.js");
} else {
  describe("the API tests on PostgreSQL", () => it.skip("PostgreSQL is not installed", () => {}));
}
