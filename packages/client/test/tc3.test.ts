/**
 * TC3-HMAC-SHA256 signing against the reference's published vectors (§2.3): A — Tencent's own documentation example
 * (CVM, `application/json; charset=utf-8`), B — a KMS Encrypt request whose values the official Node SDK's
 * `Sign.sign3` and an independent implementation both produced. Then: a request this package signs is accepted by
 * the server's verifier, and any change to what is signed is refused.
 */
import { describe, expect, it } from "vitest";
import { verifyTc3 } from "@openkms/server";
import { signTc3, tc3Date, tc3SigningKeys, toHex } from "../src/tc3.js";

describe("vector A (Tencent signature v3 documentation example)", () => {
  const input = {
    secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
    secretKey: "Gu5t9xGARNpq86cd98joQYCN3*******",
    service: "cvm",
    host: "cvm.tencentcloudapi.com",
    contentType: "application/json; charset=utf-8",
    method: "POST" as const,
    payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    timestamp: 1551113065,
  };
  it("payload hash, canonical request hash, signature and Authorization", async () => {
    const s = await signTc3(input);
    expect(s.date).toBe("2019-02-25");
    expect(s.payloadHash).toBe("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    expect(s.canonicalRequestHash).toBe("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
    expect(s.signature).toBe("2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
    expect(s.authorization).toBe(
      "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
    );
  });
  it("the payload is hashed as given: bytes and the same text agree; other spacing does not", async () => {
    const bytes = await signTc3({ ...input, payload: new TextEncoder().encode(input.payload) });
    expect(bytes.signature).toBe("2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
    const compact = await signTc3({ ...input, payload: input.payload.replace(/: /g, ":") });
    expect(compact.signature).not.toBe(bytes.signature);
  });
});

describe("vector B (KMS Encrypt)", () => {
  const input = {
    secretId: "AKIDEXAMPLEEXAMPLEEXAMPLEEXAMPLE12",
    secretKey: "SECRETKEYEXAMPLEEXAMPLEEXAMPLE12",
    service: "kms",
    host: "kms.tencentcloudapi.com",
    contentType: "application/json",
    method: "POST" as const,
    payload: '{"KeyId":"23e80852-1e38-11e9-b129-5cb9019b4b01","Plaintext":"dGVzdAo="}',
    timestamp: 1551113065,
  };
  it("every intermediate value and the Authorization header", async () => {
    const s = await signTc3(input);
    expect(s.payloadHash).toBe("eeb5db0ca0ca12cafe73d1f0913a903046441c2da184749dfa5bfdf4dda53c0a");
    expect(s.canonicalRequestHash).toBe("ba69e2865f50da17584d8c5620e1d35937d05e39394e00a17deeac8b7971eb34");
    expect(toHex((await tc3SigningKeys(input.secretKey, "2019-02-25", "kms")).kDate)).toBe("014874006b71ab1dada19ddeb5223544fcab83691d62d3de658a8b5627c96cd7");
    expect(s.authorization).toBe(
      "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEEXAMPLEEXAMPLEEXAMPLE12/2019-02-25/kms/tc3_request, SignedHeaders=content-type;host, Signature=8d727bf248e574794688aa654438c966ae675d5071f579a1992762a66affa5ba",
    );
  });
});

describe("against the server's verifier", () => {
  const base = {
    secretId: "AKIDclienttest0001", secretKey: "client-test-secret-key-0001", service: "kms", host: "127.0.0.1:8080",
    contentType: "application/json", method: "POST" as const, payload: '{"NumberOfBytes":16}', timestamp: 1795966783,
  };
  async function verify(signed: typeof base, sent: Partial<{ body: string; host: string; timestamp: number; secretKey: string }> = {}) {
    const s = await signTc3(signed);
    const ts = sent.timestamp ?? signed.timestamp;
    return verifyTc3({
      method: "POST", rawQuery: "", body: new TextEncoder().encode(sent.body ?? String(signed.payload)), nowSeconds: signed.timestamp,
      headers: { authorization: s.authorization, "content-type": "application/json", host: sent.host ?? signed.host, "x-tc-timestamp": String(ts) },
      secretKeyFor: async () => sent.secretKey ?? signed.secretKey,
    }).then(() => "ok", (e: { kmsErrorCode?: string }) => e.kmsErrorCode);
  }
  it("accepts what this package signs", async () => {
    expect(await verify(base)).toBe("ok");
  });
  it.each([
    ["another body", { body: '{"NumberOfBytes":17}' }],
    ["another host", { host: "127.0.0.2:8080" }],
    ["another timestamp", { timestamp: base.timestamp + 1 }],
    ["another SecretKey", { secretKey: "client-test-secret-key-0002" }],
  ])("refuses %s", async (_what, sent) => {
    expect(await verify(base, sent)).toBe("AuthFailure.SignatureFailure");
  });
  it("refuses malformed inputs before signing", async () => {
    await expect(signTc3({ ...base, secretId: "a/b" })).rejects.toThrow(TypeError);
    await expect(signTc3({ ...base, timestamp: 1.5 })).rejects.toThrow(TypeError);
    expect(tc3Date(0)).toBe("1970-01-01");
  });
});
