/**
 * `openkms kms <Action>` (tccli-style) against a started server: typed parameters, --cli-input-json, the three
 * credential sources, and every failure as one line on stderr with exit 1.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paramKind, parseParamFlags } from "../src/kms-params.js";
import { cleanupAll, closedPort, oneLineFailure, runCli, startServer, tempDir, type StartedServer } from "./_cli.js";

describe("kms parameter flags", () => {
  it("take their type from the action's request schema", () => {
    expect(paramKind("ListKeyDetail", "Limit")).toBe("number");
    expect(paramKind("ListKeyDetail", "TagFilters")).toBe("json");
    expect(paramKind("DescribeKeys", "KeyIds")).toBe("json");
    expect(paramKind("Encrypt", "EncryptionContext")).toBe("string");
    expect(paramKind("NotAnAction", "X")).toBe("auto");
    expect(
      parseParamFlags("ListKeyDetail", ["--Limit", "10", "--SearchKeyAlias=12", "--TagFilters", '[{"TagKey":"k"}]', "--KeyUsage", "ALL"]),
    ).toEqual({ Limit: 10, SearchKeyAlias: "12", TagFilters: [{ TagKey: "k" }], KeyUsage: "ALL" });
    // a value the schema would refuse goes as written, for the server to answer with its error code
    expect(parseParamFlags("ListKeyDetail", ["--Limit", "ten"])).toEqual({ Limit: "ten" });
    expect(parseParamFlags("Encrypt", ["--EncryptionContext", '{"a":"b"}'])).toEqual({ EncryptionContext: '{"a":"b"}' });
    expect(parseParamFlags("SomeFutureAction", ["--Ids", '["a"]', "--Count", "3"])).toEqual({ Ids: ["a"], Count: "3" });
  });

  it("refuse what is not a parameter flag", () => {
    expect(() => parseParamFlags("ListKeys", ["--limit", "1"])).toThrow("unknown option --limit");
    expect(() => parseParamFlags("ListKeys", ["Limit"])).toThrow("unexpected argument");
    expect(() => parseParamFlags("ListKeys", ["--Limit"])).toThrow("--Limit needs a value");
    expect(() => parseParamFlags("ListKeys", ["--Limit", "1", "--Limit", "2"])).toThrow("more than once");
    expect(() => parseParamFlags("DescribeKeys", ["--KeyIds", "[x"])).toThrow("--KeyIds expected a JSON value");
  });
});

describe("openkms kms", () => {
  let server: StartedServer;
  let cred: string[];
  beforeAll(async () => {
    server = await startServer();
    cred = ["--credentials", server.credentialsFile];
  });
  afterAll(cleanupAll);

  it("calls actions with typed flags and prints the response as JSON", async () => {
    const created = await runCli(["kms", "CreateKey", "--Alias", "cli-kms-1", "--Description", "made by the cli", ...cred]);
    expect(created.code).toBe(0);
    expect(created.stderr).toBe("");
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ Alias: "cli-kms-1", Description: "made by the cli", KeyState: "Enabled", KeyUsage: "ENCRYPT_DECRYPT" });
    expect(key.RequestId).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await runCli(["kms", "ListKeyDetail", "--Limit", "1", "--SearchKeyAlias", "cli-kms-1", ...cred]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ TotalCount: 1, KeyMetadatas: [{ KeyId: key.KeyId, Type: 4 }] });

    const described = await runCli(["kms", "DescribeKeys", "--KeyIds", JSON.stringify([key.KeyId]), ...cred]);
    expect(JSON.parse(described.stdout).KeyMetadatas.map((m: { KeyId: string }) => m.KeyId)).toEqual([key.KeyId]);

    const plaintext = Buffer.from("hello from the command line").toString("base64");
    const enc = await runCli(["kms", "Encrypt", "--KeyId", key.KeyId, `--Plaintext=${plaintext}`, "--EncryptionContext", '{"app":"cli"}', ...cred]);
    expect(enc.code).toBe(0);
    const { CiphertextBlob } = JSON.parse(enc.stdout);
    const dec = await runCli(["kms", "Decrypt", "--CiphertextBlob", CiphertextBlob, "--EncryptionContext", '{"app":"cli"}', ...cred]);
    expect(JSON.parse(dec.stdout)).toMatchObject({ KeyId: key.KeyId, Plaintext: plaintext });

    // --cli-input-json, with a flag overriding one of its members
    const dir = tempDir();
    const input = join(dir, "input.json");
    writeFileSync(input, JSON.stringify({ CiphertextBlob, EncryptionContext: '{"app":"other"}' }));
    const fromFile = await runCli(["kms", "Decrypt", "--cli-input-json", `file://${input}`, "--EncryptionContext", '{"app":"cli"}', ...cred]);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout).Plaintext).toBe(plaintext);
    const wrongContext = await runCli(["kms", "Decrypt", "--cli-input-json", input, ...cred]);
    expect(oneLineFailure(wrongContext)).toMatch(/^openkms kms Decrypt: InvalidParameter\S*: .* \(RequestId [0-9a-f-]{36}\)$/);
  });

  it("calls OpenKMS's own actions too (OpenKMS.ListAuditRecords)", async () => {
    const r = await runCli(["kms", "OpenKMS.ListAuditRecords", "--Action", "CreateKey", "--Limit", "5", ...cred]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.TotalCount).toBeGreaterThanOrEqual(1);
  });

  it("reads the credential from the environment or ./.openkms/credentials.json", async () => {
    const { SecretId, SecretKey, Region, Endpoint } = server.credentials;
    for (const endpoint of [Endpoint, `http://${Endpoint}`]) {
      const r = await runCli(["kms", "GetRegions"], {
        env: { TENCENTCLOUD_SECRET_ID: SecretId, TENCENTCLOUD_SECRET_KEY: SecretKey, TENCENTCLOUD_REGION: Region, OPENKMS_ENDPOINT: endpoint },
      });
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout).Regions).toEqual(["ap-guangzhou"]);
    }
    const cwd = tempDir();
    mkdirSync(join(cwd, ".openkms"));
    writeFileSync(join(cwd, ".openkms", "credentials.json"), JSON.stringify(server.credentials));
    const r = await runCli(["kms", "GetServiceStatus"], { cwd });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ServiceEnabled).toBe(true);
  });

  it("talks HTTPS to a server with a self-signed certificate named by CaFile", async () => {
    const dir = tempDir();
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    const tls = await startServer("sm", ["--tls-cert", join(dir, "cert.pem"), "--tls-key", join(dir, "key.pem")]);
    expect(tls.url).toMatch(/^https:\/\//);
    const base = { ...tls.credentials, Protocol: "https" };
    writeFileSync(join(dir, "with-ca.json"), JSON.stringify({ ...base, CaFile: "cert.pem" })); // relative to the file
    writeFileSync(join(dir, "without-ca.json"), JSON.stringify(base));
    const ok = await runCli(["kms", "GetRegions", "--credentials", join(dir, "with-ca.json")]);
    expect(ok.stderr).toBe("");
    expect(JSON.parse(ok.stdout).Regions).toEqual(["ap-guangzhou"]);
    const untrusted = await runCli(["kms", "GetRegions", "--credentials", join(dir, "without-ca.json")]);
    expect(oneLineFailure(untrusted)).toMatch(/^openkms kms GetRegions: no answer from https:\/\/127\.0\.0\.1:\d+: .*(self.signed|certificate)/i);
  });

  it("fails with exit 1, one line on stderr and nothing on stdout", async () => {
    const cases: [string[], RegExp, Parameters<typeof runCli>[1]?][] = [
      [["kms", "Encrypt", "--KeyId", "00000000-0000-0000-0000-000000000000", "--Plaintext", "aGk=", ...cred], /^openkms kms Encrypt: ResourceUnavailable\.CmkNotFound: /],
      [["kms", "ListKeys", "--Bogus", "1", ...cred], /^openkms kms ListKeys: UnknownParameter: The parameter Bogus/],
      [["kms", "ListKeys", "--Limit", "ten", ...cred], /^openkms kms ListKeys: InvalidParameter: /],
      [["kms", "NoSuchAction", ...cred], /^openkms kms NoSuchAction: InvalidAction/],
      [["kms", "ListKeys", "--limit", "1", ...cred], /unknown option --limit/],
      [["kms", "DescribeKeys", "--KeyIds", "[nope", ...cred], /--KeyIds expected a JSON value/],
      [["kms", "ListKeys", "--cli-input-json", "/nonexistent/input.json", ...cred], /cannot read --cli-input-json/],
      [["kms"], /^openkms kms: missing required argument 'Action'$/],
      [["kms", "ListKeys"], /no credentials: pass --credentials/, { cwd: tempDir() }],
      [["kms", "ListKeys", "--credentials", "/nonexistent/credentials.json"], /cannot read the credentials file .*ENOENT/],
      [["kms", "ListKeys"], /TENCENTCLOUD_SECRET_ID is set but OPENKMS_ENDPOINT is not/, { env: { TENCENTCLOUD_SECRET_ID: "a", TENCENTCLOUD_SECRET_KEY: "b" } }],
      [["kms", "ListKeys"], /^openkms kms ListKeys: AuthFailure\.SecretIdNotFound: /,
        { env: { TENCENTCLOUD_SECRET_ID: "AKIDnosuchkeynosuchkey", TENCENTCLOUD_SECRET_KEY: "b", OPENKMS_ENDPOINT: server.credentials.Endpoint } }],
    ];
    for (const [args, line, opts] of cases) {
      const r = await runCli(args, opts);
      expect(oneLineFailure(r), args.join(" ")).toMatch(line);
      expect(r.stdout).toBe("");
    }
    const port = await closedPort();
    const r = await runCli(["kms", "ListKeys"], { env: { TENCENTCLOUD_SECRET_ID: "a", TENCENTCLOUD_SECRET_KEY: "b", OPENKMS_ENDPOINT: `127.0.0.1:${port}` } });
    expect(oneLineFailure(r)).toBe(`openkms kms ListKeys: no answer from http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
