/**
 * SignByAsymmetricKey / VerifyByAsymmetricKey with SM2, ECC P-256 and RSA-2048 signing keys. The message is text
 * (MessageType RAW) or the base64 of a 32-byte digest (DIGEST); the algorithm follows the key's usage.
 */
import { useState } from "preact/hooks";
import type { KeyMetadata, KmsResponse } from "@openkms/client";
import { useConsole } from "../../context.js";
import { useCall } from "../../components/use-call.js";
import { ApiError } from "../../components/api-error.js";
import { KeyPicker } from "../../components/key-picker.js";
import { Output } from "../../components/output.js";
import { textToBase64 } from "../../encoding.js";

/** Signature algorithms by signing KeyUsage. */
export const SIGN_ALGORITHMS: Record<string, string[]> = {
  ASYMMETRIC_SIGN_VERIFY_SM2: ["SM2DSA"],
  ASYMMETRIC_SIGN_VERIFY_ECC: ["ECC_P256_R1"],
  ASYMMETRIC_SIGN_VERIFY_RSA_2048: ["RSA_PSS_SHA_256", "RSA_PKCS1_SHA_256"],
};
const ALL = [...new Set(Object.values(SIGN_ALGORITHMS).flat())];

export function SignVerifyTool() {
  const { kms, algorithms } = useConsole();
  const usages = algorithms.AsymmetricSignVerifyAlgorithms.map((a) => a.KeyUsage as string).filter((u) => u in SIGN_ALGORITHMS);
  const [keyId, setKeyId] = useState("");
  const [meta, setMeta] = useState<KeyMetadata | undefined>(undefined);
  const [algorithm, setAlgorithm] = useState("");
  const [messageType, setMessageType] = useState<"RAW" | "DIGEST">("RAW");
  const [message, setMessage] = useState("");
  const [signature, setSignature] = useState("");
  const sign = useCall<KmsResponse<"SignByAsymmetricKey">>();
  const verify = useCall<KmsResponse<"VerifyByAsymmetricKey">>();
  const choices = meta ? SIGN_ALGORITHMS[meta.KeyUsage] ?? ALL : ALL;
  const alg = choices.includes(algorithm) ? algorithm : choices[0]!;
  const params = () => ({ KeyId: keyId, Algorithm: alg, MessageType: messageType, Message: messageType === "RAW" ? textToBase64(message) : message.trim() });
  return (
    <article id="tool-sign" aria-labelledby="tool-sign-title">
      <h2 id="tool-sign-title" tabIndex={-1}>Sign / Verify</h2>
      <form aria-label="Sign or verify" onSubmit={async (e) => {
        e.preventDefault();
        const r = await sign.run(() => kms.signByAsymmetricKey(params()));
        if (r) setSignature(r.Signature);
      }}>
        <div class="grid">
          <div><KeyPicker id="sig-key" usages={usages} value={keyId} onInput={(id, m) => { setKeyId(id); setMeta(m); }} /></div>
          <div>
            <label for="sig-alg">Algorithm</label>
            <select id="sig-alg" value={alg} onChange={(e) => setAlgorithm(e.currentTarget.value)}>
              {choices.map((a) => <option value={a}>{a}</option>)}
            </select>
          </div>
          <div>
            <label for="sig-type">MessageType</label>
            <select id="sig-type" value={messageType} onChange={(e) => setMessageType(e.currentTarget.value as "RAW" | "DIGEST")}>
              <option value="RAW">RAW (text)</option>
              <option value="DIGEST">DIGEST (base64 of 32 bytes)</option>
            </select>
          </div>
        </div>
        <label for="sig-message">Message</label>
        <textarea id="sig-message" required rows={2} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
        <label for="sig-value">Signature (base64)</label>
        <textarea id="sig-value" class="mono" rows={2} value={signature} onInput={(e) => setSignature(e.currentTarget.value)} />
        <div class="actions">
          <button type="submit" aria-busy={sign.busy} disabled={sign.busy}>Sign</button>
          <button type="button" class="secondary" aria-busy={verify.busy} disabled={verify.busy || !signature.trim()}
            onClick={() => void verify.run(() => kms.verifyByAsymmetricKey({ ...params(), SignatureValue: signature.trim() }))}>Verify</button>
        </div>
        <ApiError error={sign.error ?? verify.error} />
        {verify.result ? <p role="status" class={verify.result.SignatureValid ? "valid" : "invalid"}>SignatureValid: {String(verify.result.SignatureValid)}</p> : null}
      </form>
      {sign.result ? <Output label="Signature" name="sig-out" value={sign.result.Signature} /> : null}
    </article>
  );
}
