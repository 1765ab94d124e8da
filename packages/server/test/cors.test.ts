/**
 * CORS (http-cors.ts) over raw HTTP: preflights for listed and other origins, the headers on API responses, and that
 * preflights are counted but never audited. A server without `corsOrigins` keeps `OPTIONS /` an API error.
 */
import { createHash } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORS_ALLOWED_HEADERS, parseCorsOrigins } from "../src/http-cors.js";
import { openDataDir, queryAuditLog } from "../src/index.js";
import { tc3Signature, utcDate } from "../src/protocol/tc3.js";
import { startServer, type Running } from "./_harness.js";

const APP = "http://app.example.test:5173";
const OTHER = "https://evil.example.test";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(port: number, method: string, headers: Record<string, string>, body?: string, path = "/"): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const preflight = (origin: string, method = "POST") => ({
  Origin: origin,
  "Access-Control-Request-Method": method,
  "Access-Control-Request-Headers": "authorization,content-type,x-tc-action,x-tc-region,x-tc-requestclient,x-tc-timestamp,x-tc-version",
});

const corsHeaderNames = (h: Raw["headers"]) => Object.keys(h).filter((k) => k.startsWith("access-control-"));

describe("CORS on (corsOrigins listed)", () => {
  let kms: Running;
  beforeAll(async () => {
    kms = await startServer({ corsOrigins: [APP, "https://second.example.test/"] });
  });
  afterAll(async () => kms.stop());

  it("normalises the listed origins", () => {
    expect(kms.server.corsOrigins).toEqual([APP, "https://second.example.test"]);
  });

  it("answers a preflight from a listed origin per the Fetch standard", async () => {
    const r = await raw(kms.port, "OPTIONS", preflight(APP));
    expect(r.status).toBe(204);
    expect(r.body).toBe("");
    expect(r.headers["access-control-allow-origin"]).toBe(APP);
    expect(r.headers["access-control-allow-methods"]).toBe("POST, GET");
    const allowed = String(r.headers["access-control-allow-headers"]).split(", ");
    expect(allowed).toEqual([...CORS_ALLOWED_HEADERS]);
    for (const h of ["Authorization", "Content-Type", "X-TC-Action", "X-TC-Version", "X-TC-Timestamp", "X-TC-Region", "X-TC-Token", "X-TC-Language", "X-TC-RequestClient"]) {
      expect(allowed).toContain(h);
    }
    expect(r.headers["access-control-max-age"]).toBe("600");
    expect(String(r.headers["vary"])).toMatch(/\bOrigin\b/);
    expect(r.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("answers a preflight from another origin without any CORS header", async () => {
    const r = await raw(kms.port, "OPTIONS", preflight(OTHER));
    expect(r.status).toBe(204);
    expect(corsHeaderNames(r.headers)).toEqual([]);
    expect(String(r.headers["vary"])).toMatch(/\bOrigin\b/);
    // An origin that differs from a listed one only in its port is another origin.
    const r2 = await raw(kms.port, "OPTIONS", preflight("http://app.example.test:5174"));
    expect(corsHeaderNames(r2.headers)).toEqual([]);
  });

  it("puts Access-Control-Allow-Origin on API responses to listed origins only", async () => {
    const call = (origin?: string) =>
      raw(kms.port, "POST", { "Content-Type": "application/json", "X-TC-Action": "GetRegions", "X-TC-Version": "2019-01-18", ...(origin ? { Origin: origin } : {}) }, "{}");
    const listed = await call(APP);
    expect(listed.status).toBe(200);
    expect(listed.headers["content-type"]).toBe("application/json");
    expect(listed.headers["access-control-allow-origin"]).toBe(APP);
    expect(String(listed.headers["vary"])).toMatch(/\bOrigin\b/);
    // The API's error reaches the page (unsigned request → an AuthFailure code), readable thanks to the header.
    expect(JSON.parse(listed.body).Response.Error.Code).toMatch(/^AuthFailure/);
    const other = await call(OTHER);
    expect(other.status).toBe(200);
    expect(corsHeaderNames(other.headers)).toEqual([]);
    const none = await call();
    expect(corsHeaderNames(none.headers)).toEqual([]);
  });

  it("a signed API call from a listed origin succeeds and carries the header", async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = "{}";
    const host = `127.0.0.1:${kms.port}`;
    const signature = tc3Signature({
      method: "POST", canonicalQuery: "", headers: [["content-type", "application/json"], ["host", host]],
      payloadHash: createHash("sha256").update(body).digest("hex"), timestamp, date: utcDate(timestamp), service: "kms",
      secretKey: kms.server.credential.secretKey,
    });
    const r = await raw(kms.port, "POST", {
      Origin: APP, Host: host, "Content-Type": "application/json", "X-TC-Action": "GetRegions", "X-TC-Version": "2019-01-18",
      "X-TC-Timestamp": String(timestamp),
      Authorization: `TC3-HMAC-SHA256 Credential=${kms.server.credential.secretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
    }, body);
    expect(JSON.parse(r.body).Response.Regions).toEqual(["ap-guangzhou"]);
    expect(r.headers["access-control-allow-origin"]).toBe(APP);
    const health = await raw(kms.port, "GET", { Origin: APP }, undefined, "/healthz");
    expect(health.headers["access-control-allow-origin"]).toBe(APP);
  });

  it("an OPTIONS that is no preflight stays an API error (UnsupportedProtocol), with the origin's header", async () => {
    const r = await raw(kms.port, "OPTIONS", { Origin: APP });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).Response.Error.Code).toBe("UnsupportedProtocol");
    expect(r.headers["access-control-allow-origin"]).toBe(APP);
  });

  it("counts preflights and never audits them", async () => {
    const before = kms.server.corsPreflights();
    const auditBefore = await auditRecordCount(kms);
    await raw(kms.port, "OPTIONS", preflight(APP));
    await raw(kms.port, "OPTIONS", preflight(APP, "GET"));
    await raw(kms.port, "OPTIONS", preflight(OTHER));
    const after = kms.server.corsPreflights();
    expect(after).toEqual({ allowed: before.allowed + 2, refused: before.refused + 1 });
    expect(await auditRecordCount(kms)).toBe(auditBefore);
    // An API call is audited as before.
    await kms.call("GetRegions");
    expect(await auditRecordCount(kms)).toBe(auditBefore + 1);
  });
});

/** Records in the running server's audit log, read through `openkms audit`'s query on a second connection. */
async function auditRecordCount(run: Running): Promise<number> {
  const dir = await openDataDir({ dataDir: run.dataDir, create: false, nowSeconds: Math.floor(Date.now() / 1000) });
  try {
    return queryAuditLog(dir.audit, { limit: 1_000_000 }).length;
  } finally {
    await dir.close();
  }
}

describe("CORS off (default)", () => {
  let kms: Running;
  beforeAll(async () => {
    kms = await startServer();
  });
  afterAll(async () => kms.stop());

  it("a preflight gets the API's UnsupportedProtocol and no CORS header", async () => {
    const r = await raw(kms.port, "OPTIONS", preflight(APP));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).Response.Error.Code).toBe("UnsupportedProtocol");
    expect(corsHeaderNames(r.headers)).toEqual([]);
    expect(kms.server.corsOrigins).toEqual([]);
  });
  it("API responses carry no CORS header", async () => {
    const r = await raw(kms.port, "POST", { Origin: APP, "Content-Type": "application/json", "X-TC-Action": "GetRegions", "X-TC-Version": "2019-01-18" }, "{}");
    expect(corsHeaderNames(r.headers)).toEqual([]);
  });
});

describe("parseCorsOrigins", () => {
  it("normalises origins", () => {
    expect(parseCorsOrigins(["HTTPS://App.Example.com:443/", "http://localhost:5173", "http://localhost:5173"])).toEqual([
      "https://app.example.com", "http://localhost:5173",
    ]);
  });
  it.each(["*", "null", "app.example.com", "https://app.example.com/path", "https://app.example.com?x=1", "ftp://x.example", "https://u:p@x.example", ""])(
    "refuses %j with a TypeError naming the field",
    (bad) => {
      expect(() => parseCorsOrigins([bad])).toThrow(TypeError);
      expect(() => parseCorsOrigins([bad])).toThrow(/"corsOrigins"/);
    },
  );
});
