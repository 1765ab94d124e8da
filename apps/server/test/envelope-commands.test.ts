/**
 * `openkms encrypt` / `openkms decrypt` as a user runs them, against a started server (sm edition): library ↔ CLI
 * both ways, aliases and several CMKs, stdin/stdout, a 256 MiB file round trip (sha256 compared), public-key
 * encryption without a credential for each algorithm opened by `openkms decrypt` through the server, and every bad
 * input → exit 1, one line on stderr, no output file and no temporary file.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { KmsClient } from "@openkms/client";
import { decrypt, encrypt, KmsKeyring, RawKeyring } from "@openkms/envelope";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, cleanupAll, closedPort, oneLineFailure, runCli, startServer, tempDir, type StartedServer } from "./_cli.js";

let server: StartedServer;
let cred: string[];
let kms: KmsClient;
let keyA: string;
let keyB: string;

const kmsCall = async (action: string, params: Record<string, unknown> = {}) => kms.requestAny(action, params) as Promise<Record<string, any>>;

beforeAll(async () => {
  server = await startServer("sm");
  cred = ["--credentials", server.credentialsFile];
  const c = server.credentials;
  kms = new KmsClient({ endpoint: `http://${c.Endpoint}`, secretId: c.SecretId, secretKey: c.SecretKey, region: c.Region });
  keyA = (await kmsCall("CreateKey", { Alias: "files-a" })).KeyId;
  keyB = (await kmsCall("CreateKey", { Alias: "files-b" })).KeyId;
});
afterAll(cleanupAll);

/** The names in `dir`, sorted. */
const listing = (dir: string) => readdirSync(dir).sort();

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

describe("openkms encrypt / decrypt", () => {
  it("a sub-user with kms:GenerateDataKey and kms:Decrypt only: encrypt needs --suite (else kms:DescribeKey), decrypt works", async () => {
    const dir = tempDir();
    const admin = async (...args: string[]) => {
      const r = await runCli(["admin", ...args, "--data-dir", server.dataDir]);
      if (r.code !== 0) throw new Error(`openkms admin ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    const user = await admin("create-user", "envelope-app");
    const { SecretId, SecretKey } = await admin("create-access-key", "envelope-app");
    const resource = `qcs::kms:${server.credentials.Region}:uin/${user.OwnerUin}:key/${keyA}`;
    await admin("attach-policy", "envelope-app", "envelope", "--document",
      JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: ["kms:GenerateDataKey", "kms:Decrypt"], resource: [resource] }] }));
    const appCreds = join(dir, "app-credentials.json");
    writeFileSync(appCreds, JSON.stringify({ ...server.credentials, SecretId, SecretKey }), { mode: 0o600 });
    writeFileSync(join(dir, "plain"), "for the app's eyes");

    const withoutSuite = await runCli(["encrypt", "--key-id", keyA, join(dir, "plain"), "-o", join(dir, "a.okms"), "--credentials", appCreds]);
    expect(oneLineFailure(withoutSuite)).toMatch(/^openkms encrypt: UnauthorizedOperation: .*DescribeKey/);
    const withSuite = await runCli(["encrypt", "--key-id", keyA, "--suite", "SM4_GCM", join(dir, "plain"), "-o", join(dir, "b.okms"), "--credentials", appCreds]);
    expect(withSuite).toMatchObject({ code: 0, stderr: "" });
    const dec = await runCli(["decrypt", join(dir, "b.okms"), "-o", "-", "--credentials", appCreds]);
    expect(dec).toMatchObject({ code: 0, stdout: "for the app's eyes", stderr: "" });
    const help = await runCli(["encrypt", "--help"]);
    expect(help.stdout).toMatch(/Permissions: kms:GenerateDataKey .*without --suite also\nkms:DescribeKey/);
  });

  it("CLI → library and library → CLI, with the context in the header", async () => {
    const dir = tempDir();
    const plaintext = randomBytes(200_000);
    writeFileSync(join(dir, "plain"), plaintext);
    const enc = await runCli(["encrypt", "--key-id", keyA, "--context", '{"app":"web","env":"prod"}', join(dir, "plain"), "-o", join(dir, "plain.okms"), ...cred]);
    expect(enc.code).toBe(0);
    expect(enc.stderr).toBe("");
    expect(enc.stdout).toBe("");
    const ct = readFileSync(join(dir, "plain.okms"));
    const opened = await decrypt(ct, { keyring: new KmsKeyring({ client: kms, keyIds: [keyA] }) });
    expect(Buffer.from(opened.plaintext).equals(plaintext)).toBe(true);
    expect(opened.header.encryptionContext).toEqual({ app: "web", env: "prod" });
    expect(opened.header.suite).toBe("SM4_GCM"); // the sm edition's CMKs → SM4_GCM by default
    expect(opened.header.frameLength).toBe(65536);
    expect(listing(dir)).toEqual(["plain", "plain.okms"]);

    const libMessage = await encrypt(plaintext, {
      keyring: new KmsKeyring({ client: kms, keyIds: [keyB] }), encryptionContext: { tenant: "t1" }, suite: "AES_256_GCM", frameLength: 4096,
    });
    writeFileSync(join(dir, "lib.okms"), libMessage);
    const dec = await runCli(["decrypt", "--context", '{"tenant":"t1"}', join(dir, "lib.okms"), "-o", join(dir, "lib.out"), ...cred]);
    expect(dec.code).toBe(0);
    expect(dec.stderr).toBe("");
    expect(readFileSync(join(dir, "lib.out")).equals(plaintext)).toBe(true);
    expect(statSync(join(dir, "lib.out")).mode & 0o777).toBe(0o600);
  });

  it("resolves aliases, wraps for several CMKs (either one opens), takes --suite and --frame-size, streams stdin → stdout", async () => {
    const plaintext = randomBytes(10_000);
    const enc = await runCli(["encrypt", "--key-id", "files-a", "--key-id", "files-b", "--suite", "AES_256_GCM", "--frame-size", "1024", "-", "-o", "-", ...cred], { stdin: plaintext });
    expect(enc.code).toBe(0);
    expect(enc.stderr).toBe("");
    const ct = enc.stdoutBytes;
    const { header } = await decrypt(ct, { keyring: new KmsKeyring({ client: kms, keyIds: [keyB] }) });
    expect(header.encryptedDataKeys.map((e) => e.keyId)).toEqual([keyA, keyB]);
    expect(header.suite).toBe("AES_256_GCM");
    expect(header.frameLength).toBe(1024);

    // either CMK alone opens it: disable A, and the CLI's discovery keyring falls back to B
    await kmsCall("DisableKey", { KeyId: keyA });
    try {
      const dec = await runCli(["decrypt", "-", "-o", "-", ...cred], { stdin: ct });
      expect(dec.code).toBe(0);
      expect(dec.stderr).toBe("");
      expect(dec.stdoutBytes.equals(plaintext)).toBe(true);
    } finally {
      await kmsCall("EnableKey", { KeyId: keyA });
    }
  });

  it("a 256 MiB file round trip is identical (sha256)", async () => {
    const dir = tempDir();
    const plainPath = join(dir, "big.bin");
    const out = createWriteStream(plainPath);
    for (let i = 0; i < 256; i++) if (!out.write(randomBytes(1024 * 1024))) await once(out, "drain");
    out.end();
    await once(out, "close");
    expect(statSync(plainPath).size).toBe(256 * 1024 * 1024);
    const enc = await runCli(["encrypt", "--key-id", keyA, plainPath, "-o", join(dir, "big.okms"), ...cred]);
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stderr).toBe("");
    const dec = await runCli(["decrypt", join(dir, "big.okms"), "-o", join(dir, "big.out"), ...cred]);
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.stderr).toBe("");
    expect(await sha256File(join(dir, "big.out"))).toBe(await sha256File(plainPath));
    expect(listing(dir)).toEqual(["big.bin", "big.okms", "big.out"]);
  }, 300_000);

  it.each([
    ["RSAES_OAEP_SHA_256", "ASYMMETRIC_DECRYPT_RSA_2048", "AES_256_GCM"],
    ["SM2", "ASYMMETRIC_DECRYPT_SM2", "SM4_GCM"],
    ["KYBER_AES", "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES", "AES_256_GCM"],
  ] as const)("--public-key %s encrypts with no credential; openkms decrypt opens it through the server", async (algorithm, keyUsage, suite) => {
    const { KeyId } = await kmsCall("CreateKey", { Alias: `pk-${algorithm}`, KeyUsage: keyUsage });
    const { PublicKeyPem } = await kmsCall("GetPublicKey", { KeyId });
    const dir = tempDir(); // no .openkms here, and the CLI's environment has no credential
    writeFileSync(join(dir, "pub.pem"), PublicKeyPem);
    const plaintext = randomBytes(70_000);
    writeFileSync(join(dir, "plain"), plaintext);
    const enc = await runCli(["encrypt", "--public-key", "pub.pem", "--algorithm", algorithm, "--key-id", KeyId, "--context", '{"who":"edge"}', "plain", "-o", "plain.okms"], { cwd: dir });
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stderr).toBe("");
    const { header } = await decrypt(readFileSync(join(dir, "plain.okms")), { keyring: new KmsKeyring({ client: kms, keyIds: [] }) });
    expect(header.suite).toBe(suite);
    expect(header.encryptedDataKeys).toMatchObject([{ provider: "kms", keyId: KeyId }]);
    const dec = await runCli(["decrypt", "--context", '{"who":"edge"}', join(dir, "plain.okms"), "-o", join(dir, "plain.out"), ...cred]);
    expect(dec.code, dec.stderr).toBe(0);
    expect(readFileSync(join(dir, "plain.out")).equals(plaintext)).toBe(true);
  });

  it("every bad input: exit 1, one line on stderr, no output file, no temporary file", async () => {
    const dir = tempDir();
    const plaintext = randomBytes(50_000);
    writeFileSync(join(dir, "plain"), plaintext);
    expect((await runCli(["encrypt", "--key-id", keyA, "--context", '{"a":"1"}', join(dir, "plain"), "-o", join(dir, "good.okms"), ...cred])).code).toBe(0);
    const good = readFileSync(join(dir, "good.okms"));
    writeFileSync(join(dir, "truncated.okms"), good.subarray(0, good.length - 100));
    writeFileSync(join(dir, "header-only.okms"), good.subarray(0, 300));
    const flipped = Buffer.from(good);
    flipped[flipped.length - 5]! ^= 1;
    writeFileSync(join(dir, "flipped.okms"), flipped);
    writeFileSync(join(dir, "garbage.okms"), randomBytes(5000));
    writeFileSync(join(dir, "empty.okms"), "");
    const raw = await encrypt(plaintext, { keyring: new RawKeyring({ keyName: "offline", key: new Uint8Array(32) }) });
    writeFileSync(join(dir, "raw.okms"), raw);
    writeFileSync(join(dir, "pub.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    const before = listing(dir);
    const port = await closedPort();
    const unreachable = { TENCENTCLOUD_SECRET_ID: "AKIDx", TENCENTCLOUD_SECRET_KEY: "y", OPENKMS_ENDPOINT: `127.0.0.1:${port}` };
    const out = join(dir, "out");
    const p = (name: string) => join(dir, name);
    const cases: [string, string[], RegExp, Parameters<typeof runCli>[1]?][] = [
      ["unknown flag", ["encrypt", "--key-id", keyA, "--bogus", p("plain"), "-o", out, ...cred], /^openkms encrypt: unknown option '--bogus'$/],
      ["unknown decrypt flag", ["decrypt", "--key-id", keyA, p("good.okms"), "-o", out, ...cred], /^openkms decrypt: unknown option '--key-id'$/],
      ["no -o", ["encrypt", "--key-id", keyA, p("plain"), ...cred], /required option '-o, --output <out>' not specified/],
      ["bad JSON context", ["encrypt", "--key-id", keyA, "--context", "{a:1}", p("plain"), "-o", out, ...cred], /option '--context <json>' argument '\{a:1\}' is invalid\. expected a JSON object/],
      ["non-string context value", ["decrypt", "--context", '{"a":1}', p("good.okms"), "-o", out, ...cred], /the value of "a" must be a string/],
      ["bad frame size", ["encrypt", "--key-id", keyA, "--frame-size", "100", p("plain"), "-o", out, ...cred], /expected bytes 1024\.\.4194304/],
      ["bad suite", ["encrypt", "--key-id", keyA, "--suite", "DES", p("plain"), "-o", out, ...cred], /argument 'DES' is invalid\. Allowed choices are SM4_GCM, AES_256_GCM/],
      ["no key", ["encrypt", p("plain"), "-o", out, ...cred], /give --key-id <KeyId\|Alias>/],
      ["missing key", ["encrypt", "--key-id", "00000000-0000-4000-8000-000000000000", p("plain"), "-o", out, ...cred], /^openkms encrypt: ResourceUnavailable\.CmkNotFound: /],
      ["missing alias", ["encrypt", "--key-id", "no-such-alias", p("plain"), "-o", out, ...cred], /no key has the alias "no-such-alias"/],
      ["missing input", ["encrypt", "--key-id", keyA, p("nope"), "-o", out, ...cred], /ENOENT/],
      ["output dir missing", ["encrypt", "--key-id", keyA, p("plain"), "-o", join(dir, "no", "out"), ...cred], /ENOENT/],
      ["public key without algorithm", ["encrypt", "--public-key", p("pub.pem"), "--key-id", keyA, p("plain"), "-o", out], /--public-key needs --algorithm/],
      ["bad public key", ["encrypt", "--public-key", p("pub.pem"), "--algorithm", "SM2", "--key-id", keyA, p("plain"), "-o", out], /publicKey/],
      ["wrong context", ["decrypt", "--context", '{"a":"2"}', p("good.okms"), "-o", out, ...cred], /^openkms decrypt: ContextMismatch: /],
      ["absent context pair", ["decrypt", "--context", '{"b":"1"}', p("good.okms"), "-o", out, ...cred], /^openkms decrypt: ContextMismatch: /],
      ["truncated", ["decrypt", p("truncated.okms"), "-o", out, ...cred], /^openkms decrypt: Truncated: /],
      ["header only", ["decrypt", p("header-only.okms"), "-o", out, ...cred], /^openkms decrypt: Truncated: /],
      ["flipped bit", ["decrypt", p("flipped.okms"), "-o", out, ...cred], /^openkms decrypt: InvalidCiphertext: /],
      ["garbage", ["decrypt", p("garbage.okms"), "-o", out, ...cred], /not an OpenKMS envelope message/],
      ["empty", ["decrypt", p("empty.okms"), "-o", out, ...cred], /^openkms decrypt: the input is empty: not an OpenKMS envelope message$/],
      ["raw-keyring message", ["decrypt", p("raw.okms"), "-o", out, ...cred], /wrapped by raw \(offline\), not by a KMS key/],
      ["missing credentials (encrypt)", ["encrypt", "--key-id", keyA, p("plain"), "-o", out], /no credentials: pass --credentials/, { cwd: dir }],
      ["missing credentials (decrypt)", ["decrypt", p("good.okms"), "-o", out], /^openkms decrypt: no credentials: pass --credentials/, { cwd: dir }],
      ["unreachable server (encrypt)", ["encrypt", "--key-id", keyA, p("plain"), "-o", out], new RegExp(`no answer from http://127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`), { env: unreachable }],
      ["unreachable server (decrypt)", ["decrypt", p("good.okms"), "-o", out], new RegExp(`^openkms decrypt: NoDecryptableKey: no answer from http://127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`), { env: unreachable }],
    ];
    for (const [name, args, line, opts] of cases) {
      const r = await runCli(args, opts);
      expect(oneLineFailure(r), name).toMatch(line);
      expect(r.stdout, name).toBe("");
      expect(listing(dir), name).toEqual(before);
    }
  }, 180_000);

  it("SIGINT while writing removes the temporary file", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [bin, "encrypt", "--key-id", keyA, "-", "-o", join(dir, "out.okms"), ...cred], { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.write(randomBytes(300_000)); // more than a frame: the header and frames have reached the temporary file
    const deadline = Date.now() + 30_000;
    while (!readdirSync(dir).some((n) => n.startsWith("out.okms.tmp-") && statSync(join(dir, n)).size > 0)) {
      if (Date.now() > deadline) throw new Error("no temporary file appeared");
      await new Promise((r) => setTimeout(r, 50));
    }
    const exited = once(child, "exit");
    child.kill("SIGINT");
    const [code] = await exited;
    expect(code).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, "out.okms"))).toBe(false);
  });
});
