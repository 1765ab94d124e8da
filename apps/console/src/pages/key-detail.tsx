/**
 * One key: its metadata (DescribeKey), rotation (days, last and next rotation; the API exposes no version list, so
 * versions are shown as the rotation history it has), the public key of an asymmetric key (GetPublicKey: copy,
 * download PEM), and every lifecycle action: enable/disable, schedule/cancel deletion, archive/cancel, rotation
 * on/off and rotate now, alias and description.
 */
import { useEffect, useState } from "preact/hooks";
import type { KeyMetadata, KmsResponse } from "@openkms/client";
import { useConsole } from "../context.js";
import { useCall } from "../components/use-call.js";
import { ApiError } from "../components/api-error.js";
import { downloadText, Output } from "../components/output.js";
import { formatTime } from "../encoding.js";

const isAsymmetric = (m: KeyMetadata) => m.KeyUsage !== "ENCRYPT_DECRYPT";

export function KeyDetailPage({ keyId }: { keyId: string }) {
  const { kms } = useConsole();
  const describe = useCall<KeyMetadata>();
  const [version, setVersion] = useState(0);
  // The last metadata read: kept while a refresh runs, so the sections (and their messages) stay in place.
  const [m, setMeta] = useState<KeyMetadata | undefined>(undefined);
  const refresh = () => setVersion((v) => v + 1);
  useEffect(() => {
    void describe.run(async () => (await kms.describeKey({ KeyId: keyId })).KeyMetadata).then((r) => r && setMeta(r));
  }, [keyId, version]);
  useEffect(() => setMeta(undefined), [keyId]);
  return (
    <>
      <p><a href="#/keys">← Keys</a></p>
      <h1>Key <span class="mono key-id">{keyId}</span></h1>
      <ApiError error={describe.error} />
      {m && m.KeyId === keyId ? (
        <>
          <Metadata m={m} />
          <Lifecycle m={m} onChanged={refresh} />
          <Names m={m} onChanged={refresh} />
          {isAsymmetric(m) ? <PublicKey keyId={m.KeyId} alias={m.Alias} /> : null}
        </>
      ) : describe.busy ? <p aria-busy="true">Loading…</p> : null}
    </>
  );
}

function Metadata({ m }: { m: KeyMetadata }) {
  const rows: [string, string][] = [
    ["KeyId", m.KeyId], ["Alias", m.Alias], ["Description", m.Description || "—"], ["KeyState", m.KeyState],
    ["KeyUsage", m.KeyUsage], ["Origin", m.Origin ?? "TENCENT_KMS"], ["Type", String(m.Type)], ["CreateTime", formatTime(m.CreateTime)],
    ["CreatorUin", String(m.CreatorUinString ?? m.CreatorUin)], ["ResourceId", m.ResourceId],
    ["Rotation", m.KeyRotationEnabled ? `on, every ${m.RotateDays ?? 365} days` : "off"],
    ["LastRotateTime", formatTime(m.LastRotateTime)], ["NextRotateTime", m.KeyRotationEnabled ? formatTime(m.NextRotateTime) : "—"],
  ];
  if (m.DeletionDate) rows.push(["DeletionDate", formatTime(m.DeletionDate)]);
  if (m.Origin === "EXTERNAL") rows.push(["ValidTo", m.ValidTo ? formatTime(m.ValidTo) : "never expires"]);
  return (
    <section aria-labelledby="meta-title">
      <h2 id="meta-title">Metadata</h2>
      <dl class="metadata">
        {rows.map(([k, v]) => (<><dt>{k}</dt><dd class={k === "KeyId" || k === "ResourceId" ? "mono" : undefined}>{v}</dd></>))}
      </dl>
    </section>
  );
}

function Lifecycle({ m, onChanged }: { m: KeyMetadata; onChanged: () => void }) {
  const { kms } = useConsole();
  const call = useCall<unknown>();
  const [days, setDays] = useState(7);
  const [rotateDays, setRotateDays] = useState(365);
  const [done, setDone] = useState("");
  const act = async (label: string, fn: () => Promise<unknown>) => {
    setDone("");
    const r = await call.run(fn);
    if (r !== undefined) {
      setDone(label);
      onChanged();
    }
  };
  const KeyId = m.KeyId;
  const s = m.KeyState;
  const symmetric = m.KeyUsage === "ENCRYPT_DECRYPT" && m.Origin !== "EXTERNAL";
  return (
    <section aria-labelledby="life-title">
      <h2 id="life-title">Lifecycle</h2>
      <div class="actions">
        {s === "Disabled" ? <button type="button" onClick={() => act("Enabled", () => kms.enableKey({ KeyId }))}>Enable key</button> : null}
        {s === "Enabled" ? <button type="button" class="secondary" onClick={() => act("Disabled", () => kms.disableKey({ KeyId }))}>Disable key</button> : null}
        {s === "Enabled" ? <button type="button" class="secondary" onClick={() => act("Archived", () => kms.archiveKey({ KeyId }))}>Archive key</button> : null}
        {s === "Archived" ? <button type="button" onClick={() => act("Archive cancelled", () => kms.cancelKeyArchive({ KeyId }))}>Cancel archive</button> : null}
        {s === "PendingDelete" ? <button type="button" onClick={() => act("Deletion cancelled", () => kms.cancelKeyDeletion({ KeyId }))}>Cancel deletion</button> : null}
      </div>
      {s === "Disabled" || s === "PendingImport" ? (
        <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void act("Deletion scheduled", () => kms.scheduleKeyDeletion({ KeyId, PendingWindowInDays: days })); }}>
          <label for="del-days">Pending window (days, 7–30)</label>
          <input id="del-days" type="number" min={7} max={30} required value={days} onInput={(e) => setDays(Number(e.currentTarget.value))} />
          <button type="submit" class="contrast">Schedule deletion</button>
        </form>
      ) : null}
      {symmetric && (s === "Enabled" || s === "Disabled") ? (
        <div class="rotation">
          <h3>Rotation</h3>
          {m.KeyRotationEnabled ? (
            <button type="button" class="secondary" onClick={() => act("Rotation off", () => kms.disableKeyRotation({ KeyId }))}>Turn rotation off</button>
          ) : (
            <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void act("Rotation on", () => kms.enableKeyRotation({ KeyId, RotateDays: rotateDays })); }}>
              <label for="rot-days">Rotate every (days, 7–365)</label>
              <input id="rot-days" type="number" min={7} max={365} required value={rotateDays} onInput={(e) => setRotateDays(Number(e.currentTarget.value))} />
              <button type="submit">Turn rotation on</button>
            </form>
          )}
          {s === "Enabled" ? <button type="button" class="secondary outline" onClick={() => act("Rotated", () => kms.rotateKey({ KeyId }))}>Rotate now</button> : null}
        </div>
      ) : null}
      <ApiError error={call.error} />
      {done ? <p role="status">{done}.</p> : null}
    </section>
  );
}

function Names({ m, onChanged }: { m: KeyMetadata; onChanged: () => void }) {
  const { kms } = useConsole();
  const [alias, setAlias] = useState(m.Alias);
  const [description, setDescription] = useState(m.Description);
  const call = useCall<unknown>();
  useEffect(() => {
    setAlias(m.Alias);
    setDescription(m.Description);
  }, [m.Alias, m.Description]);
  const save = async (e: Event) => {
    e.preventDefault();
    const r = await call.run(async () => {
      if (alias !== m.Alias) await kms.updateAlias({ KeyId: m.KeyId, Alias: alias });
      if (description !== m.Description) await kms.updateKeyDescription({ KeyId: m.KeyId, Description: description });
      return true;
    });
    if (r) onChanged();
  };
  return (
    <section aria-labelledby="names-title">
      <h2 id="names-title">Alias and description</h2>
      <form onSubmit={save}>
        <div class="grid">
          <div>
            <label for="n-alias">Alias</label>
            <input id="n-alias" required maxLength={60} value={alias} onInput={(e) => setAlias(e.currentTarget.value)} />
          </div>
          <div>
            <label for="n-description">Description</label>
            <input id="n-description" maxLength={1024} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </div>
        </div>
        <button type="submit" class="secondary" aria-busy={call.busy}>Save alias and description</button>
        <ApiError error={call.error} />
      </form>
    </section>
  );
}

function PublicKey({ keyId, alias }: { keyId: string; alias: string }) {
  const { kms } = useConsole();
  const get = useCall<KmsResponse<"GetPublicKey">>();
  useEffect(() => {
    void get.run(() => kms.getPublicKey({ KeyId: keyId }));
  }, [keyId]);
  return (
    <section aria-labelledby="pub-title">
      <h2 id="pub-title">Public key</h2>
      <ApiError error={get.error} />
      {get.result ? (
        <>
          <Output label="PublicKeyPem" name="public-key-pem" rows={10} value={get.result.PublicKeyPem} />
          <button type="button" class="outline" onClick={() => downloadText(`${alias || keyId}.pem`, get.result!.PublicKeyPem)}>Download PEM</button>
        </>
      ) : null}
    </section>
  );
}
