/**
 * The HTTP envelope, checked with raw requests signed here (TC3): status 200, `Content-Type: application/json`
 * exactly, UUID RequestId, and the protocol-level error codes.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tc3Signature, utcDate } from "../src/protocol/tc3.js";
import { b64, sdkClient, startServer, type Running } from "./_harness.js";

let kms: Running;
beforeAll(async () => {
  kms = await startServer();
});
afterAll(async () => kms.stop());

interface RawOptions {
  method?: string;
  action?: string;
  version?: string;
  region?: string;
  body?: string | Buffer;
  query?: string;
  contentType?: string;
  timestamp?: number;
  secretKey?: string;
  headers?: Record<string, string>;
}

async function raw(o: RawOptions = {}) {
  const method = o.method ?? "POST";
  const body = o.body ?? "{}";
  const contentType = o.contentType ?? (method === "GET" ? "application/x-www-form-urlencoded" : "application/json");
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const host = `127.0.0.1:${kms.port}`;
  const payloadHash = createHash("sha256").update(method === "GET" ? "" : body).digest("hex");
  const signature = tc3Signature({
    method, canonicalQuery: o.query ?? "", headers: [["content-type", contentType], ["host", host]], payloadHash,
    timestamp, date: utcDate(timestamp), service: "kms", secretKey: o.secretKey ?? kms.server.credential.secretKey,
  });
  const headers: Record<string, string> = {
    "Content-Type": contentType,
    "X-TC-Action": o.action ?? "GetRegions",
    "X-TC-Version": o.version ?? "2019-01-18",
    "X-TC-Timestamp": String(timestamp),
    Authorization: `TC3-HMAC-SHA256 Credential=${kms.server.credential.secretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
    ...(o.region ? { "X-TC-Region": o.region } : {}),
    ...o.headers,
  };
  const res = await fetch(`${kms.url}/${o.query ? `?${o.query}` : ""}`, {
    method, headers, body: method === "GET" || method === "HEAD" ? undefined : (body as unknown as BodyInit),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get("content-type"), json: text ? JSON.parse(text) : undefined };
}

describe("envelope", () => {
  it("success: 200, application/json exactly, UUID RequestId", async () => {
    const r = await raw({ action: "GetRegions" });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe("application/json");
    expect(r.json.Response.Regions).toEqual(["ap-guangzhou"]);
    expect(r.json.Response.RequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it("error: 200, application/json exactly, Error.Code and Message", async () => {
    const r = await raw({ action: "NoSuchThing" });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe("application/json");
    expect(r.json.Response.Error.Code).toBe("InvalidAction");
    expect(typeof r.json.Response.Error.Message).toBe("string");
    expect(r.json.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });
  it("GET /healthz answers 200", async () => {
    const res = await fetch(`${kms.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("protocol errors", () => {
  it.each<[string, RawOptions, string]>([
    ["unknown action", { action: "Frobnicate" }, "InvalidAction"],
    ["missing action", { action: "" }, "MissingParameter"],
    ["wrong version", { version: "2017-03-12" }, "NoSuchVersion"],
    ["malformed JSON", { body: "{not json" }, "InvalidParameter"],
    ["JSON array body", { body: "[1,2]" }, "InvalidParameter"],
    ["JSON string body", { body: '"x"' }, "InvalidParameter"],
    ["invalid UTF-8 body", { body: Buffer.from([0x7b, 0xff, 0x7d]) }, "InvalidParameter"],
    ["form POST (signature v1 not offered)", { contentType: "application/x-www-form-urlencoded", body: "Action=GetRegions" }, "InvalidParameter"],
    ["expired timestamp", { timestamp: Math.floor(Date.now() / 1000) - 3600 }, "AuthFailure.SignatureExpire"],
    ["future timestamp", { timestamp: Math.floor(Date.now() / 1000) + 3600 }, "AuthFailure.SignatureExpire"],
    ["wrong secret key", { secretKey: "WRONGWRONGWRONGWRONGWRONGWRONG12" }, "AuthFailure.SignatureFailure"],
    ["no Authorization", { headers: { Authorization: "" } }, "AuthFailure.InvalidAuthorization"],
    ["garbage Authorization", { headers: { Authorization: "Bearer abc" } }, "AuthFailure.InvalidAuthorization"],
    ["unknown SecretId", { headers: { Authorization: `TC3-HMAC-SHA256 Credential=AKIDnobody/${utcDate(Math.floor(Date.now() / 1000))}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${"0".repeat(64)}` } }, "AuthFailure.SecretIdNotFound"],
    ["other region", { region: "ap-shanghai" }, "UnsupportedRegion"],
    ["unknown parameter", { action: "GetRegions", body: '{"Foo":1}' }, "UnknownParameter"],
  ])("%s → %s", async (_name, opts, code) => {
    const r = await raw(opts);
    expect(r.status).toBe(200);
    expect(r.contentType).toBe("application/json");
    expect(r.json.Response.Error.Code).toBe(code);
  });

  it("200k unknown members → UnknownParameter naming the first 5 and how many more (a short reply)", async () => {
    const members = Array.from({ length: 200_000 }, (_, i) => `"Unknown${i}":1`).join(",");
    const long = "L".repeat(100_000);
    const r = await raw({ action: "GetRegions", body: `{"${long}":1,${members}}` });
    expect(r.status).toBe(200);
    expect(r.json.Response.Error.Code).toBe("UnknownParameter");
    expect(r.json.Response.Error.Message).toBe(
      `The parameter ${"L".repeat(64)}…, Unknown0, Unknown1, Unknown2, Unknown3 and 199996 more is not recognized`,
    );
    expect(JSON.stringify(r.json).length).toBeLessThan(1000);
  });

  it("a nested unknown member is named by its path", async () => {
    const r = await raw({ action: "Encrypt", body: JSON.stringify({ KeyId: "k", Plaintext: "eA==", Extra: 1 }) });
    expect(r.json.Response.Error.Code).toBe("UnknownParameter");
    expect(r.json.Response.Error.Message).toBe("The parameter Extra is not recognized");
  });

  it("PUT → UnsupportedProtocol", async () => {
    const r = await raw({ method: "PUT" });
    expect(r.status).toBe(200);
    expect(r.json.Response.Error.Code).toBe("UnsupportedProtocol");
  });

  it("a body over 10 MB → RequestSizeLimitExceeded (HTTP 200), and the server keeps serving", async () => {
    const big = JSON.stringify({ Plaintext: "A".repeat(10 * 1024 * 1024 + 10) });
    const r = await raw({ action: "Encrypt", body: big });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe("application/json");
    expect(r.json.Response.Error.Code).toBe("RequestSizeLimitExceeded");
    expect((await raw({ action: "GetRegions" })).json.Response.Regions).toEqual(["ap-guangzhou"]);
  });

  it("a body just under 10 MB is read and judged on its content", async () => {
    const body = JSON.stringify({ KeyId: "00000000-0000-4000-8000-000000000000", Plaintext: "A".repeat(10 * 1024 * 1024 - 200) });
    const r = await raw({ action: "Encrypt", body });
    expect(r.json.Response.Error.Code).toBe("InvalidParameterValue.InvalidPlaintext");
  });

  it("UNSIGNED-PAYLOAD requests are accepted", async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const host = `127.0.0.1:${kms.port}`;
    const payloadHash = createHash("sha256").update("UNSIGNED-PAYLOAD").digest("hex");
    const signature = tc3Signature({ method: "POST", canonicalQuery: "", headers: [["content-type", "application/json"], ["host", host]], payloadHash, timestamp, date: utcDate(timestamp), service: "kms", secretKey: kms.server.credential.secretKey });
    const res = await fetch(`${kms.url}/`, {
      method: "POST", body: "{}",
      headers: {
        "Content-Type": "application/json", "X-TC-Action": "GetRegions", "X-TC-Version": "2019-01-18", "X-TC-Timestamp": String(timestamp),
        "X-TC-Content-SHA256": "UNSIGNED-PAYLOAD",
        Authorization: `TC3-HMAC-SHA256 Credential=${kms.server.credential.secretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
      },
    });
    expect((await res.json()).Response.Regions).toEqual(["ap-guangzhou"]);
  });
});

describe("GET form through the official SDK (reqMethod GET)", () => {
  it("flattened parameters and numeric strings work end to end", async () => {
    const get = sdkClient(kms.port, kms.server.credential.secretId, kms.server.credential.secretKey, "ap-guangzhou", "GET");
    const a = (await get.request("CreateKey", { Alias: "get-a", Tags: [{ TagKey: "k", TagValue: "v" }] })) as { KeyId: string };
    const b = (await get.request("CreateKey", { Alias: "get-b" })) as { KeyId: string };
    await get.request("DisableKeys", { KeyIds: [a.KeyId, b.KeyId] });
    const d = (await get.request("DescribeKeys", { KeyIds: [a.KeyId, b.KeyId] })) as { KeyMetadatas: { KeyState: string }[] };
    expect(d.KeyMetadatas.map((m) => m.KeyState)).toEqual(["Disabled", "Disabled"]);
    await get.request("EnableKeys", { KeyIds: [a.KeyId, b.KeyId] });
    const enc = (await get.request("Encrypt", { KeyId: a.KeyId, Plaintext: b64("via GET") })) as { CiphertextBlob: string };
    const dec = (await get.request("Decrypt", { CiphertextBlob: enc.CiphertextBlob })) as { Plaintext: string };
    expect(Buffer.from(dec.Plaintext, "base64").toString()).toBe("via GET");
    const rnd = (await get.request("GenerateRandom", { NumberOfBytes: 24 })) as { Plaintext: string };
    expect(Buffer.from(rnd.Plaintext, "base64").length).toBe(24);
    const tagged = (await get.request("ListKeyDetail", { TagFilters: [{ TagKey: "k", TagValue: ["v"] }] })) as { TotalCount: number };
    expect(tagged.TotalCount).toBe(1);
  });
  it("a GET query over 32 KB → RequestSizeLimitExceeded", async () => {
    const query = `Alias=${"a".repeat(33 * 1024)}`;
    const r = await raw({ method: "GET", action: "CreateKey", query });
    expect(r.json.Response.Error.Code).toBe("RequestSizeLimitExceeded");
  });
});

describe("hardening (findings of the fresh-user review)", () => {
  it.each([
    "NumberOfBytes=4&__proto__.EncryptionContext=x",
    "NumberOfBytes=4&constructor.prototype.x=1",
    "NumberOfBytes=4&toString=1",
    "NumberOfBytes=4&Tags.0.__proto__.x=1",
  ])("GET %s → UnknownParameter, and nothing leaks into other requests", async (query) => {
    const r = await raw({ method: "GET", action: "GenerateRandom", query });
    expect(r.json.Response.Error.Code).toBe("UnknownParameter");
    expect(({} as Record<string, unknown>).EncryptionContext).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const ok = await raw({ action: "GenerateRandom", body: '{"NumberOfBytes":4}' });
    expect(Buffer.from(ok.json.Response.Plaintext, "base64").length).toBe(4);
  });
  it("a JSON __proto__ member is an unknown parameter", async () => {
    const r = await raw({ action: "GenerateRandom", body: '{"NumberOfBytes":4,"__proto__":{"x":1}}' });
    expect(r.json.Response.Error.Code).toBe("UnknownParameter");
  });
  it("another path gets the envelope, not a 404", async () => {
    const res = await fetch(`${kms.url}/foo`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect((await res.json()).Response.Error.Code).toBe("UnsupportedProtocol");
  });
  it("a 100 KB query gets RequestSizeLimitExceeded in an envelope, not HTTP 431", async () => {
    const res = await fetch(`${kms.url}/?Alias=${"a".repeat(100 * 1024)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect((await res.json()).Response.Error.Code).toBe("RequestSizeLimitExceeded");
  });
  it("malformed HTTP gets an envelope too", async () => {
    const { connect } = await import("node:net");
    const text = await new Promise<string>((resolve, reject) => {
      const s = connect(kms.port, "127.0.0.1", () => s.write("GARBAGE\r\n\r\n"));
      let out = "";
      s.on("data", (d) => (out += d));
      s.on("end", () => resolve(out));
      s.on("error", reject);
    });
    expect(text.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
    expect(text).toContain("Content-Type: application/json\r\n");
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).Response.Error.Code).toBe("InvalidParameter");
  });
  it("signature v1 (SDK signMethod HmacSHA256) is refused with a clear message", async () => {
    const { CommonClient } = await import("tencentcloud-sdk-nodejs-common");
    for (const reqMethod of ["POST", "GET"] as const) {
      const v1 = new CommonClient("kms.tencentcloudapi.com", "2019-01-18", {
        credential: { secretId: kms.server.credential.secretId, secretKey: kms.server.credential.secretKey },
        region: "ap-guangzhou",
        profile: { signMethod: "HmacSHA256", httpProfile: { endpoint: `127.0.0.1:${kms.port}`, protocol: "http://", reqMethod } },
      });
      const err = await v1.request("GenerateRandom", { NumberOfBytes: 4 }).then(() => undefined, (e: { code: string; message: string }) => e);
      expect(err?.code).toBe("AuthFailure.InvalidAuthorization");
      expect(err?.message).toMatch(/TC3-HMAC-SHA256/);
    }
  });
  it("lone surrogates in any string parameter → InvalidParameter", async () => {
    const body = '{"Alias":"lone","Description":"bad \\ud800 text"}';
    expect((await raw({ action: "CreateKey", body })).json.Response.Error.Code).toBe("InvalidParameter");
  });
});
