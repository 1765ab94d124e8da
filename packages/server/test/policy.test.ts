/**
 * CAM-style policies: the evaluation table (allow, deny, wildcards, other account's key, unknown action), document
 * validation, and which resources a request is judged against.
 */
import { describe, expect, it } from "vitest";
import { authorize } from "../src/access/authorize.js";
import { evaluatePolicies, parsePolicy, PolicyError, resourceMatches, type PolicyDocument } from "../src/access/policy.js";
import { accountResource, dataKeyResource, keyResource, requestDataKeyIds, requestKeyIds, requestResources } from "../src/access/request-resources.js";
import { encodeBlob } from "../src/keys/ciphertext-blob.js";
import { isKmsError } from "../src/errors.js";

const REGION = "ap-guangzhou";
const OWN = "100000000001";
const OTHER = "100000000002";
const KEY_A = "11111111-1111-4111-8111-111111111111";
const KEY_B = "22222222-2222-4222-8222-222222222222";
const keyA = keyResource(REGION, OWN, KEY_A);
const keyB = keyResource(REGION, OWN, KEY_B);
const account = accountResource(REGION, OWN);

const policy = (...statement: object[]): PolicyDocument => parsePolicy({ version: "2.0", statement });
const allow = (action: string | string[], resource: string | string[]) => ({ effect: "allow", action, resource });
const deny = (action: string | string[], resource: string | string[]) => ({ effect: "deny", action, resource });

describe("policy evaluation table", () => {
  const cases: [string, PolicyDocument[], string, string[], boolean][] = [
    ["no policies: sub-users start with nothing", [], "kms:Encrypt", [keyA], false],
    ["allow the exact action on the exact key", [policy(allow("kms:Encrypt", keyA))], "kms:Encrypt", [keyA], true],
    ["allow on one key does not cover another", [policy(allow("kms:Encrypt", keyA))], "kms:Encrypt", [keyB], false],
    ["allow one action does not cover another", [policy(allow("kms:Encrypt", keyA))], "kms:Decrypt", [keyA], false],
    ["kms:* covers every action", [policy(allow("kms:*", "*"))], "kms:ScheduleKeyDeletion", [keyA], true],
    ["* covers every action", [policy(allow("*", "*"))], "kms:Encrypt", [keyA], true],
    ["prefix wildcard kms:Describe*", [policy(allow("kms:Describe*", "*"))], "kms:DescribeKeys", [keyA], true],
    ["prefix wildcard does not match other actions", [policy(allow("kms:Describe*", "*"))], "kms:DisableKey", [keyA], false],
    ["action names compare case-insensitively", [policy(allow("kms:encrypt", keyA))], "kms:Encrypt", [keyA], true],
    ["CAM name/ prefix", [policy(allow("name/kms:Encrypt", keyA))], "kms:Encrypt", [keyA], true],
    ["key/* covers every key of the account", [policy(allow("kms:Encrypt", `qcs::kms:${REGION}:uin/${OWN}:key/*`))], "kms:Encrypt", [keyA, keyB], true],
    ["key/* does not cover the account resource", [policy(allow("kms:CreateKey", `qcs::kms:${REGION}:uin/${OWN}:key/*`))], "kms:CreateKey", [account], false],
    ["uin/<own>:* covers keys and the account", [policy(allow("kms:*", `qcs::kms:${REGION}:uin/${OWN}:*`))], "kms:CreateKey", [account], true],
    ["resource * covers the account resource", [policy(allow("kms:CreateKey", "*"))], "kms:CreateKey", [account], true],
    ["empty region matches any region", [policy(allow("kms:Encrypt", `qcs::kms::uin/${OWN}:key/${KEY_A}`))], "kms:Encrypt", [keyA], true],
    ["other region does not match", [policy(allow("kms:Encrypt", `qcs::kms:ap-beijing:uin/${OWN}:key/${KEY_A}`))], "kms:Encrypt", [keyA], false],
    ["other account's key: a grant on uin/<other> gives nothing here", [policy(allow("kms:*", `qcs::kms:${REGION}:uin/${OTHER}:key/*`))], "kms:Encrypt", [keyA], false],
    ["other account's key: the same key id under another uin", [policy(allow("kms:Encrypt", keyResource(REGION, OTHER, KEY_A)))], "kms:Encrypt", [keyA], false],
    ["explicit deny wins over allow *", [policy(allow("*", "*"), deny("kms:Decrypt", keyA))], "kms:Decrypt", [keyA], false],
    ["deny on one key leaves the others", [policy(allow("*", "*"), deny("kms:Decrypt", keyA))], "kms:Decrypt", [keyB], true],
    ["deny in one policy wins over allow in another", [policy(allow("kms:*", "*")), policy(deny("kms:*", keyB))], "kms:Encrypt", [keyB], false],
    ["batch: every key needs an allow", [policy(allow("kms:DisableKeys", keyA))], "kms:DisableKeys", [keyA, keyB], false],
    ["batch: every key allowed", [policy(allow("kms:DisableKeys", [keyA, keyB]))], "kms:DisableKeys", [keyA, keyB], true],
    ["batch: a deny on any key refuses the batch", [policy(allow("kms:*", "*"), deny("kms:*", keyB))], "kms:DisableKeys", [keyA, keyB], false],
    ["unknown action: not granted by a specific allow", [policy(allow("kms:Encrypt", "*"))], "kms:NoSuchAction", [account], false],
    ["unknown action: granted by kms:*", [policy(allow("kms:*", "*"))], "kms:NoSuchAction", [account], true],
    ["another service's grant does not apply", [policy(allow("cos:*", "*"))], "kms:Encrypt", [keyA], false],
    ["deny only (no allow) refuses", [policy(deny("kms:Encrypt", keyB))], "kms:Encrypt", [keyA], false],
    ["no resources: refused", [policy(allow("*", "*"))], "kms:Encrypt", [], false],
  ];
  it.each(cases)("%s", (_name, policies, action, resources, allowed) => {
    expect(evaluatePolicies(policies, { action, resources }).allowed).toBe(allowed);
  });

  it("reports the refused resource and whether a deny matched", () => {
    expect(evaluatePolicies([policy(allow("*", "*"), deny("kms:*", keyB))], { action: "kms:Encrypt", resources: [keyA, keyB] })).toEqual({
      allowed: false, resource: keyB, explicitDeny: true,
    });
    expect(evaluatePolicies([policy(allow("kms:Encrypt", keyA))], { action: "kms:Encrypt", resources: [keyA, keyB] })).toEqual({
      allowed: false, resource: keyB, explicitDeny: false,
    });
  });

  it("resource matching is segment by segment and * is the only wildcard", () => {
    expect(resourceMatches("qcs::kms:*:uin/*:key/*", keyA)).toBe(true);
    expect(resourceMatches("qcs::kms:ap-*:uin/1000*:key/1111*", keyA)).toBe(true);
    expect(resourceMatches("qcs::kms:ap-guangzhou:uin/100000000001:key/1111111?-1111-4111-8111-111111111111", keyA)).toBe(false);
    expect(resourceMatches("qcs::cvm:ap-guangzhou:uin/100000000001:key/*", keyA)).toBe(false);
    expect(resourceMatches("qcs::kms:ap-guangzhou:uin/100000000001", keyA)).toBe(false);
  });
});

describe("authorize", () => {
  const sub = { uin: "200000000001", ownerUin: OWN, secretId: "AKIDsub" };
  const code = (fn: () => void) => {
    try {
      fn();
      return "allowed";
    } catch (e) {
      return isKmsError(e) ? e.kmsErrorCode : String(e);
    }
  };
  it("a root account may do everything without policies", () => {
    expect(code(() => authorize({ uin: OWN, ownerUin: OWN, secretId: "AKIDroot" }, [], "ScheduleKeyDeletion", [keyA]))).toBe("allowed");
  });
  it("a sub-user without policies gets UnauthorizedOperation naming the action and resource", () => {
    try {
      authorize(sub, [], "Encrypt", [keyA]);
      expect.unreachable();
    } catch (e) {
      expect(isKmsError(e) && e.kmsErrorCode).toBe("UnauthorizedOperation");
      expect((e as Error).message).toContain("kms:Encrypt");
      expect((e as Error).message).toContain(keyA);
    }
  });
  it("the data-key actions whose documented code is AuthFailure.UnauthorizedOperation use it", () => {
    for (const action of ["GetDataKeyPlaintext", "ImportDataKey", "ListDataKeyDetail"]) {
      expect(code(() => authorize(sub, [], action, [account]))).toBe("AuthFailure.UnauthorizedOperation");
    }
  });
});

describe("parsePolicy", () => {
  it("normalises member case, single strings and name/ prefixes", () => {
    const doc = parsePolicy('{"Version":"2.0","Statement":{"Effect":"Allow","Action":"name/kms:Encrypt","Resource":"*"}}');
    expect(doc).toEqual({ version: "2.0", statement: [{ effect: "allow", action: ["kms:Encrypt"], resource: ["*"] }] });
  });
  it.each([
    ["not JSON", "{", /not valid JSON/],
    ["not an object", "[]", /JSON object|statement/],
    ["wrong version", '{"version":"1.0","statement":[{"effect":"allow","action":"*","resource":"*"}]}', /version/],
    ["no statement", '{"version":"2.0"}', /statement/],
    ["empty statement list", '{"version":"2.0","statement":[]}', /statement/],
    ["bad effect", '{"version":"2.0","statement":[{"effect":"maybe","action":"*","resource":"*"}]}', /effect/],
    ["missing action", '{"version":"2.0","statement":[{"effect":"allow","resource":"*"}]}', /action/],
    ["bad action", '{"version":"2.0","statement":[{"effect":"allow","action":"Encrypt","resource":"*"}]}', /action/],
    ["bad resource", '{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"key/1"}]}', /resource/],
    ["condition refused", '{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*","condition":{}}]}', /condition/],
    ["principal refused", '{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*","principal":{}}]}', /principal/],
    ["unknown member", '{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*","colour":1}]}', /colour/],
    ["duplicate member in two cases", '{"version":"2.0","statement":[{"effect":"allow","Effect":"deny","action":"*","resource":"*"}]}', /twice/],
    ["an alias resource", '{"version":"2.0","statement":[{"effect":"deny","action":"kms:*","resource":"qcs::kms:ap-guangzhou:uin/1:alias/foo"}]}', /resource/],
    ["an empty uin value", '{"version":"2.0","statement":[{"effect":"deny","action":"kms:*","resource":"qcs::kms::uin/:key/*"}]}', /resource/],
    ["a trailing space", '{"version":"2.0","statement":[{"effect":"deny","action":"kms:*","resource":"qcs::kms:ap-guangzhou:uin/1:key/abc "}]}', /resource/],
    ["too large", JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: "*", resource: ["*", "x".repeat(40000)] }] }), /at most/],
  ])("%s → PolicyError", (_name, text, message) => {
    expect(() => parsePolicy(text)).toThrow(PolicyError);
    expect(() => parsePolicy(text)).toThrow(message);
  });
});

describe("resource and action patterns are compared as the server names things", () => {
  it("an upper-case KeyId, region or service in a policy still matches (and an upper-case action)", () => {
    const keyId = "5005eedf-1111-4222-8333-444455556666";
    const doc = parsePolicy(`{"version":"2.0","statement":[{"effect":"deny","action":"KMS:ENCRYPT","resource":"qcs::KMS:AP-GUANGZHOU:uin/100:key/${keyId.toUpperCase()}"}]}`);
    expect(doc.statement[0]!.resource).toEqual([`qcs::kms:ap-guangzhou:uin/100:key/${keyId}`]);
    expect(resourceMatches(doc.statement[0]!.resource[0]!, `qcs::kms:ap-guangzhou:uin/100:key/${keyId}`)).toBe(true);
    const decision = evaluatePolicies([policy({ effect: "allow", action: "*", resource: "*" }), doc], {
      action: "kms:Encrypt", resources: [`qcs::kms:ap-guangzhou:uin/100:key/${keyId}`],
    });
    expect(decision).toMatchObject({ allowed: false, explicitDeny: true });
  });
});

describe("requestKeyIds / requestResources", () => {
  const blob = Buffer.from(
    encodeBlob({ algorithm: 1, keyId: KEY_B, keyVersion: 1, nonce: new Uint8Array(12), sealed: new Uint8Array(20) }),
  ).toString("base64");
  it.each<[string, Record<string, unknown>, string[]]>([
    ["KeyId", { KeyId: KEY_A, Plaintext: "x" }, [KEY_A]],
    ["upper-case KeyId is normalised", { KeyId: KEY_A.toUpperCase() }, [KEY_A]],
    ["KeyIds (batch): every id, each once", { KeyIds: [KEY_A, KEY_B, KEY_A] }, [KEY_A, KEY_B]],
    ["CiphertextBlob: the key inside the blob", { CiphertextBlob: blob }, [KEY_B]],
    ["ReEncrypt: blob key and destination", { CiphertextBlob: blob, DestinationKeyId: KEY_A }, [KEY_B, KEY_A]],
    ["any *KeyId parameter counts (actions added later)", { SourceKeyId: KEY_A, OtherKeyIds: [KEY_B] }, [KEY_A, KEY_B]],
    ["data-key ids are not CMKs", { DataKeyId: KEY_A, DataKeyIds: [KEY_B] }, []],
    ["malformed ids name no key", { KeyId: "not-a-key", KeyIds: ["x", 5, null] }, []],
    ["an undecodable blob names no key", { CiphertextBlob: "####" }, []],
    ["a truncated blob names no key", { CiphertextBlob: blob.slice(0, 12) }, []],
    ["no key parameters", { NumberOfBytes: 16 }, []],
  ])("%s", (_name, params, ids) => {
    expect(requestKeyIds(params)).toEqual(ids);
  });
  it("a request naming no key is judged against the account resource", () => {
    expect(requestResources(REGION, OWN, [])).toEqual([`qcs::kms:${REGION}:uin/${OWN}:*`]);
    expect(requestResources(REGION, OWN, [KEY_A])).toEqual([keyA]);
  });
  it("data keys are resources of their own: qcs::kms:<region>:uin/<uin>:datakey/<DataKeyId>", () => {
    expect(requestDataKeyIds({ DataKeyId: KEY_A.toUpperCase(), DataKeyIds: [KEY_B, KEY_A, "x", 5] })).toEqual([KEY_A, KEY_B]);
    expect(requestDataKeyIds({ KeyId: KEY_A, OtherDataKeyId: KEY_B })).toEqual([]);
    expect(requestDataKeyIds(null)).toEqual([]);
    expect(requestResources(REGION, OWN, [KEY_A], [KEY_B])).toEqual([keyA, `qcs::kms:${REGION}:uin/${OWN}:datakey/${KEY_B}`]);
    expect(requestResources(REGION, OWN, [], [KEY_B])).toEqual([dataKeyResource(REGION, OWN, KEY_B)]);
    const doc = parsePolicy(JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: "kms:GetDataKeyPlaintext", resource: `qcs::kms:${REGION}:uin/${OWN}:datakey/*` }] }));
    expect(evaluatePolicies([doc], { action: "kms:GetDataKeyPlaintext", resources: [dataKeyResource(REGION, OWN, KEY_B)] }).allowed).toBe(true);
    expect(evaluatePolicies([doc], { action: "kms:GetDataKeyPlaintext", resources: [keyResource(REGION, OWN, KEY_B)] }).allowed).toBe(false);
    expect(() => parsePolicy(JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: "kms:*", resource: `qcs::kms:${REGION}:uin/${OWN}:datakey/zz` }] }))).toThrow();
  });
  it("ImportDataKey (ImportType 1) is judged by the key inside its ImportKeyMaterial blob", () => {
    expect(requestKeyIds({ ImportKeyMaterial: blob, ImportType: 1 })).toEqual([KEY_B]);
    expect(requestKeyIds({ ImportKeyMaterial: blob, ImportType: "1" })).toEqual([KEY_B]);
    expect(requestKeyIds({ ImportKeyMaterial: blob, ImportType: 2, KeyId: KEY_A })).toEqual([KEY_A]);
  });
  it("non-object bodies name no key", () => {
    expect(requestKeyIds(null)).toEqual([]);
    expect(requestKeyIds([KEY_A])).toEqual([]);
  });
});
