/** GenerateDataKey: a data key in plaintext (base64) and encrypted under a symmetric key. */
import { useState } from "preact/hooks";
import type { KmsResponse } from "@openkms/client";
import { useConsole } from "../../context.js";
import { useCall } from "../../components/use-call.js";
import { ApiError } from "../../components/api-error.js";
import { KeyPicker } from "../../components/key-picker.js";
import { Output } from "../../components/output.js";

export function DataKeyTool() {
  const { kms } = useConsole();
  const [keyId, setKeyId] = useState("");
  const [spec, setSpec] = useState<"AES_256" | "AES_128">("AES_256");
  const [ctx, setCtx] = useState("");
  const gen = useCall<KmsResponse<"GenerateDataKey">>();
  return (
    <article id="tool-data-key" aria-labelledby="tool-data-key-title">
      <h2 id="tool-data-key-title" tabIndex={-1}>GenerateDataKey</h2>
      <form aria-label="GenerateDataKey" onSubmit={(e) => {
        e.preventDefault();
        void gen.run(() => kms.generateDataKey({ KeyId: keyId, KeySpec: spec, ...(ctx.trim() ? { EncryptionContext: ctx.trim() } : {}) }));
      }}>
        <div class="grid">
          <div><KeyPicker id="dk-key" usages={["ENCRYPT_DECRYPT"]} value={keyId} onInput={setKeyId} /></div>
          <div>
            <label for="dk-spec">KeySpec</label>
            <select id="dk-spec" value={spec} onChange={(e) => setSpec(e.currentTarget.value as "AES_256" | "AES_128")}>
              <option value="AES_256">AES_256 (32 bytes)</option>
              <option value="AES_128">AES_128 (16 bytes)</option>
            </select>
          </div>
        </div>
        <label for="dk-context">EncryptionContext (optional JSON)</label>
        <input id="dk-context" class="mono" value={ctx} onInput={(e) => setCtx(e.currentTarget.value)} />
        <button type="submit" aria-busy={gen.busy} disabled={gen.busy}>Generate data key</button>
        <ApiError error={gen.error} />
        {gen.result ? (
          <>
            <Output label="Plaintext data key (base64)" name="dk-plaintext" value={gen.result.Plaintext} />
            <Output label="CiphertextBlob" name="dk-blob" value={gen.result.CiphertextBlob} />
          </>
        ) : null}
      </form>
    </article>
  );
}
