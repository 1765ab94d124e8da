/**
 * KmsClient signs X-TC-Action and X-TC-Timestamp (SignedHeaders content-type;host;x-tc-action;x-tc-timestamp), so a
 * server started with `requireSignedAction` (`openkms serve --require-signed-action`) serves it, and a captured
 * request cannot be replayed as another action.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTc3 } from "../src/tc3.js";
import { startServer, type TestServer } from "./_server.js";

let kms: TestServer;
beforeAll(async () => {
  kms = await startServer({ requireSignedAction: true });
});
afterAll(async () => kms.stop());

async function post(action: string, body: string, extraHeaders: Record<string, string> | undefined, send: Record<string, string> = {}) {
  const timestamp = Math.floor(Date.now() / 1000);
  const host = new URL(kms.url).host;
  const { authorization } = await signTc3({
    secretId: kms.server.credential.secretId, secretKey: kms.server.credential.secretKey, service: "kms", host,
    contentType: "application/json", method: "POST", payload: send["X-TC-Content-SHA256"] === "UNSIGNED-PAYLOAD" ? "UNSIGNED-PAYLOAD" : body, timestamp,
    extraHeaders: extraHeaders?.["X-TC-Action"] === "" ? undefined : { "X-TC-Action": action, "X-TC-Timestamp": String(timestamp), ...extraHeaders },
  });
  const res = await fetch(`${kms.url}/`, {
    method: "POST", body,
    headers: { "Content-Type": "application/json", "X-TC-Action": action, "X-TC-Version": "2019-01-18", "X-TC-Timestamp": String(timestamp), Authorization: authorization, ...send },
  });
  return (await res.json()).Response as Record<string, any>;
}

describe("a server that requires the action to be signed", () => {
  it("serves KmsClient: read-only and state-changing actions", async () => {
    const c = kms.client();
    const { KeyId } = await c.createKey({ Alias: "signed-action" });
    const { CiphertextBlob } = await c.encrypt({ KeyId, Plaintext: btoa("hi") });
    expect(atob((await c.decrypt({ CiphertextBlob })).Plaintext)).toBe("hi");
    await c.updateKeyDescription({ KeyId, Description: "signed" });
  });

  it("refuses a signature over content-type;host only (what the official SDKs send) with AuthFailure.InvalidAuthorization", async () => {
    const r = await post("GenerateRandom", '{"NumberOfBytes":8}', { "X-TC-Action": "" });
    expect(r.Error.Code).toBe("AuthFailure.InvalidAuthorization");
    expect(r.Error.Message).toMatch(/x-tc-action/);
  });

  it("a captured signature replayed as another action fails", async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const host = new URL(kms.url).host;
    const body = '{"NumberOfBytes":8}';
    const { authorization } = await signTc3({
      secretId: kms.server.credential.secretId, secretKey: kms.server.credential.secretKey, service: "kms", host,
      contentType: "application/json", method: "POST", payload: body, timestamp,
      extraHeaders: { "X-TC-Action": "GenerateRandom", "X-TC-Timestamp": String(timestamp) },
    });
    const send = (action: string) => fetch(`${kms.url}/`, {
      method: "POST", body,
      headers: { "Content-Type": "application/json", "X-TC-Action": action, "X-TC-Version": "2019-01-18", "X-TC-Timestamp": String(timestamp), Authorization: authorization },
    }).then(async (r) => (await r.json()).Response);
    expect((await send("GenerateRandom")).Plaintext).toBeDefined();
    expect((await send("DisableKeyRotation")).Error.Code).toBe("AuthFailure.SignatureFailure");
  });

  it("UNSIGNED-PAYLOAD: accepted for a read-only action, refused for a state-changing one", async () => {
    const send = { "X-TC-Content-SHA256": "UNSIGNED-PAYLOAD" };
    expect((await post("GenerateRandom", '{"NumberOfBytes":8}', {}, send)).Plaintext).toBeDefined();
    const r = await post("CreateKey", '{"Alias":"unsigned-body"}', {}, send);
    expect(r.Error.Code).toBe("AuthFailure.InvalidAuthorization");
    expect(r.Error.Message).toMatch(/UNSIGNED-PAYLOAD/);
  });
});

describe("a default server", () => {
  it("serves KmsClient's signature and the SDKs' content-type;host one alike", async () => {
    const plain = await startServer();
    try {
      expect((await plain.client().generateRandom({ NumberOfBytes: 4 })).Plaintext).toBeDefined();
    } finally {
      await plain.stop();
    }
  });
});
