// What the envelope benchmark runs, each as a pair of Node stream factories over the same source and sink:
//   - OpenKMS envelope (`@openkms/envelope/node`), SM4_GCM and AES_256_GCM, 4 KiB and 64 KiB frames, RawKeyring
//     (no KMS call: the data path alone);
//   - raw node:crypto AES-256-GCM over the whole stream (one nonce, one tag: no framing, no header) — the ceiling;
//   - raw node:crypto sm4-ctr (OpenSSL's SM4, no authentication) — what an SM4 stream costs in native code;
//   - the AWS Encryption SDK for JavaScript (`@aws-crypto/client-node` 5.x), RawAesKeyringNode, with the committing
//     unsigned suite that matches ours (ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY) at its default 4 KiB frames
//     and at 64 KiB, and its default suite (…_COMMIT_KEY_ECDSA_P384, signed) at 4 KiB.
// `encrypt()` returns { stream, meta } where meta() is called after the stream finished (e.g. the GCM tag) and is
// handed to `decrypt(meta)`.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import {
  AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier,
} from "@aws-crypto/client-node";
import { RawKeyring } from "@openkms/envelope";
import { decryptTransform, encryptTransform } from "@openkms/envelope/node";
import { KiB } from "./streams.mjs";

const wrapKey = new Uint8Array(randomBytes(32));
const rawKeyring = new RawKeyring({ keyName: "bench", key: wrapKey });

const aesKey = randomBytes(32);
const aesIv = randomBytes(12);
const sm4Key = randomBytes(16);
const sm4Iv = randomBytes(16);

const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const esdkKeyring = new RawAesKeyringNode({
  keyName: "bench", keyNamespace: "bench", unencryptedMasterKey: new Uint8Array(randomBytes(32)),
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
});

const openkms = (suite, frame) => ({
  id: `openkms-${suite}-${frame / KiB}k`,
  label: `OpenKMS envelope ${suite} ${frame / KiB} KiB frames`,
  short: `OpenKMS ${suite === "SM4_GCM" ? "SM4" : "AES"} ${frame / KiB}K`,
  group: "openkms", suite, frame,
  encrypt: () => ({ stream: encryptTransform({ keyring: rawKeyring, suite, frameLength: frame }), meta: () => undefined }),
  decrypt: () => decryptTransform({ keyring: rawKeyring }),
});

const esdkImpl = (frame, signed) => {
  const suiteId = signed
    ? AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
    : AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
  return {
    id: `esdk-${frame / KiB}k${signed ? "-signed" : ""}`,
    label: `AWS ESDK ${signed ? "default suite (signed, P-384)" : "AES-256-GCM committing, unsigned"} ${frame / KiB} KiB frames`,
    short: `AWS ESDK ${frame / KiB}K${signed ? " signed" : ""}`,
    group: "esdk", suite: "AES_256_GCM", frame, signed,
    // signing hashes the whole message with SHA-384 and runs one ECDSA P-384: measured up to 64 MiB only
    ...(signed ? { maxSize: 64 * 1024 * KiB } : {}),
    encrypt: () => ({ stream: esdk.encryptStream(esdkKeyring, { suiteId, frameLength: frame }), meta: () => undefined }),
    decrypt: () => (signed ? esdk.decryptStream(esdkKeyring) : esdk.decryptUnsignedMessageStream(esdkKeyring)),
  };
};

export const IMPLEMENTATIONS = [
  openkms("AES_256_GCM", 4 * KiB),
  openkms("AES_256_GCM", 64 * KiB),
  openkms("SM4_GCM", 4 * KiB),
  openkms("SM4_GCM", 64 * KiB),
  {
    id: "node-aes-256-gcm", label: "raw node:crypto AES-256-GCM (ceiling)", short: "node AES-GCM (ceiling)", group: "ceiling", suite: "AES_256_GCM", frame: undefined,
    encrypt() {
      const c = createCipheriv("aes-256-gcm", aesKey, aesIv);
      return { stream: c, meta: () => c.getAuthTag() };
    },
    decrypt(tag) {
      const d = createDecipheriv("aes-256-gcm", aesKey, aesIv);
      d.setAuthTag(tag);
      return d;
    },
  },
  {
    id: "node-sm4-ctr", label: "raw node:crypto sm4-ctr (no authentication)", short: "node sm4-ctr", group: "ceiling", suite: "SM4_GCM", frame: undefined,
    encrypt: () => ({ stream: createCipheriv("sm4-ctr", sm4Key, sm4Iv), meta: () => undefined }),
    decrypt: () => createDecipheriv("sm4-ctr", sm4Key, sm4Iv),
  },
  esdkImpl(4 * KiB, false),
  esdkImpl(64 * KiB, false),
  esdkImpl(4 * KiB, true),
];

export const byId = (id) => {
  const impl = IMPLEMENTATIONS.find((i) => i.id === id);
  if (!impl) throw new Error(`no implementation ${id}`);
  return impl;
};
