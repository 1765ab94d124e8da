/**
 * The node cache on PostgreSQL stays coherent (issue 13: a change on one node, or by `openkms admin`, is honoured by
 * every other node within 1 s): each case first warms node b's cache (b answers the same request several times), then
 * changes the key, credential, account or policy elsewhere — on node a, through the admin tools' store (what `openkms
 * admin` runs), or through a scheduler's store — and polls node b until it refuses, within a 1 s deadline. The same
 * after the listening connections were killed (pg_terminate_backend): while they are gone and once they are back.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountAdmin, ManualClock, openNodeStores, type NodeStores } from "../src/index.js";
import { LISTENER_NAME } from "../src/store/postgres/change-feed.js";
import { b64, callerFor, startServer, type Caller, type Running } from "./_harness.js";
import { pgAvailable, startPostgres, type TestPostgres } from "./_postgres.mjs";

const ROOT_KEY = randomBytes(32).toString("base64");
const DEADLINE_MS = 1000;

/** The outcome of `call`: "Success" or the error code. */
const outcome = (call: Promise<unknown>) => call.then(() => "Success", (e: { code?: string }) => e.code ?? String(e));

/**
 * Ask `ask` until it answers `expected` or `DEADLINE_MS` have passed since the change was acknowledged (at least
 * once); returns the last answer.
 */
async function within(ask: () => Promise<string>, expected: string | RegExp): Promise<string> {
  const end = Date.now() + DEADLINE_MS;
  for (;;) {
    const got = await ask();
    if (typeof expected === "string" ? got === expected : expected.test(got)) return got;
    if (Date.now() >= end) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!pgAvailable())("the node cache on PostgreSQL is coherent within 1 s", () => {
  let postgres: TestPostgres;
  let url: string;
  let a: Running;
  let b: Running;
  let tools: NodeStores;
  let admin: AccountAdmin;
  let sql: pg.Client;
  const clock = new ManualClock();

  beforeAll(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase();
    const node = () => startServer({ store: url, rootKey: ROOT_KEY, clock, schedulerIntervalSeconds: 0 });
    [a, b] = await Promise.all([node(), node()]);
    tools = await openNodeStores({
      store: url, dataDir: mkdtempSync(join(tmpdir(), "openkms-admin-")), rootKey: ROOT_KEY, create: false, nowSeconds: Math.floor(clock.nowMs() / 1000),
    });
    admin = new AccountAdmin(tools.accounts, tools.root, tools.audit, tools.rootUin);
    sql = new pg.Client(url);
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await a?.stop();
    await b?.stop();
    await tools?.close();
    await postgres?.stop();
  });

  /** Encrypt under `keyId` on `node` (as the root credential, or as `as`). */
  const encrypt = (node: Running | Caller, keyId: string) => outcome(node.call("Encrypt", { KeyId: keyId, Plaintext: b64("coherent") }));
  /** `node` answers Encrypt under `keyId` (within the deadline: the key may just have been enabled elsewhere), then
   * twice more: its cache holds the credential, account, key and version. */
  const warm = async (node: Running | Caller, keyId: string) => {
    expect(await within(() => encrypt(node, keyId), "Success")).toBe("Success");
    for (let i = 0; i < 2; i++) expect(await encrypt(node, keyId)).toBe("Success");
  };
  const listeners = async () =>
    Number((await sql.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", [LISTENER_NAME])).rows[0].n);

  /** Every case, run while the listeners are up and again while they are gone. */
  const cases = async (label: string) => {
    const keyId = (await a.call("CreateKey", { Alias: `coherent-${label}` })).KeyId as string;
    const blob = (await a.call("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).CiphertextBlob as string;

    await warm(b, keyId);
    await a.call("DisableKey", { KeyId: keyId });
    expect(await within(() => encrypt(b, keyId), "ResourceUnavailable.CmkDisabled")).toBe("ResourceUnavailable.CmkDisabled");
    await b.call("EnableKey", { KeyId: keyId });
    expect(await within(() => encrypt(a, keyId), "Success")).toBe("Success");

    await warm(b, keyId);
    await a.call("ArchiveKey", { KeyId: keyId });
    expect(await within(() => encrypt(b, keyId), "ResourceUnavailable.CmkArchived")).toBe("ResourceUnavailable.CmkArchived");
    await a.call("CancelKeyArchive", { KeyId: keyId });

    await warm(b, keyId);
    await a.call("DisableKey", { KeyId: keyId });
    const stateOnB = () => b.call("DescribeKey", { KeyId: keyId }).then((r) => r.KeyMetadata.KeyState as string, (e: { code?: string }) => e.code ?? String(e));
    expect(await within(stateOnB, "Disabled")).toBe("Disabled");
    expect(await stateOnB()).toBe("Disabled");
    await a.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    expect(await within(stateOnB, "PendingDelete")).toBe("PendingDelete");
    expect(await outcome(b.call("Decrypt", { CiphertextBlob: blob }))).toMatch(/^ResourceUnavailable\./);
    // Deleted by a scheduler (another node's store, as the key's deletion date had come).
    expect(await tools.store.destroyKeyIfDue(keyId, Math.floor(clock.nowMs() / 1000) + 8 * 86400)).toBe(true);
    expect(await within(stateOnB, "ResourceUnavailable.CmkNotFound")).toBe("ResourceUnavailable.CmkNotFound");

    // A sub-user with a policy: the policy detached, then the credential disabled, by `openkms admin`.
    const user = await admin.createUser(`coherent-${label}-${Date.now()}`);
    const key = await admin.createAccessKey(user.uin);
    const other = (await a.call("CreateKey", { Alias: `coherent-${label}-2` })).KeyId as string;
    await admin.attachPolicy(user.uin, "encrypt", JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: ["kms:Encrypt"], resource: ["*"] }] }));
    const onB = callerFor(b, key.SecretId, key.SecretKey);
    await warm(onB, other);
    await admin.detachPolicy(user.uin, "encrypt");
    expect(await within(() => encrypt(onB, other), "UnauthorizedOperation")).toBe("UnauthorizedOperation");
    await admin.attachPolicy(user.uin, "encrypt", JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: ["kms:Encrypt"], resource: ["*"] }] }));
    expect(await within(() => encrypt(onB, other), "Success")).toBe("Success");
    await warm(onB, other);
    await admin.setAccessKeyStatus(key.SecretId, "Disabled");
    expect(await within(() => encrypt(onB, other), "AuthFailure.SecretIdNotFound")).toBe("AuthFailure.SecretIdNotFound");
    await admin.setAccessKeyStatus(key.SecretId, "Enabled");
    expect(await within(() => encrypt(onB, other), "Success")).toBe("Success");
    // The user disabled.
    await warm(onB, other);
    await admin.setUserStatus(user.uin, "Disabled");
    expect(await within(() => encrypt(onB, other), "AuthFailure.SecretIdNotFound")).toBe("AuthFailure.SecretIdNotFound");
  };

  it("key disabled, archived, scheduled for deletion, deleted; policy detached; credential and user disabled", async () => {
    expect(await listeners()).toBe(2);
    await cases("listening");
  });

  it("the listening connections killed: coherent while they are gone, and again once they are back", async () => {
    expect(await listeners()).toBe(2);
    const killed = await sql.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", [LISTENER_NAME]);
    expect(killed.rowCount).toBe(2);
    await cases("killed");
    // Both nodes listen again by themselves (reconnect with a growing delay of at most 2 s).
    const end = Date.now() + 30_000;
    while ((await listeners()) < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(await listeners()).toBe(2);
    await cases("back");
  });
});
