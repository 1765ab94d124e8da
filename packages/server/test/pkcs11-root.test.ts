/**
 * The root key in a PKCS#11 token (issue 13), against a real SoftHSM2 token initialised by the test: generated
 * non-extractable in the token on first start, every wrap/unwrap in the token, nothing in the data dir opens key
 * material without it; a missing token or a wrong PIN refuses to start; a token lost while running → InternalError,
 * no crash, and service resumes when it is back.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkcs11js from "pkcs11js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKmsServer, StartupError } from "../src/index.js";
import { parsePkcs11Uri, Pkcs11UriError } from "../src/root-of-trust/pkcs11-uri.js";
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsm } from "./_softhsm.js";
import { b64, startServer, unb64, type Running } from "./_harness.js";

let hsm: SoftHsm;
beforeAll(() => {
  hsm = createSoftHsm();
});
afterAll(() => hsm?.cleanup());

describe("PKCS#11 URI (RFC 7512)", () => {
  it("parses token, object, module-path, pin-source with percent-decoding", () => {
    expect(parsePkcs11Uri("pkcs11:token=My%20Token;object=root;type=secret-key?module-path=/lib/x.so&pin-source=/run/pin")).toEqual({
      token: "My Token", object: "root", modulePath: "/lib/x.so", pin: { source: "/run/pin" },
    });
    expect(parsePkcs11Uri("pkcs11:object=k;token=t?pin-value=1234&module-path=/m.so").pin).toEqual({ value: "1234" });
  });
  it.each([
    ["pkcs11:object=k?module-path=/m.so&pin-source=/p", /token=/],
    ["pkcs11:token=t?module-path=/m.so&pin-source=/p", /object=/],
    ["pkcs11:token=t;object=k?pin-source=/p", /module-path/],
    ["pkcs11:token=t;object=k?module-path=/m.so", /pin-source/],
    ["pkcs11:token=t;object=k;colour=red?module-path=/m.so&pin-source=/p", /unknown path attribute "colour"/],
    ["pkcs11:token=t;token=u;object=k?module-path=/m.so&pin-source=/p", /given twice/],
    ["pkcs11:token=t;object=k;type=private?module-path=/m.so&pin-source=/p", /secret-key/],
    ["pkcs11:token=%zz;object=k?module-path=/m.so&pin-source=/p", /percent-encoding/],
    ["pkcs12:token=t", /starts with "pkcs11:"/],
  ])("refuses %s", (uri, message) => {
    expect(() => parsePkcs11Uri(uri)).toThrow(Pkcs11UriError);
    expect(() => parsePkcs11Uri(uri)).toThrow(message);
  });
});

describe("server with the root key in SoftHSM2", () => {
  let run: Running;
  let dataDir: string;
  const plaintext = "secret under an HSM root";
  let blob: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "openkms-pkcs11-"));
    run = await startServer({ dataDir, rootKeyUri: hsm.uri() });
  });
  afterAll(async () => {
    await run?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("generates the root key inside the token: sensitive, not extractable; no root.key in the data dir", async () => {
    expect(existsSync(join(dataDir, "root.key"))).toBe(false);
    const lib = new pkcs11js.PKCS11();
    lib.load(SOFTHSM_MODULE); // the server's module, already initialised in this process
    {
      const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trimEnd() === "openkms-test")!;
      const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
      // Logged in already: PKCS#11 logins are per application, and the server holds one.
      lib.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: "openkms-root" }]);
      const found = lib.C_FindObjects(session, 5);
      lib.C_FindObjectsFinal(session);
      expect(found).toHaveLength(1);
      const [cls, keyType, len, ext, sens, tok] = lib.C_GetAttributeValue(session, found[0]!, [
        { type: pkcs11js.CKA_CLASS }, { type: pkcs11js.CKA_KEY_TYPE }, { type: pkcs11js.CKA_VALUE_LEN },
        { type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_TOKEN },
      ]);
      expect((cls!.value as Buffer).readUInt32LE(0)).toBe(pkcs11js.CKO_SECRET_KEY);
      expect((keyType!.value as Buffer).readUInt32LE(0)).toBe(pkcs11js.CKK_AES);
      expect((len!.value as Buffer).readUInt32LE(0)).toBe(32);
      expect((ext!.value as Buffer)[0]).toBe(0);
      expect((sens!.value as Buffer)[0]).toBe(1);
      expect((tok!.value as Buffer)[0]).toBe(1);
      // The value itself cannot be read out.
      expect(() => lib.C_GetAttributeValue(session, found[0]!, [{ type: pkcs11js.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      lib.C_CloseSession(session);
    }
  });

  it("serves keys whose material is wrapped in the token, across restarts", async () => {
    const { KeyId } = await run.call("CreateKey", { Alias: "hsm-backed" });
    ({ CiphertextBlob: blob } = await run.call("Encrypt", { KeyId, Plaintext: b64(plaintext) }));
    await run.restart();
    const { Plaintext } = await run.call("Decrypt", { CiphertextBlob: blob });
    expect(unb64(Plaintext).toString()).toBe(plaintext);
    // An asymmetric key's material goes through the token too.
    const sm2 = await run.call("CreateKey", { Alias: "hsm-sm2", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_SM2" });
    const sig = await run.call("SignByAsymmetricKey", { KeyId: sm2.KeyId, Algorithm: "SM2DSA", Message: b64("m"), MessageType: "RAW" });
    expect((await run.call("VerifyByAsymmetricKey", { KeyId: sm2.KeyId, Algorithm: "SM2DSA", Message: b64("m"), MessageType: "RAW", SignatureValue: sig.Signature })).SignatureValid).toBe(true);
  });

  it("the data dir alone opens nothing: without the token, or with a file root key, it refuses to start", async () => {
    const copy = mkdtempSync(join(tmpdir(), "openkms-pkcs11-copy-"));
    try {
      cpSync(dataDir, copy, { recursive: true });
      rmSync(join(copy, "openkms.pid"), { force: true });
      await expect(createKmsServer({ dataDir: copy, port: 0 })).rejects.toThrow(/root key file .* is missing/);
      writeFileSync(join(copy, "root.key"), Buffer.alloc(32, 7).toString("base64"));
      await expect(createKmsServer({ dataDir: copy, port: 0 })).rejects.toThrow(/not the one this data dir was created with/);
      // Another key of the same token is not the root key either.
      await expect(createKmsServer({ dataDir: copy, port: 0, rootKeyUri: hsm.uri("another-key") })).rejects.toThrow(/not the one this data dir was created with/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("a token lost while running: InternalError for the requests that need it, no crash; back when the token returns", async () => {
    const saved = mkdtempSync(join(tmpdir(), "openkms-token-save-"));
    cpSync(hsm.tokenDir, saved, { recursive: true });
    for (const d of readdirSync(hsm.tokenDir)) rmSync(join(hsm.tokenDir, d), { recursive: true, force: true });
    try {
      expect(await run.fail("Decrypt", { CiphertextBlob: blob })).toBe("InternalError");
      expect(await run.fail("CreateKey", { Alias: "while-token-gone" })).toBe("InternalError");
      // Access keys' secrets are wrapped under the root too, so every signed request needs the token.
      expect(await run.fail("ListKeys", {})).toBe("InternalError");
    } finally {
      cpSync(saved, hsm.tokenDir, { recursive: true });
      rmSync(saved, { recursive: true, force: true });
    }
    const { Plaintext } = await run.call("Decrypt", { CiphertextBlob: blob });
    expect(unb64(Plaintext).toString()).toBe(plaintext);
    expect((await run.call("ListKeys", {})).TotalCount).toBe(2);
  });
});

describe("refusals at start", () => {
  it("a wrong PIN refuses to start with a clear message", async () => {
    const pinFile = join(hsm.dir, "wrong-pin");
    writeFileSync(pinFile, "9999\n");
    const dataDir = mkdtempSync(join(tmpdir(), "openkms-pkcs11-pin-"));
    try {
      const err = await createKmsServer({ dataDir, port: 0, rootKeyUri: hsm.uri("openkms-root", pinFile) }).catch((e) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect(err.message).toMatch(/refused the PIN/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("a token that is not present refuses to start", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "openkms-pkcs11-missing-"));
    try {
      const uri = hsm.uri().replace("token=openkms-test", "token=no-such-token");
      const err = await createKmsServer({ dataDir, port: 0, rootKeyUri: uri }).catch((e) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect(err.message).toMatch(/token "no-such-token" is not present/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("a module that does not load refuses to start", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "openkms-pkcs11-module-"));
    try {
      const uri = hsm.uri().replace(SOFTHSM_MODULE, "/nonexistent/libpkcs11.so");
      await expect(createKmsServer({ dataDir, port: 0, rootKeyUri: uri })).rejects.toThrow(/cannot load the PKCS#11 module/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
