/**
 * `openkms admin`, `openkms audit` and `serve --rate-limit(s)` as an operator runs them: the bundled binary in child
 * processes, on the data dir of a running `openkms serve`, with the official SDK as the API client.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { killChildren, ok, run, sdkFor, serve as serveArgs } from "./_serve.js";

const scratch = mkdtempSync(join(tmpdir(), "openkms-admin-"));
afterAll(() => {
  killChildren();
  rmSync(scratch, { recursive: true, force: true });
});

/** `openkms serve` on `dataDir`. */
const serve = (dataDir: string, args: string[] = []) => serveArgs(["--data-dir", dataDir, ...args]);

const sdk = (endpoint: string, secretId: string, secretKey: string) =>
  sdkFor({ SecretId: secretId, SecretKey: secretKey, Region: "ap-guangzhou", Endpoint: endpoint });
const code = (p: Promise<unknown>) => p.then(() => "Success", (e: { code?: string }) => e.code ?? String(e));

describe("openkms admin and openkms audit on a running server", () => {
  const dataDir = join(scratch, "data");
  const d = ["--data-dir", dataDir];

  it("create a sub-user and a key, grant, use, disable, delete — then verify and query the audit log", async () => {
    const server = await serve(dataDir);
    const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    const root = sdk(creds.Endpoint, creds.SecretId, creds.SecretKey);
    const { KeyId } = (await root.request("CreateKey", { Alias: "app-data" })) as { KeyId: string };

    const user = await ok(["admin", "create-user", "app", ...d]);
    expect(user).toMatchObject({ Name: "app", Kind: "sub-user", Status: "Enabled" });
    expect(user.Uin).toMatch(/^\d{12}$/);
    const created = await run(["admin", "create-access-key", "app", ...d]);
    expect(created.code).toBe(0);
    expect(created.err).toMatch(/cannot be shown again/);
    const ak = JSON.parse(created.out);
    expect(ak).toMatchObject({ Uin: user.Uin });
    expect(ak.SecretId).toMatch(/^AKID[A-Za-z0-9]{32}$/);
    expect(ak.SecretKey).toMatch(/^[A-Za-z0-9]{32}$/);
    const app = sdk(creds.Endpoint, ak.SecretId, ak.SecretKey);

    expect(await code(app.request("Encrypt", { KeyId, Plaintext: "aGk=" }))).toBe("UnauthorizedOperation");
    const policyFile = join(scratch, "policy.json");
    writeFileSync(policyFile, JSON.stringify({
      version: "2.0",
      statement: [{ effect: "allow", action: ["kms:Encrypt", "kms:Decrypt"], resource: [`qcs::kms:ap-guangzhou:uin/${user.OwnerUin}:key/${KeyId}`] }],
    }));
    await ok(["admin", "attach-policy", "app", "app-crypto", "--file", policyFile, ...d]);
    const { CiphertextBlob } = (await app.request("Encrypt", { KeyId, Plaintext: "aGk=" })) as { CiphertextBlob: string };
    expect(((await app.request("Decrypt", { CiphertextBlob })) as { Plaintext: string }).Plaintext).toBe("aGk=");
    expect(await code(app.request("GenerateDataKey", { KeyId, KeySpec: "AES_256" }))).toBe("UnauthorizedOperation");

    await root.request("BindCloudResource", { KeyId, ProductId: "mariadb", ResourceId: "db-1" });
    const listed = await run(["admin", "list", ...d]);
    const principals = JSON.parse(listed.out);
    expect(principals[0].CloudBindings).toEqual([{ KeyId, ProductId: "mariadb", ResourceId: "db-1", CreateTime: expect.any(Number) }]);
    expect(principals[1].CloudBindings).toBeUndefined();
    expect(principals.map((p: { Name: string; Kind: string }) => `${p.Name}:${p.Kind}`)).toEqual(["root:root", "app:sub-user"]);
    expect(principals[1].AccessKeys).toEqual([expect.objectContaining({ SecretId: ak.SecretId, Status: "Enabled" })]);
    expect(principals[1].Policies[0]).toMatchObject({ Name: "app-crypto" });
    expect(listed.out).not.toContain(ak.SecretKey);
    expect(listed.out).not.toContain(creds.SecretKey);

    await ok(["admin", "disable-access-key", ak.SecretId, ...d]);
    expect(await code(app.request("Encrypt", { KeyId, Plaintext: "aGk=" }))).toBe("AuthFailure.SecretIdNotFound");
    await ok(["admin", "enable-access-key", ak.SecretId, ...d]);
    await app.request("Encrypt", { KeyId, Plaintext: "aGk=" });
    await ok(["admin", "detach-policy", "app", "app-crypto", ...d]);
    expect(await code(app.request("Encrypt", { KeyId, Plaintext: "aGk=" }))).toBe("UnauthorizedOperation");
    await ok(["admin", "delete-access-key", ak.SecretId, ...d]);
    expect(await code(app.request("Encrypt", { KeyId, Plaintext: "aGk=" }))).toBe("AuthFailure.SecretIdNotFound");

    const tenant = await ok(["admin", "create-account", "tenant-2", ...d]);
    expect(tenant).toMatchObject({ Kind: "root", Name: "tenant-2", OwnerUin: tenant.Uin });
    const tk = await ok(["admin", "create-access-key", "tenant-2", ...d]);
    expect(await code(sdk(creds.Endpoint, tk.SecretId, tk.SecretKey).request("DescribeKey", { KeyId }))).toBe("ResourceUnavailable.CmkNotFound");

    // audit: whole, and queryable while the server runs
    const verified = await run(["audit", "verify", ...d]);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/^ok: \d+ records, head \d+ [0-9a-f]{64}, checkpoint \d+\n$/);
    const denied = (await run(["audit", "query", "--account", user.Uin, "--result", "UnauthorizedOperation", ...d])).out.trim().split("\n").map((l) => JSON.parse(l));
    expect(denied.map((r: { action: string }) => r.action)).toEqual(["Encrypt", "GenerateDataKey", "Encrypt"]);
    expect(denied[0]).toMatchObject({ uin: user.Uin, ownerUin: user.OwnerUin, keyIds: [KeyId], secretId: ak.SecretId, sourceAddress: "127.0.0.1" });
    expect(denied[0].timeIso).toMatch(/^\d{4}-\d\d-\d\dT/);
    const adminRecords = (await run(["audit", "query", "--action", "admin.create-access-key", ...d])).out.trim().split("\n");
    expect(adminRecords).toHaveLength(2);
    expect(adminRecords.join("\n")).not.toContain(ak.SecretKey);
    const byKey = (await run(["audit", "query", "--key", KeyId, "--result", "success", "--since", String(Math.floor(Date.now() / 1000) - 600), ...d])).out.trim().split("\n");
    expect(byKey.length).toBeGreaterThanOrEqual(4);
    expect((await run(["audit", "query", "--until", "2000-01-01T00:00:00Z", ...d])).out).toBe("");

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    // someone removes a record: verify names it and exits 1
    const db = new Database(join(dataDir, "audit.db"));
    db.exec("DROP TRIGGER audit_log_no_delete");
    db.prepare("DELETE FROM audit_log WHERE seq = 3").run();
    db.close();
    const tampered = await run(["audit", "verify", ...d]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/^TAMPERED: record 3 removed: record 3 is missing/);
    const json = JSON.parse((await run(["audit", "verify", "--json", ...d])).out);
    expect(json).toMatchObject({ ok: false, problem: { kind: "removed", seq: 3 } });
  });

  it.each<[string, string[], RegExp]>([
    ["a policy that does not validate", ["admin", "attach-policy", "root", "p", "--document", "{}"], /root account/],
    ["a bad policy on a sub-user", ["admin", "attach-policy", "app", "p", "--document", '{"version":"2.0","statement":[{"effect":"allow","action":"Encrypt","resource":"*"}]}'], /action/],
    ["both --file and --document", ["admin", "attach-policy", "app", "p", "--file", "x", "--document", "{}"], /exactly one/],
    ["a taken name", ["admin", "create-user", "app"], /taken/],
    ["an all-digit name (read as a uin)", ["admin", "create-user", "104550428062"], /all digits/],
    ["an unknown user", ["admin", "create-access-key", "nobody"], /no user or account nobody/],
    ["an unknown access key", ["admin", "disable-access-key", "AKIDnope"], /no access key/],
    ["deleting a root account", ["admin", "delete-user", "root"], /root account/],
  ])("refuses %s with exit 2", async (_what, args, message) => {
    const r = await run([...args, ...d]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("refuses to pin as root a SecretId that belongs to a sub-user", async () => {
    const pinDir = join(scratch, "pin-takeover");
    const first = await serve(pinDir);
    first.child.kill("SIGTERM");
    await first.exited;
    await ok(["admin", "create-user", "victim", "--data-dir", pinDir]);
    const ak = JSON.parse((await run(["admin", "create-access-key", "victim", "--data-dir", pinDir])).out);
    const r = await run(["serve", "--port", "0", "--data-dir", pinDir], { OPENKMS_ROOT_SECRET_ID: ak.SecretId, OPENKMS_ROOT_SECRET_KEY: "takeover-secret-key-0001" });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/belongs to another principal/);
    const list = (await run(["admin", "list", "--data-dir", pinDir])).out;
    expect(list).toContain(ak.SecretId);
  });

  it("refuses a dir that is not a data dir, and a wrong root key", async () => {
    const empty = join(scratch, "empty");
    const a = await run(["admin", "list", "--data-dir", empty]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/not an OpenKMS data dir/);
    const b = await run(["audit", "verify", "--data-dir", dataDir], { OPENKMS_ROOT_KEY: Buffer.alloc(32, 9).toString("base64") });
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/root key/);
    const c = await run(["audit", "query", "--since", "yesterday", ...d]);
    expect(c.code).not.toBe(0);
    expect(c.err).toMatch(/ISO 8601/);
  });
});

describe("command-line mistakes of the operator commands", () => {
  it("are one line `openkms: …` on stderr, exit 2, nothing on stdout; --help still exits 0", async () => {
    const dir = join(scratch, "never-made");
    const cases: [string[], RegExp][] = [
      [["admin", "create-account"], /^openkms: missing required argument 'name'$/],
      [["admin", "nope"], /^openkms: unknown command 'nope'/],
      [["frobnicate"], /^openkms: unknown command 'frobnicate'$/],
      [["--bogus"], /^openkms: unknown option '--bogus'$/],
      [["admin", "create-user", "x", "--bogus"], /^openkms: unknown option '--bogus'$/],
      [["admin", "create-product-token", "--mount", "m"], /^openkms: required option '--product <name>' not specified$/],
      [["admin", "create-product-token", "--product", "p", "--mount", "m", "--rotation-days", "0"], /^openkms: option '--rotation-days <n>' argument '0' is invalid\./],
      [["admin", "rewrap"], /^openkms: required option/],
      [["audit", "query", "--bogus"], /^openkms: unknown option '--bogus'$/],
      [["audit", "query", "--since", "yesterday", "--data-dir", dir], /^openkms: option '--since <time>' argument 'yesterday' is invalid\. .*ISO 8601/],
      [["migrate"], /^openkms: required option '--to <url>' not specified$/],
      [["backup"], /^openkms: missing required argument/],
      [["restore", "--bogus"], /^openkms: (unknown option '--bogus'|required option '--data-dir <dir>' not specified)$/],
    ];
    for (const [args, line] of cases) {
      const r = await run(args);
      expect({ args, code: r.code, out: r.out }).toEqual({ args, code: 2, out: "" });
      expect(r.err.split("\n"), args.join(" ")).toHaveLength(2);
      expect(r.err.split("\n")[0], args.join(" ")).toMatch(line);
    }
    const help = await run(["admin", "create-account", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: openkms admin create-account/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("a deleted or emptied audit log", () => {
  it("audit verify fails without creating audit.db; serve logs an error and keeps serving; audit query refuses", async () => {
    const dataDir = join(scratch, "lost-log");
    const d = ["--data-dir", dataDir];
    const first = await serve(dataDir);
    const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    await sdk(creds.Endpoint, creds.SecretId, creds.SecretKey).request("CreateKey", { Alias: "k" });
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect((await run(["audit", "verify", ...d])).out).toMatch(/^ok: 2 records, head 2 [0-9a-f]{64}, checkpoint 2\n$/);

    truncateSync(join(dataDir, "audit.db"), 0); // `: > audit.db`
    const emptied = await run(["audit", "verify", ...d]);
    expect(emptied.code).toBe(1);
    expect(emptied.out).toMatch(/^TAMPERED: the audit log is missing: .*audit\.db is empty \(the checkpoint in openkms\.db names record 2\)/);

    for (const f of ["audit.db", "audit.db-wal", "audit.db-shm"]) rmSync(join(dataDir, f), { force: true }); // `rm audit.db`
    const missing = await run(["audit", "verify", ...d]);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/^TAMPERED: the audit log is missing: .*audit\.db is missing/);
    expect(existsSync(join(dataDir, "audit.db"))).toBe(false);
    const query = await run(["audit", "query", ...d]);
    expect(query.code).toBe(2);
    expect(query.err).toMatch(/audit log is missing/);

    const again = await serve(dataDir);
    const creds2 = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    await sdk(creds2.Endpoint, creds2.SecretId, creds2.SecretKey).request("CreateKey", { Alias: "k2" });
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
    const problem = again.stderr().split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.level === 50);
    expect(problem).toMatchObject({ problem: expect.stringMatching(/audit\.db was missing/) });
    const still = await run(["audit", "verify", ...d]);
    expect(still.code).toBe(1);
    expect(still.out).toMatch(/^TAMPERED: record 2 /);
  });
});

describe("serve --rate-limits / --rate-limit", () => {
  it("a group's rate from the command line; off switches every limit off", async () => {
    const dataDir = join(scratch, "limits");
    const limited = await serve(dataDir, ["--rate-limit", "symmetric=0.01"]); // one request, then one per 100 s
    const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
    const kms = sdk(creds.Endpoint, creds.SecretId, creds.SecretKey);
    const { KeyId } = (await kms.request("CreateKey", { Alias: "k" })) as { KeyId: string };
    expect(await code(kms.request("Encrypt", { KeyId, Plaintext: "aGk=" }))).toBe("Success");
    expect(await code(kms.request("Encrypt", { KeyId, Plaintext: "aGk=" }))).toBe("RequestLimitExceeded");
    expect(await code(kms.request("GenerateDataKey", { KeyId, KeySpec: "AES_128" }))).toBe("Success"); // its own group
    limited.child.kill("SIGTERM");
    await limited.exited;

    const off = await serve(dataDir, ["--rate-limit", "symmetric=0.01", "--rate-limits", "off"]);
    const kms2 = sdk(JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")).Endpoint, creds.SecretId, creds.SecretKey);
    for (let i = 0; i < 5; i++) expect(await code(kms2.request("Encrypt", { KeyId, Plaintext: "aGk=" }))).toBe("Success");
    off.child.kill("SIGTERM");
    await off.exited;
  });
  it.each([
    [["--rate-limit", "Encrypt=5"], /shares the group symmetric/],
    [["--rate-limit", "symmetric"], /group=requests-per-second/],
    [["--rate-limits", "maybe"], /on or off/],
  ])("refuses %j", async (args, message) => {
    const r = await run(["serve", "--port", "0", "--data-dir", join(scratch, "never"), ...args]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(message);
  });
});
