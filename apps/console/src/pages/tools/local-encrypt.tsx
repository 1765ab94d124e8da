/**
 * Local public-key encryption: the text is encrypted in this page to an asymmetric key's public key with
 * `@openkms/browser`'s `publicKeyEncrypt` (loaded on first use); only GetPublicKey goes to the server, never the
 * text. The result can be checked by decrypting it with the server (AsymmetricRsaDecrypt, AsymmetricSm2Decrypt or
 * PostQuantumCryptoDecrypt), which is then a request like any other.
 */
import { useState } from "preact/hooks";
import type { KeyMetadata } from "@openkms/client";
import { useConsole } from "../../context.js";
import { useCall } from "../../components/use-call.js";
import { ApiError } from "../../components/api-error.js";
import { KeyPicker } from "../../components/key-picker.js";
import { Output } from "../../components/output.js";
import { base64ToText, bytesToBase64 } from "../../encoding.js";

type LocalAlgorithm = "RSAES_OAEP_SHA_256" | "RSAES_OAEP_SHA_1" | "SM2" | "KYBER_AES";

/** Algorithms by decryption KeyUsage. */
const LOCAL_ALGORITHMS: Record<string, LocalAlgorithm[]> = {
  ASYMMETRIC_DECRYPT_RSA_2048: ["RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1"],
  ASYMMETRIC_DECRYPT_SM2: ["SM2"],
  ASYMMETRIC_Encrypt_Decrypt_Kyber_AES: ["KYBER_AES"],
};

export function LocalEncryptTool() {
  const { kms, algorithms } = useConsole();
  const usages = algorithms.AsymmetricAlgorithms.map((a) => a.KeyUsage as string).filter((u) => u in LOCAL_ALGORITHMS);
  const [keyId, setKeyId] = useState("");
  const [meta, setMeta] = useState<KeyMetadata | undefined>(undefined);
  const [algorithm, setAlgorithm] = useState<LocalAlgorithm>("RSAES_OAEP_SHA_256");
  const [text, setText] = useState("");
  const enc = useCall<{ ciphertext: string; algorithm: LocalAlgorithm; keyId: string }>();
  const check = useCall<string>();
  const choices: LocalAlgorithm[] = meta ? LOCAL_ALGORITHMS[meta.KeyUsage] ?? [] : (Object.values(LOCAL_ALGORITHMS).flat());
  const alg = choices.includes(algorithm) ? algorithm : choices[0] ?? "RSAES_OAEP_SHA_256";

  const encrypt = async (e: Event) => {
    e.preventDefault();
    check.reset();
    await enc.run(async () => {
      const { PublicKeyPem } = await kms.getPublicKey({ KeyId: keyId });
      const { publicKeyEncrypt } = await import("@openkms/browser/encrypt");
      const out = await publicKeyEncrypt({ publicKey: PublicKeyPem, algorithm: alg, plaintext: new TextEncoder().encode(text), keyId: keyId.toLowerCase() });
      return { ciphertext: bytesToBase64(out), algorithm: alg, keyId };
    });
  };
  const decryptWithServer = () =>
    check.run(async () => {
      const r = enc.result!;
      const plain = r.algorithm === "KYBER_AES"
        ? (await kms.postQuantumCryptoDecrypt({ CiphertextBlob: r.ciphertext })).PlainText
        : r.algorithm === "SM2"
          ? (await kms.asymmetricSm2Decrypt({ KeyId: r.keyId, Ciphertext: r.ciphertext })).Plaintext
          : (await kms.asymmetricRsaDecrypt({ KeyId: r.keyId, Ciphertext: r.ciphertext, Algorithm: r.algorithm })).Plaintext;
      return base64ToText(plain) ?? plain;
    });

  return (
    <article id="tool-local" aria-labelledby="tool-local-title">
      <h2 id="tool-local-title" tabIndex={-1}>Local public-key encryption</h2>
      <p><small>Encrypted in this page with <code>@openkms/browser</code>: the text is never sent.</small></p>
      <form aria-label="Local public-key encryption" onSubmit={encrypt}>
        <div class="grid">
          <div><KeyPicker id="local-key" usages={usages} value={keyId} onInput={(id, m) => { setKeyId(id); setMeta(m); }} /></div>
          <div>
            <label for="local-alg">Algorithm</label>
            <select id="local-alg" value={alg} onChange={(e) => setAlgorithm(e.currentTarget.value as LocalAlgorithm)}>
              {choices.map((a) => <option value={a}>{a}</option>)}
            </select>
          </div>
        </div>
        <label for="local-text">Plaintext</label>
        <textarea id="local-text" required rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" aria-busy={enc.busy} disabled={enc.busy}>Encrypt locally</button>
        <ApiError error={enc.error} />
      </form>
      {enc.result ? (
        <>
          <Output label="Ciphertext (base64)" name="local-out" rows={4} value={enc.result.ciphertext} />
          <button type="button" class="secondary outline" aria-busy={check.busy} onClick={() => void decryptWithServer()}>Decrypt with the server to check</button>
          <ApiError error={check.error} />
          {check.result !== undefined ? <p role="status" class="valid">The server decrypted it: {check.result}</p> : null}
        </>
      ) : null}
    </article>
  );
}
