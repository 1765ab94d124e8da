/**
 * BYOK helpers for tests: wrap key material to the public key of GetParametersForImport the way Tencent's import
 * guide does — `openssl rand`, `openssl pkeyutl -encrypt` with the chosen padding, base64 — or, where a test only
 * needs some imported key fast, with node:crypto (an independent RSA implementation either way).
 */
import { execFileSync } from "node:child_process";
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const WRAPPING_ALGORITHMS = ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] as const;
export type WrappingAlgorithm = (typeof WRAPPING_ALGORITHMS)[number];

/** `openssl pkeyutl` options per WrappingAlgorithm. */
const PKEYUTL_OPTS: Record<WrappingAlgorithm, string[]> = {
  RSAES_PKCS1_V1_5: ["-pkeyopt", "rsa_padding_mode:pkcs1"],
  RSAES_OAEP_SHA_1: ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1"],
  RSAES_OAEP_SHA_256: ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256"],
};

/**
 * The import guide's commands in a scratch directory:
 *   openssl rand -out key_material.bin <n>                      (when no material is given)
 *   openssl enc -d -base64 -A -in public_key.base64 -out public_key.bin
 *   openssl pkeyutl -encrypt -in key_material.bin -out encrypted_key_material.bin -inkey public_key.bin -keyform DER -pubin <padding opts>
 *   openssl enc -e -base64 -A -in encrypted_key_material.bin -out encrypted_key_material.base64
 * @returns the raw material and the base64 EncryptedKeyMaterial
 */
export function wrapWithOpenssl(publicKeyB64: string, algorithm: WrappingAlgorithm, materialOrLength: Buffer | number): { material: Buffer; encrypted: string } {
  const dir = mkdtempSync(join(tmpdir(), "openkms-byok-"));
  try {
    const f = (name: string) => join(dir, name);
    if (typeof materialOrLength === "number") {
      execFileSync("openssl", ["rand", "-out", f("key_material.bin"), String(materialOrLength)]);
    } else {
      writeFileSync(f("key_material.bin"), materialOrLength);
    }
    writeFileSync(f("public_key.base64"), publicKeyB64);
    execFileSync("openssl", ["enc", "-d", "-base64", "-A", "-in", f("public_key.base64"), "-out", f("public_key.bin")]);
    execFileSync("openssl", [
      "pkeyutl", "-encrypt", "-in", f("key_material.bin"), "-out", f("encrypted_key_material.bin"),
      "-inkey", f("public_key.bin"), "-keyform", "DER", "-pubin", ...PKEYUTL_OPTS[algorithm],
    ]);
    execFileSync("openssl", ["enc", "-e", "-base64", "-A", "-in", f("encrypted_key_material.bin"), "-out", f("encrypted_key_material.base64")]);
    return { material: readFileSync(f("key_material.bin")), encrypted: readFileSync(f("encrypted_key_material.base64"), "utf8").trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wrap `material` with node:crypto (OpenSSL underneath, no process spawn). */
export function wrapWithNode(publicKeyB64: string, algorithm: WrappingAlgorithm, material: Buffer): string {
  const key = createPublicKey({ key: Buffer.from(publicKeyB64, "base64"), format: "der", type: "spki" });
  const ct =
    algorithm === "RSAES_PKCS1_V1_5"
      ? publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, material)
      : publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm === "RSAES_OAEP_SHA_1" ? "sha1" : "sha256" }, material);
  return ct.toString("base64");
}
