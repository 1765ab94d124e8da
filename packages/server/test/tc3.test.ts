import { describe, expect, it } from "vitest";
import { canonicalRequestHash, tc3Signature, utcDate, verifyTc3 } from "../src/protocol/tc3.js";

const sha256hex = async (s: string) => (await import("node:crypto")).createHash("sha256").update(s).digest("hex");

describe("TC3-HMAC-SHA256 (reference §2.3)", () => {
  it("test vector A: Tencent's documented CVM example", async () => {
    const body = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
    const payloadHash = await sha256hex(body);
    expect(payloadHash).toBe("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    const headers: [string, string][] = [["content-type", "application/json; charset=utf-8"], ["host", "cvm.tencentcloudapi.com"]];
    expect(canonicalRequestHash({ method: "POST", canonicalQuery: "", headers, payloadHash })).toBe(
      "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
    );
    expect(utcDate(1551113065)).toBe("2019-02-25");
    // Day boundaries (UTC), asked in any order (the last day's date is remembered).
    expect([0, 86399, 86400, 1551113065, 1551052800 - 1, 1551052800, 0].map(utcDate)).toEqual(
      ["1970-01-01", "1970-01-01", "1970-01-02", "2019-02-25", "2019-02-24", "2019-02-25", "1970-01-01"],
    );
    expect(
      tc3Signature({ method: "POST", canonicalQuery: "", headers, payloadHash, timestamp: 1551113065, date: "2019-02-25", service: "cvm", secretKey: "Gu5t9xGARNpq86cd98joQYCN3*******" }),
    ).toBe("2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
  });

  it("test vector B: KMS Encrypt", async () => {
    const body = '{"KeyId":"23e80852-1e38-11e9-b129-5cb9019b4b01","Plaintext":"dGVzdAo="}';
    const payloadHash = await sha256hex(body);
    expect(payloadHash).toBe("eeb5db0ca0ca12cafe73d1f0913a903046441c2da184749dfa5bfdf4dda53c0a");
    const headers: [string, string][] = [["content-type", "application/json"], ["host", "kms.tencentcloudapi.com"]];
    expect(canonicalRequestHash({ method: "POST", canonicalQuery: "", headers, payloadHash })).toBe(
      "ba69e2865f50da17584d8c5620e1d35937d05e39394e00a17deeac8b7971eb34",
    );
    const sig = tc3Signature({ method: "POST", canonicalQuery: "", headers, payloadHash, timestamp: 1551113065, date: "2019-02-25", service: "kms", secretKey: "SECRETKEYEXAMPLEEXAMPLEEXAMPLE12" });
    expect(sig).toBe("8d727bf248e574794688aa654438c966ae675d5071f579a1992762a66affa5ba");
    // The same request verifies on the server side.
    const id = await verifyTc3({
      method: "POST", rawQuery: "", body: new TextEncoder().encode(body), nowSeconds: 1551113065 + 200,
      headers: {
        host: "kms.tencentcloudapi.com", "content-type": "application/json", "x-tc-timestamp": "1551113065",
        authorization: `TC3-HMAC-SHA256 Credential=AKIDEXAMPLEEXAMPLEEXAMPLEEXAMPLE12/2019-02-25/kms/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`,
      },
      secretKeyFor: async (sid) => (sid === "AKIDEXAMPLEEXAMPLEEXAMPLEEXAMPLE12" ? "SECRETKEYEXAMPLEEXAMPLEEXAMPLE12" : undefined),
    });
    expect(id).toBe("AKIDEXAMPLEEXAMPLEEXAMPLEEXAMPLE12");
  });

  const nodeCapture = {
    method: "POST",
    rawQuery: "",
    body: new TextEncoder().encode('{"KeyId":"93866e69-9755-11ef-8e65-52540089bc41","Plaintext":"dGVzdAo=","EncryptionContext":"{\\"k\\":\\"v\\"}"}'),
    headers: {
      host: "127.0.0.1:18080", "content-type": "application/json", "x-tc-timestamp": "1795966783",
      authorization: "TC3-HMAC-SHA256 Credential=AKIDTESTTESTTESTTESTTESTTESTTEST/2026-11-29/127/tc3_request, SignedHeaders=content-type;host, Signature=ce61022154892d5f149ce3c795bf6e91ff51f9416c053bc17a5c52f3e343c9fb",
    } as Record<string, string>,
    secretKeyFor: async (sid: string): Promise<string | undefined> => (sid === "AKIDTESTTESTTESTTESTTESTTESTTEST" ? "TESTSECRETKEYTESTSECRETKEY123456" : undefined),
  };

  it("captured Node SDK request (service '127', host signed without port) verifies", async () => {
    expect(await verifyTc3({ ...nodeCapture, nowSeconds: 1795966783 })).toBe("AKIDTESTTESTTESTTESTTESTTESTTEST");
  });

  it("captured Python SDK request (service 'kms', host with port) verifies", async () => {
    const r = {
      method: "POST", rawQuery: "", body: new TextEncoder().encode('{"KeyId": "k", "Plaintext": "dGVzdAo="}'), nowSeconds: 1795966798,
      headers: {
        host: "127.0.0.1:18080", "content-type": "application/json", "x-tc-timestamp": "1795966798",
        authorization: "TC3-HMAC-SHA256 Credential=AKIDTESTTESTTESTTESTTESTTESTTEST/2026-11-29/kms/tc3_request, SignedHeaders=content-type;host, Signature=986438e5e2a7d64764bda3d934695f7930450cb68bb76cfe964e0a78c2706eaa",
      },
      secretKeyFor: nodeCapture.secretKeyFor,
    };
    expect(await verifyTc3(r)).toBe("AKIDTESTTESTTESTTESTTESTTESTTEST");
  });

  it("rejects: clock skew > 300 s, unknown SecretId, altered body, wrong key, bad header", async () => {
    const code = async (over: Partial<typeof nodeCapture> & { nowSeconds?: number }) => {
      try {
        await verifyTc3({ ...nodeCapture, nowSeconds: 1795966783, ...over });
        return "ok";
      } catch (e) {
        return (e as { kmsErrorCode: string }).kmsErrorCode;
      }
    };
    expect(await code({ nowSeconds: 1795966783 + 300 })).toBe("ok");
    expect(await code({ nowSeconds: 1795966783 + 301 })).toBe("AuthFailure.SignatureExpire");
    expect(await code({ nowSeconds: 1795966783 - 301 })).toBe("AuthFailure.SignatureExpire");
    expect(await code({ secretKeyFor: async () => undefined })).toBe("AuthFailure.SecretIdNotFound");
    expect(await code({ secretKeyFor: async () => "TESTSECRETKEYTESTSECRETKEY123457" })).toBe("AuthFailure.SignatureFailure");
    expect(await code({ body: new TextEncoder().encode('{"KeyId":"93866e69-9755-11ef-8e65-52540089bc41","Plaintext":"dGVzdAo=","EncryptionContext":"{\\"k\\":\\"w\\"}"}') })).toBe("AuthFailure.SignatureFailure");
    expect(await code({ headers: { ...nodeCapture.headers, host: "127.0.0.2:18080" } })).toBe("AuthFailure.SignatureFailure");
    expect(await code({ headers: { ...nodeCapture.headers, authorization: "HMAC-SHA1 foo" } })).toBe("AuthFailure.InvalidAuthorization");
    expect(await code({ headers: { ...nodeCapture.headers, authorization: undefined as unknown as string } })).toBe("AuthFailure.InvalidAuthorization");
    expect(await code({ headers: { ...nodeCapture.headers, "x-tc-timestamp": "abc" } })).toBe("AuthFailure.InvalidAuthorization");
    expect(await code({ headers: { ...nodeCapture.headers, "x-tc-token": "TMP" } })).toBe("AuthFailure.TokenFailure");
  });

  it("UNSIGNED-PAYLOAD: the payload hash is over the literal string", async () => {
    const payloadHash = await sha256hex("UNSIGNED-PAYLOAD");
    const headers: [string, string][] = [["content-type", "application/json"], ["host", "127.0.0.1:9"]];
    const sig = tc3Signature({ method: "POST", canonicalQuery: "", headers, payloadHash, timestamp: 1795966783, date: "2026-11-29", service: "kms", secretKey: "TESTSECRETKEYTESTSECRETKEY123456" });
    const id = await verifyTc3({
      method: "POST", rawQuery: "", body: new TextEncoder().encode('{"anything":1}'), nowSeconds: 1795966783,
      headers: {
        host: "127.0.0.1:9", "content-type": "application/json", "x-tc-timestamp": "1795966783", "x-tc-content-sha256": "UNSIGNED-PAYLOAD",
        authorization: `TC3-HMAC-SHA256 Credential=AKIDTESTTESTTESTTESTTESTTESTTEST/2026-11-29/kms/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`,
      },
      secretKeyFor: nodeCapture.secretKeyFor,
    });
    expect(id).toBe("AKIDTESTTESTTESTTESTTESTTESTTEST");
  });
});
