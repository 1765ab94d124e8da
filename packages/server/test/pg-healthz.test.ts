/**
 * `GET /healthz` of a node on PostgreSQL tells a load balancer whether the node can serve: 200 `{"status":"ok"}`
 * while it can; 503 `{"status":"unavailable","reason":…}` while the database does not answer, and once the node is
 * fenced by `openkms admin rewrap --store` (every API request would be InternalError). Never audited.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/index.js";
import { REWRAP_MARKER } from "../src/root-of-trust/rewrap.js";
import { startServer, type Running } from "./_harness.js";
import { pgAvailable, startPostgres, type TestPostgres } from "./_postgres.mjs";

const ROOT_KEY = randomBytes(32).toString("base64");

async function healthz(node: Running): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const res = await fetch(`${node.url}/healthz`);
  expect(res.headers.get("content-type")).toBe("application/json");
  return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
}

describe.skipIf(!pgAvailable())("GET /healthz on PostgreSQL", () => {
  let postgres: TestPostgres;
  let url: string;
  let node: Running;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase();
    node = await startServer({ store: url, rootKey: ROOT_KEY, clock: new ManualClock(), schedulerIntervalSeconds: 0 });
  });
  afterAll(async () => {
    await node?.stop();
    await postgres?.stop();
  });

  it("200 while the node can serve", async () => {
    expect(await healthz(node)).toEqual({ status: 200, body: { status: "ok" } });
  });

  it("503 naming the store while PostgreSQL is stopped, 200 again once it is back", async () => {
    postgres.halt("fast");
    try {
      await expect.poll(() => healthz(node)).toMatchObject({ status: 503, body: { status: "unavailable", reason: expect.stringMatching(/PostgreSQL store/) } });
      expect((await healthz(node)).body.reason).not.toContain(new URL(url).password || "\u0000");
    } finally {
      postgres.start();
    }
    await expect.poll(() => healthz(node)).toEqual({ status: 200, body: { status: "ok" } });
    expect((await node.call("ListKeys", {})).TotalCount).toBe(0);
  });

  it("503 once the node is fenced by a root key move, and every API call is InternalError; /healthz is not audited", async () => {
    const before = (await node.call("OpenKMS.ListAuditRecords", { Limit: 100 })).TotalCount as number;
    await healthz(node);
    expect((await node.call("OpenKMS.ListAuditRecords", { Limit: 100 })).TotalCount).toBe(before + 1); // the first listing
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("INSERT INTO meta (name, value) VALUES ($1, 'elsewhere')", [REWRAP_MARKER]);
    } finally {
      await client.end();
    }
    await expect.poll(() => healthz(node)).toMatchObject({ status: 503, body: { status: "unavailable", reason: expect.stringMatching(/root key/) } });
    expect(await node.fail("ListKeys", {})).toBe("InternalError");
  });
});
