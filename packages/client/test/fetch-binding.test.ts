// A browser's fetch throws "Illegal invocation" unless called with the global scope (or nothing) as `this`. The
// client must call both the global fetch and an injected one unbound. (Real Chromium: packages/browser tests.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./_server.js";

/** A fetch that behaves like Window.fetch about its receiver. */
function strictFetch(real: typeof globalThis.fetch): typeof globalThis.fetch {
  return function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
    if (this !== undefined && this !== globalThis) throw new TypeError("Failed to execute 'fetch' on 'Window': Illegal invocation");
    return real(input, init);
  } as typeof globalThis.fetch;
}

describe("fetch is called unbound", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.stop());

  it("the global fetch, as in a page", async () => {
    const real = globalThis.fetch;
    globalThis.fetch = strictFetch(real);
    try {
      const res = await t.client().requestAny("ListKeys", {});
      expect(res).toHaveProperty("RequestId");
    } finally {
      globalThis.fetch = real;
    }
  });

  it("an injected fetch (e.g. `fetch: window.fetch`)", async () => {
    const res = await t.client({ fetch: strictFetch(globalThis.fetch) }).requestAny("ListKeys", {});
    expect(res).toHaveProperty("RequestId");
  });
});
