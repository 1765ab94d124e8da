/** Encrypt and Decrypt a text with a symmetric key, with an optional EncryptionContext (a JSON object of strings). */
import { useState } from "preact/hooks";
import type { KmsResponse } from "@openkms/client";
import { useConsole } from "../../context.js";
import { useCall } from "../../components/use-call.js";
import { ApiError } from "../../components/api-error.js";
import { KeyPicker } from "../../components/key-picker.js";
import { Output } from "../../components/output.js";
import { base64ToText, textToBase64 } from "../../encoding.js";

const context = (s: string) => (s.trim() ? { EncryptionContext: s.trim() } : {});

export function SymmetricTool() {
  const { kms } = useConsole();
  const [keyId, setKeyId] = useState("");
  const [plaintext, setPlaintext] = useState("");
  const [encContext, setEncContext] = useState("");
  const [blob, setBlob] = useState("");
  const [decContext, setDecContext] = useState("");
  const enc = useCall<KmsResponse<"Encrypt">>();
  const dec = useCall<KmsResponse<"Decrypt">>();
  const decrypted = dec.result ? base64ToText(dec.result.Plaintext) : undefined;
  return (
    <article id="tool-symmetric" aria-labelledby="tool-symmetric-title">
      <h2 id="tool-symmetric-title" tabIndex={-1}>Encrypt / Decrypt</h2>
      <div class="grid tool-grid">
        <form aria-label="Encrypt" onSubmit={async (e) => {
          e.preventDefault();
          const r = await enc.run(() => kms.encrypt({ KeyId: keyId, Plaintext: textToBase64(plaintext), ...context(encContext) }));
          if (r) {
            setBlob(r.CiphertextBlob);
            setDecContext(encContext);
          }
        }}>
          <h3>Encrypt</h3>
          <KeyPicker id="enc-key" usages={["ENCRYPT_DECRYPT"]} value={keyId} onInput={setKeyId} />
          <label for="enc-plaintext">Plaintext</label>
          <textarea id="enc-plaintext" required rows={3} value={plaintext} onInput={(e) => setPlaintext(e.currentTarget.value)} />
          <label for="enc-context">EncryptionContext (optional JSON, e.g. {'{"app":"billing"}'})</label>
          <input id="enc-context" class="mono" value={encContext} onInput={(e) => setEncContext(e.currentTarget.value)} />
          <button type="submit" aria-busy={enc.busy} disabled={enc.busy}>Encrypt</button>
          <ApiError error={enc.error} />
          {enc.result ? <Output label="CiphertextBlob" name="enc-blob" value={enc.result.CiphertextBlob} /> : null}
        </form>
        <form aria-label="Decrypt" onSubmit={(e) => {
          e.preventDefault();
          void dec.run(() => kms.decrypt({ CiphertextBlob: blob.trim(), ...context(decContext) }));
        }}>
          <h3>Decrypt</h3>
          <label for="dec-blob">CiphertextBlob</label>
          <textarea id="dec-blob" class="mono" required rows={3} value={blob} onInput={(e) => setBlob(e.currentTarget.value)} />
          <label for="dec-context">EncryptionContext (as when encrypting)</label>
          <input id="dec-context" class="mono" value={decContext} onInput={(e) => setDecContext(e.currentTarget.value)} />
          <button type="submit" aria-busy={dec.busy} disabled={dec.busy}>Decrypt</button>
          <ApiError error={dec.error} />
          {dec.result ? (
            <>
              <Output label={decrypted !== undefined ? "Plaintext" : "Plaintext (base64: not UTF-8 text)"} name="dec-plaintext" value={decrypted ?? dec.result.Plaintext} />
              <p><small>Decrypted with key <span class="mono">{dec.result.KeyId}</span></small></p>
            </>
          ) : null}
        </form>
      </div>
    </article>
  );
}
