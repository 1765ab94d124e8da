/**
 * HTTP hardening (issue 14), over raw sockets where a client library cannot send the request: Host checks, exactly one
 * audit record per request whatever the request (also those refused before routing, and bodies cut short), repeated
 * JSON members, slow clients (header and body timeouts) and the bound on open connections.
 */
import { createHash } from "node:crypto";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tc3Signature, utcDate } from "../src/protocol/tc3.js";
import { startServer, type Running } from "./_harness.js";

let kms: Running;
beforeAll(async () => {
  kms = await startServer({ http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, maxConnections: 40 } });
});
afterAll(async () => kms.stop());

/** Number of audit records committed so far (another connection: what another process sees). */
function auditCount(): number {
  const db = new Database(join(kms.dataDir, "audit.db"), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Records whose request id is `requestId`. */
function auditRows(requestId: string): Record<string, unknown>[] {
  const db = new Database(join(kms.dataDir, "audit.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT * FROM audit_log WHERE request_id = ?").all(requestId) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Wait until the audit count stops changing for a moment (records of requests without an answer). */
async function settledAuditCount(): Promise<number> {
  let last = auditCount();
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const now = auditCount();
    if (now === last) return now;
    last = now;
  }
}

/** Send `text` on a fresh connection; resolve with everything the server sent until it closed (or `waitMs` passed). */
function rawExchange(text: string | Buffer, opts: { end?: boolean; waitMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(kms.port, "127.0.0.1", () => {
      s.write(text);
      if (opts.end) s.end();
    });
    let out = "";
    const done = () => resolve(out);
    s.on("data", (d) => (out += d));
    s.on("close", done);
    s.on("error", reject);
    if (opts.waitMs) setTimeout(() => (s.destroy(), done()), opts.waitMs);
  });
}

function parseResponse(text: string): { status: number; headers: Record<string, string>; json: any } {
  const head = text.slice(0, text.indexOf("\r\n\r\n"));
  const [statusLine, ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines) headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
  const body = text.slice(text.indexOf("\r\n\r\n") + 4);
  return { status: Number(statusLine!.split(" ")[1]), headers, json: JSON.parse(body) };
}

/** A TC3-signed POST as raw text; `host` is what is signed, `hostLines` what is sent. */
function signedRequest(action: string, body: string, o: { host?: string; hostLines?: string[]; target?: string; contentLength?: number } = {}): string {
  const host = o.host ?? `127.0.0.1:${kms.port}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = tc3Signature({
    method: "POST", canonicalQuery: "", headers: [["content-type", "application/json"], ["host", host]],
    payloadHash: createHash("sha256").update(body).digest("hex"), timestamp, date: utcDate(timestamp), service: "kms",
    secretKey: kms.server.credential.secretKey,
  });
  const lines = [
    `POST ${o.target ?? "/"} HTTP/1.1`,
    ...(o.hostLines ?? [host]).map((h) => `Host: ${h}`),
    "Content-Type: application/json",
    `X-TC-Action: ${action}`,
    "X-TC-Version: 2019-01-18",
    `X-TC-Timestamp: ${timestamp}`,
    `Authorization: TC3-HMAC-SHA256 Credential=${kms.server.credential.secretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
    `Content-Length: ${o.contentLength ?? Buffer.byteLength(body)}`,
    "Connection: close",
  ];
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

function expectApiError(text: string, code: string): string {
  const r = parseResponse(text);
  expect(r.status).toBe(200);
  expect(r.headers["content-type"]).toBe("application/json");
  expect(r.json.Response.Error.Code).toBe(code);
  expect(r.json.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  return r.json.Response.RequestId as string;
}

describe("Host", () => {
  it("a signed request over a raw socket works (the baseline the refusals below differ from)", async () => {
    const r = parseResponse(await rawExchange(signedRequest("GetRegions", "{}")));
    expect(r.json.Response.Regions).toEqual(["ap-guangzhou"]);
    expect(auditRows(r.json.Response.RequestId)).toHaveLength(1);
  });

  it("no Host → InvalidParameter in an API envelope, audited once", async () => {
    const before = await settledAuditCount();
    const text = await rawExchange(signedRequest("GetRegions", "{}", { hostLines: [] }));
    const id = expectApiError(text, "InvalidParameter");
    expect(parseResponse(text).json.Response.Error.Message).toMatch(/Host/);
    expect(auditRows(id)).toHaveLength(1);
    expect(await settledAuditCount()).toBe(before + 1);
  });

  it("two Host lines → InvalidParameter, audited once", async () => {
    const host = `127.0.0.1:${kms.port}`;
    const before = await settledAuditCount();
    const id = expectApiError(await rawExchange(signedRequest("GetRegions", "{}", { hostLines: [host, "evil.example"] })), "InvalidParameter");
    expect(auditRows(id)).toHaveLength(1);
    expect(await settledAuditCount()).toBe(before + 1);
  });

  it("an absolute-form target naming another authority than Host → InvalidParameter, audited once", async () => {
    const before = await settledAuditCount();
    const id = expectApiError(await rawExchange(signedRequest("GetRegions", "{}", { target: "http://evil.example/" })), "InvalidParameter");
    expect(auditRows(id)).toHaveLength(1);
    expect(await settledAuditCount()).toBe(before + 1);
  });

  it("an absolute-form target naming the Host's own authority is served", async () => {
    const r = parseResponse(await rawExchange(signedRequest("GetRegions", "{}", { target: `http://127.0.0.1:${kms.port}/` })));
    expect(r.json.Response.Regions).toEqual(["ap-guangzhou"]);
  });
});

describe("exactly one audit record per request", () => {
  it("a malformed start line: one record", async () => {
    const before = await settledAuditCount();
    expectApiError(await rawExchange("GARBAGE\r\n\r\n"), "InvalidParameter");
    expect(await settledAuditCount()).toBe(before + 1);
  });

  it("a body cut short (the client closes before Content-Length bytes came): one record", async () => {
    const before = await settledAuditCount();
    const full = signedRequest("GetRegions", "{}", { contentLength: 100 });
    await rawExchange(full, { end: true });
    expect(await settledAuditCount()).toBe(before + 1);
  });

  it("a body cut short by a client that then goes quiet (request timeout): one record", async () => {
    const before = await settledAuditCount();
    await rawExchange(signedRequest("GetRegions", "{}", { contentLength: 100 }), { waitMs: 4000 });
    expect(await settledAuditCount()).toBe(before + 1);
  });
});

describe("repeated JSON members", () => {
  it.each([
    ["Encrypt", '{"KeyId":"A","Plaintext":"eA==","KeyId":"B"}'],
    ["CreateKey", '{"Alias":"x1","Alias":"x2"}'],
    ["CreateKey", '{"Alias":"x3","\\u0041lias":"x4"}'],
    ["CreateKey", '{"Alias":"x5","Tags":[{"TagKey":"a","TagValue":"b","TagKey":"c"}]}'],
  ])("%s %s → InvalidParameter", async (action, body) => {
    const r = parseResponse(await rawExchange(signedRequest(action, body)));
    expect(r.json.Response.Error.Code).toBe("InvalidParameter");
    expect(r.json.Response.Error.Message).toMatch(/more than once/);
  });

  it("the same name in different objects is fine", async () => {
    const r = parseResponse(await rawExchange(signedRequest("CreateKey", '{"Alias":"dup-ok","Tags":[{"TagKey":"Alias","TagValue":"v"},{"TagKey":"k","TagValue":"Alias"}]}')));
    expect(r.json.Response.Error).toBeUndefined();
  });
});

describe("slow clients and connection bounds", () => {
  it("half-sent headers: the connection is answered and closed once the header timeout passes", async () => {
    const before = await settledAuditCount();
    const text = await rawExchange("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-TC-Act");
    expect(parseResponse(text).json.Response.Error.Message).toMatch(/in time/);
    expectApiError(text, "InvalidParameter");
    expect(await settledAuditCount()).toBe(before + 1);
  });

  it("the default header timeout is 10 s, and the body timeout is bounded", async () => {
    const other = await startServer();
    try {
      expect(other.server.app.server.headersTimeout).toBe(10_000);
      expect(other.server.app.server.requestTimeout).toBeGreaterThan(0);
      expect(other.server.app.server.requestTimeout).toBeLessThanOrEqual(60_000);
      expect(other.server.app.server.maxConnections).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  });

  it("connections beyond maxConnections are refused; the server keeps serving", async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        sockets.push(await new Promise<Socket>((resolve, reject) => {
          const s = connect(kms.port, "127.0.0.1", () => resolve(s));
          s.on("error", reject);
        }));
      }
      // The 41st is closed by the server without an answer.
      const text = await rawExchange(signedRequest("GetRegions", "{}"), { waitMs: 3000 });
      expect(text).toBe("");
    } finally {
      for (const s of sockets) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    const r = parseResponse(await rawExchange(signedRequest("GetRegions", "{}")));
    expect(r.json.Response.Regions).toEqual(["ap-guangzhou"]);
  });
});

describe("validation messages in the API's words", () => {
  it.each<[string, string, RegExp]>([
    ["GenerateRandom", '{"NumberOfBytes":-1}', /^NumberOfBytes: must be a non-negative integer .*, got the number -1$/],
    ["GenerateRandom", '{"NumberOfBytes":"12x"}', /^NumberOfBytes: must be a non-negative integer .*, got a string of 3 characters$/],
    ["DisableKeys", '{"KeyIds":"abc"}', /^KeyIds: expected an array, got a string of 3 characters$/],
    ["CreateKey", '{"Alias":5}', /^Alias: must be a string, got the number 5$/],
    ["CreateKey", '{"Alias":"t","Tags":[{"TagKey":"k","TagValue":7}]}', /^Tags\[0\]\.TagValue: must be a string, got the number 7$/],
    ["CreateKey", '{"Alias":"t","Tags":{"TagKey":"k"}}', /^Tags: expected an array, got an object$/],
    ["ListKeys", '{"Limit":true}', /^Limit: must be a non-negative integer .*, got true$/],
  ])("%s %s", async (action, body, message) => {
    const r = parseResponse(await rawExchange(signedRequest(action, body)));
    expect(r.json.Response.Error.Code).toBe("InvalidParameter");
    expect(r.json.Response.Error.Message).toMatch(message);
    expect(r.json.Response.Error.Message).not.toMatch(/Too small|Too big|Invalid input|received|expected number to be/);
  });
});
