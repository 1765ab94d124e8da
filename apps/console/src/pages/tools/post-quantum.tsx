/**
 * Post-quantum: PostQuantumCryptoEncrypt/Decrypt with an ML-KEM-768 key (ASYMMETRIC_Encrypt_Decrypt_Kyber_AES) and
 * PostQuantumCryptoSign/Verify with an ML-DSA-65 key (ASYMMETRIC_SIGN_VERIFY_DILITHIUM), on text.
 */
import { useState } from "preact/hooks";
import type { KmsResponse } from "@openkms/client";
import { useConsole } from "../../context.js";
import { useCall } from "../../components/use-call.js";
import { ApiError } from "../../components/api-error.js";
import { KeyPicker } from "../../components/key-picker.js";
import { Output } from "../../components/output.js";
import { base64ToText, textToBase64 } from "../../encoding.js";

export function PostQuantumTool() {
  return (
    <article id="tool-pqc" aria-labelledby="tool-pqc-title">
      <h2 id="tool-pqc-title" tabIndex={-1}>Post-quantum</h2>
      <div class="grid tool-grid">
        <KyberForms />
        <DilithiumForms />
      </div>
    </article>
  );
}

function KyberForms() {
  const { kms } = useConsole();
  const [keyId, setKeyId] = useState("");
  const [text, setText] = useState("");
  const [blob, setBlob] = useState("");
  const enc = useCall<KmsResponse<"PostQuantumCryptoEncrypt">>();
  const dec = useCall<KmsResponse<"PostQuantumCryptoDecrypt">>();
  const plain = dec.result ? base64ToText(dec.result.PlainText) : undefined;
  return (
    <div>
      <form aria-label="Post-quantum encrypt" onSubmit={async (e) => {
        e.preventDefault();
        const r = await enc.run(() => kms.postQuantumCryptoEncrypt({ KeyId: keyId, PlainText: textToBase64(text) }));
        if (r) setBlob(r.CiphertextBlob);
      }}>
        <h3>ML-KEM-768 encrypt</h3>
        <KeyPicker id="pq-enc-key" usages={["ASYMMETRIC_Encrypt_Decrypt_Kyber_AES"]} value={keyId} onInput={setKeyId} />
        <label for="pq-plaintext">PlainText</label>
        <textarea id="pq-plaintext" required rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" aria-busy={enc.busy} disabled={enc.busy}>Encrypt (post-quantum)</button>
        <ApiError error={enc.error} />
      </form>
      <form aria-label="Post-quantum decrypt" onSubmit={(e) => {
        e.preventDefault();
        void dec.run(() => kms.postQuantumCryptoDecrypt({ CiphertextBlob: blob.trim() }));
      }}>
        <label for="pq-blob">CiphertextBlob</label>
        <textarea id="pq-blob" class="mono" required rows={3} value={blob} onInput={(e) => setBlob(e.currentTarget.value)} />
        <button type="submit" class="secondary" aria-busy={dec.busy} disabled={dec.busy}>Decrypt (post-quantum)</button>
        <ApiError error={dec.error} />
        {dec.result ? <Output label={plain !== undefined ? "PlainText" : "PlainText (base64)"} name="pq-out" value={plain ?? dec.result.PlainText} /> : null}
      </form>
    </div>
  );
}

function DilithiumForms() {
  const { kms } = useConsole();
  const [keyId, setKeyId] = useState("");
  const [message, setMessage] = useState("");
  const [signature, setSignature] = useState("");
  const sign = useCall<KmsResponse<"PostQuantumCryptoSign">>();
  const verify = useCall<KmsResponse<"PostQuantumCryptoVerify">>();
  return (
    <form aria-label="Post-quantum sign or verify" onSubmit={async (e) => {
      e.preventDefault();
      const r = await sign.run(() => kms.postQuantumCryptoSign({ KeyId: keyId, Message: textToBase64(message) }));
      if (r) setSignature(r.Signature);
    }}>
      <h3>ML-DSA-65 sign / verify</h3>
      <KeyPicker id="pq-sig-key" usages={["ASYMMETRIC_SIGN_VERIFY_DILITHIUM"]} value={keyId} onInput={setKeyId} />
      <label for="pq-message">Message</label>
      <textarea id="pq-message" required rows={2} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
      <label for="pq-signature">Signature (base64)</label>
      <textarea id="pq-signature" class="mono" rows={3} value={signature} onInput={(e) => setSignature(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" aria-busy={sign.busy} disabled={sign.busy}>Sign (post-quantum)</button>
        <button type="button" class="secondary" disabled={verify.busy || !signature.trim()}
          onClick={() => void verify.run(() => kms.postQuantumCryptoVerify({ KeyId: keyId, Message: textToBase64(message), SignatureValue: signature.trim() }))}>Verify (post-quantum)</button>
      </div>
      <ApiError error={sign.error ?? verify.error} />
      {verify.result ? <p role="status" class={verify.result.SignatureValid ? "valid" : "invalid"}>SignatureValid: {String(verify.result.SignatureValid)}</p> : null}
    </form>
  );
}
