/**
 * OpenKMS.ListAuditRecords through the official SDK's CommonClient: the account's own records only, newest first,
 * filters (time, action, KeyId, result), paging and order; sub-users refused unless a policy allows it; bad
 * parameters refused with the API's codes; the read is itself audited, as a read-only action.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountAdmin } from "../src/accounts/admin.js";
import { nullAuditSink } from "../src/audit/log.js";
import { b64, callerFor, openAdmin, sdkClient, startServer, type Caller, type Running } from "./_harness.js";

const ACTION = "OpenKMS.ListAuditRecords";
let kms: Running;
let admin: AccountAdmin;
let closeAdmin: () => Promise<void>;
let keyA = "";
let keyB = "";
let startedAt = 0;
let other: Caller;
let sub: Caller;

interface Rec {
  Seq: number; Time: number; TimeMs: number; RequestId: string; Action: string; SecretId: string; Uin: string;
  SourceAddress: string; KeyIds: string[]; Code: string; LatencyMs: number;
}
const list = async (c: Pick<Caller, "call">, params: Record<string, unknown> = {}) =>
  (await c.call(ACTION, params)) as { TotalCount: number; Records: Rec[]; RequestId: string };

beforeAll(async () => {
  kms = await startServer();
  ({ admin, close: closeAdmin } = await openAdmin(kms));
  startedAt = Math.floor(Date.now() / 1000);
  keyA = (await kms.call("CreateKey", { Alias: "audit-a" })).KeyId;
  keyB = (await kms.call("CreateKey", { Alias: "audit-b" })).KeyId;
  const blob = (await kms.call("Encrypt", { KeyId: keyA, Plaintext: b64("x") })).CiphertextBlob;
  await kms.call("Decrypt", { CiphertextBlob: blob });
  await kms.call("DisableKey", { KeyId: keyA });
  expect(await kms.fail("Encrypt", { KeyId: keyA, Plaintext: b64("y") })).toBe("ResourceUnavailable.CmkDisabled");
  await kms.call("Encrypt", { KeyId: keyB, Plaintext: b64("z") });

  const acct = await admin.createAccount("tenant-2");
  const ak = await admin.createAccessKey(acct.uin);
  other = callerFor(kms, ak.SecretId, ak.SecretKey);
  await other.call("CreateKey", { Alias: "theirs" });
  await admin.createUser("auditor");
  const subKey = await admin.createAccessKey("auditor");
  sub = callerFor(kms, subKey.SecretId, subKey.SecretKey);
});
afterAll(async () => {
  await closeAdmin();
  await kms.stop();
});

describe("the root account reads its own records", () => {
  it("newest first, with every field, never another account's", async () => {
    const r = await list(kms, { Limit: 200 });
    expect(r.TotalCount).toBe(r.Records.length);
    const seqs = r.Records.map((x) => x.Seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const actions = r.Records.map((x) => x.Action);
    expect(actions).toContain("CreateKey");
    expect(actions).not.toContain("theirs");
    const theirCreate = r.Records.filter((x) => x.Action === "CreateKey" && x.Code === "Success");
    expect(theirCreate).toHaveLength(2); // audit-a and audit-b; tenant-2's CreateKey is not here
    const enc = r.Records.find((x) => x.Action === "Encrypt" && x.Code === "ResourceUnavailable.CmkDisabled")!;
    expect(enc).toMatchObject({
      KeyIds: [keyA], Uin: kms.server.uin, SecretId: kms.server.credential.secretId, SourceAddress: "127.0.0.1",
    });
    expect(enc.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(enc.Time).toBe(Math.floor(enc.TimeMs / 1000));
    expect(enc.Time).toBeGreaterThanOrEqual(startedAt);
    expect(typeof enc.LatencyMs).toBe("number");
    // Another account sees its own CreateKey (and the admin commands that made it), none of ours.
    const theirs = await list(other, { Limit: 200 });
    expect(theirs.Records.map((x) => `${x.Action}:${x.Code}`).sort()).toEqual([
      "CreateKey:Started", "CreateKey:Success", "admin.create-access-key:Success", "admin.create-account:Success",
    ]);
    expect(theirs.Records.flatMap((x) => x.KeyIds)).not.toContain(keyA);
  });

  it("filters by KeyId (including the key inside a CiphertextBlob), action and result", async () => {
    const byKey = await list(kms, { KeyId: keyA.toUpperCase(), Limit: 200, OrderType: 1 });
    expect(byKey.Records.filter((x) => x.Action !== ACTION).map((x) => `${x.Action}:${x.Code}`)).toEqual([
      // (CreateKey's Started record names no key: the id is made by the action)
      "CreateKey:Success", "Encrypt:Success", "Decrypt:Success", "DisableKey:Started",
      "DisableKey:Success", "Encrypt:ResourceUnavailable.CmkDisabled",
    ]);
    const encrypts = await list(kms, { Action: "Encrypt", Limit: 200 });
    expect(encrypts.Records.every((x) => x.Action === "Encrypt")).toBe(true);
    expect(encrypts.TotalCount).toBe(3);
    const errors = await list(kms, { Result: "Error", Limit: 200 });
    expect(errors.Records.map((x) => x.Code)).toEqual(["ResourceUnavailable.CmkDisabled"]);
    expect((await list(kms, { Result: "ResourceUnavailable" })).TotalCount).toBe(1);
    expect((await list(kms, { Result: "ResourceUnavailable.CmkDisabled" })).TotalCount).toBe(1);
    const started = await list(kms, { Result: "Started", Limit: 200 });
    expect(new Set(started.Records.map((x) => x.Code))).toEqual(new Set(["Started"]));
    const ok = await list(kms, { Result: "Success", Action: "Encrypt", KeyId: keyB });
    expect(ok.Records.map((x) => x.KeyIds)).toEqual([[keyB]]);
  });

  it("filters by time (Unix seconds, both ends inclusive)", async () => {
    const all = await list(kms, { Limit: 200 });
    const t = all.Records.at(-1)!.Time;
    expect((await list(kms, { StartTime: t, EndTime: t + 3600, Limit: 200 })).TotalCount).toBeGreaterThanOrEqual(all.Records.filter((x) => x.Time >= t).length);
    expect((await list(kms, { EndTime: t - 1 })).TotalCount).toBe(0);
    expect((await list(kms, { StartTime: t + 3600 })).TotalCount).toBe(0);
    const exactly = await list(kms, { StartTime: t, EndTime: t, Limit: 200 });
    expect(exactly.Records.every((x) => x.Time === t)).toBe(true);
    expect(exactly.TotalCount).toBeGreaterThan(0);
  });

  it("pages with Offset/Limit in either order", async () => {
    // Oldest first: the records these reads add (they name keyA too) come after the pages read.
    const all = (await list(kms, { Limit: 200, KeyId: keyA, OrderType: 1 })).Records.map((x) => x.Seq);
    const p1 = await list(kms, { Limit: 3, Offset: 0, KeyId: keyA, OrderType: 1 });
    const p2 = await list(kms, { Limit: 3, Offset: 3, KeyId: keyA, OrderType: 1 });
    expect(p1.TotalCount).toBe(all.length + 1);
    expect([...p1.Records, ...p2.Records].map((x) => x.Seq)).toEqual(all.slice(0, 6));
    const encAsc = (await list(kms, { Action: "Encrypt", OrderType: 1 })).Records.map((x) => x.Seq);
    const encDesc = (await list(kms, { Action: "Encrypt", Limit: 2 })).Records.map((x) => x.Seq);
    expect(encDesc).toEqual([...encAsc].reverse().slice(0, 2));
    expect((await list(kms, { Limit: 10 })).Records).toHaveLength(10);
    expect((await list(kms, {})).Records).toHaveLength(10); // default Limit
  });

  it("is audited itself, once (read-only: no Started record)", async () => {
    const r = await list(kms, { Limit: 1 });
    const reads = await list(kms, { Action: ACTION, Limit: 200 });
    const mine = reads.Records.filter((x) => x.RequestId === r.RequestId);
    expect(mine.map((x) => x.Code)).toEqual(["Success"]);
  });

  it("works over GET too", async () => {
    const get = sdkClient(kms.port, kms.server.credential.secretId, kms.server.credential.secretKey, "ap-guangzhou", "GET");
    const r = (await get.request(ACTION, { Action: "DisableKey", Result: "Success" })) as { TotalCount: number; Records: Rec[] };
    expect(r.TotalCount).toBe(1);
    expect(r.Records[0]!.KeyIds).toEqual([keyA]);
  });
});

describe("bad parameters", () => {
  it.each([
    [{ StartTime: 200, EndTime: 100 }, "InvalidParameterValue"],
    [{ KeyId: "not-a-key" }, "InvalidParameterValue.InvalidKeyId"],
    [{ OrderType: 2 }, "InvalidParameter"],
    [{ Limit: 201 }, "InvalidParameter"],
    [{ Action: "Encrypt;DROP" }, "InvalidParameter"],
    [{ Result: "' OR 1=1" }, "InvalidParameterValue"],
    [{ StartTime: -1 }, "InvalidParameter"],
    [{ Offset: "x" }, "InvalidParameter"],
    [{ Extra: 1 }, "UnknownParameter"],
  ])("%j → %s", async (params, code) => {
    expect(await kms.fail(ACTION, params)).toBe(code);
  });
});

describe("sub-users", () => {
  it("are refused without a policy, and read the account's records with kms:OpenKMS.ListAuditRecords", async () => {
    expect(await sub.fail(ACTION, {})).toBe("UnauthorizedOperation");
    await admin.attachPolicy("auditor", "audit", JSON.stringify({
      version: "2.0", statement: [{ effect: "allow", action: ["kms:OpenKMS.ListAuditRecords"], resource: ["*"] }],
    }));
    try {
      const r = await list(sub, { Action: "DisableKey", Result: "Success" });
      expect(r.Records.map((x) => x.KeyIds)).toEqual([[keyA]]);
      // The policy allows exactly that action.
      expect(await sub.fail("ListKeys", {})).toBe("UnauthorizedOperation");
    } finally {
      await admin.detachPolicy("auditor", "audit");
    }
    expect(await sub.fail(ACTION, {})).toBe("UnauthorizedOperation");
  });

  it("a grant on one key lets a sub-user read only that key's records", async () => {
    await admin.attachPolicy("auditor", "one-key", JSON.stringify({
      version: "2.0",
      statement: [{ effect: "allow", action: ["kms:OpenKMS.ListAuditRecords"], resource: [`qcs::kms:ap-guangzhou:uin/${kms.server.uin}:key/${keyB}`] }],
    }));
    try {
      expect((await list(sub, { KeyId: keyB })).Records.every((x) => x.KeyIds.includes(keyB))).toBe(true);
      expect(await sub.fail(ACTION, { KeyId: keyA })).toBe("UnauthorizedOperation");
      expect(await sub.fail(ACTION, {})).toBe("UnauthorizedOperation");
    } finally {
      await admin.detachPolicy("auditor", "one-key");
    }
  });
});

describe("a server whose audit sink cannot be read", () => {
  it("answers UnsupportedOperation", async () => {
    const s = await startServer({ auditSink: nullAuditSink });
    try {
      expect(await s.fail(ACTION, {})).toBe("UnsupportedOperation");
    } finally {
      await s.stop();
    }
  });
});
