/**
 * BYOK: import your own key material into an EXTERNAL key. GetParametersForImport gives an RSA-2048 wrapping public
 * key and an ImportToken (valid 24 h); the page shows the exact `openssl` commands that make the material and wrap it
 * to that key; the wrapped file is uploaded and sent with ImportKeyMaterial. The material never passes through here
 * unwrapped.
 */
import { useState } from "preact/hooks";
import type { KmsRequest, KmsResponse } from "@openkms/client";
import { useConsole } from "../context.js";
import { useCall } from "../components/use-call.js";
import { ApiError } from "../components/api-error.js";
import { KeyPicker } from "../components/key-picker.js";
import { Output } from "../components/output.js";
import { bytesToBase64, derBase64ToPem, formatTime } from "../encoding.js";
import { keyHref } from "../router.js";

type WrappingAlgorithm = KmsRequest<"GetParametersForImport">["WrappingAlgorithm"];

/** `openssl pkeyutl` options per WrappingAlgorithm (OAEP: MGF1 with the same hash, as the server expects). */
const PKEYUTL_OPTIONS: Record<WrappingAlgorithm, string> = {
  RSAES_OAEP_SHA_256: "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
  RSAES_OAEP_SHA_1: "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1",
  RSAES_PKCS1_V1_5: "-pkeyopt rsa_padding_mode:pkcs1",
};

/** The shell commands that write the wrapping key, make `bytes` of material and wrap it to `material.enc`. */
export function wrapCommands(publicKeyDerBase64: string, algorithm: WrappingAlgorithm, bytes: number): string {
  return [
    "cat > wrapping-key.pem <<'EOF'",
    derBase64ToPem(publicKeyDerBase64, "PUBLIC KEY").trimEnd(),
    "EOF",
    `openssl rand -out material.bin ${bytes}`,
    `openssl pkeyutl -encrypt -pubin -inkey wrapping-key.pem -in material.bin -out material.enc ${PKEYUTL_OPTIONS[algorithm]}`,
    "",
  ].join("\n");
}

export function ByokPage() {
  const { kms, algorithms } = useConsole();
  // The symmetric CMK's material: 16 bytes for SM4 (sm edition), 32 for AES-256 (fips edition).
  const materialBytes = algorithms.SymmetricAlgorithms[0]?.Algorithm === "SM4" ? 16 : 32;
  const [keyId, setKeyId] = useState("");
  const [algorithm, setAlgorithm] = useState<WrappingAlgorithm>("RSAES_OAEP_SHA_256");
  const [file, setFile] = useState<File | undefined>(undefined);
  const [validTo, setValidTo] = useState("");
  const params = useCall<KmsResponse<"GetParametersForImport">>();
  const imported = useCall<KmsResponse<"ImportKeyMaterial">>();
  const p = params.result;
  return (
    <>
      <h1>BYOK: import key material</h1>
      <p>
        Create a key with <em>External key material</em> on the Keys page (it waits in <code>PendingImport</code>), then
        follow the steps. The material is {materialBytes} bytes ({algorithms.SymmetricAlgorithms[0]?.Algorithm}).
      </p>
      <section aria-labelledby="byok-1">
        <h2 id="byok-1">1. Get the wrapping key</h2>
        <form onSubmit={(e) => {
          e.preventDefault();
          imported.reset();
          void params.run(() => kms.getParametersForImport({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: "RSA_2048" }));
        }}>
          <div class="grid">
            <div><KeyPicker id="byok-key" usages={["ENCRYPT_DECRYPT"]} value={keyId} onInput={setKeyId} /></div>
            <div>
              <label for="byok-alg">WrappingAlgorithm</label>
              <select id="byok-alg" value={algorithm} onChange={(e) => setAlgorithm(e.currentTarget.value as WrappingAlgorithm)}>
                <option value="RSAES_OAEP_SHA_256">RSAES_OAEP_SHA_256</option>
                <option value="RSAES_OAEP_SHA_1">RSAES_OAEP_SHA_1</option>
                <option value="RSAES_PKCS1_V1_5">RSAES_PKCS1_V1_5</option>
              </select>
            </div>
          </div>
          <button type="submit" aria-busy={params.busy} disabled={params.busy}>GetParametersForImport</button>
          <ApiError error={params.error} />
        </form>
      </section>
      {p ? (
        <>
          <section aria-labelledby="byok-2">
            <h2 id="byok-2">2. Wrap your material</h2>
            <p>Valid until {formatTime(p.ParametersValidTo)}. Run these commands where your material is made (OpenSSL 3):</p>
            <Output label="Commands" name="byok-commands" rows={14} value={wrapCommands(p.PublicKey, algorithm, materialBytes)} />
            <p><small>To import material you already hold, replace <code>material.bin</code> by your {materialBytes}-byte file.</small></p>
          </section>
          <section aria-labelledby="byok-3">
            <h2 id="byok-3">3. Upload and import</h2>
            <form onSubmit={(e) => {
              e.preventDefault();
              void imported.run(async () => {
                if (!file) throw new TypeError("choose the wrapped file (material.enc)");
                const EncryptedKeyMaterial = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
                const until = validTo ? Math.floor(new Date(validTo).getTime() / 1000) : 0;
                return kms.importKeyMaterial({ KeyId: p.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial, ...(until ? { ValidTo: until } : {}) });
              });
            }}>
              <label for="byok-file">Wrapped material (material.enc)</label>
              <input id="byok-file" type="file" required onChange={(e) => setFile(e.currentTarget.files?.[0])} />
              <label for="byok-valid-to">Material expires (optional; empty = never)</label>
              <input id="byok-valid-to" type="datetime-local" value={validTo} onInput={(e) => setValidTo(e.currentTarget.value)} />
              <button type="submit" aria-busy={imported.busy} disabled={imported.busy}>ImportKeyMaterial</button>
              <ApiError error={imported.error} />
              {imported.result ? <p role="status" class="valid">Imported: key <a class="mono" href={keyHref(p.KeyId)}>{p.KeyId}</a> is now usable.</p> : null}
            </form>
          </section>
        </>
      ) : null}
    </>
  );
}
