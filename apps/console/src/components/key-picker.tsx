/**
 * A KeyId field with suggestions: the account's keys of the given usages (ListKeyDetail, any state, up to 200),
 * offered through a datalist; any KeyId may be typed. `onKey` also hears the picked key's metadata when known.
 */
import { useEffect, useState } from "preact/hooks";
import type { KeyMetadata } from "@openkms/client";
import { useConsole } from "../context.js";

export function KeyPicker({ id, usages, value, onInput, label = "KeyId" }: {
  id: string;
  usages: string[];
  value: string;
  onInput: (keyId: string, meta: KeyMetadata | undefined) => void;
  label?: string;
}) {
  const { kms } = useConsole();
  const [keys, setKeys] = useState<KeyMetadata[]>([]);
  useEffect(() => {
    let live = true;
    void Promise.all(usages.map((u) => kms.listKeyDetail({ KeyUsage: u as never, Limit: 200 }).catch(() => undefined))).then((rs) => {
      if (live) setKeys(rs.flatMap((r) => r?.KeyMetadatas ?? []));
    });
    return () => {
      live = false;
    };
  }, [usages.join(",")]);
  const listId = `${id}-keys`;
  return (
    <>
      <label for={id}>{label}</label>
      <input
        id={id}
        class="mono"
        list={listId}
        required
        spellcheck={false}
        autoComplete="off"
        placeholder="Choose or paste a KeyId"
        value={value}
        onInput={(e) => {
          const v = e.currentTarget.value.trim();
          onInput(v, keys.find((k) => k.KeyId === v));
        }}
      />
      <datalist id={listId}>
        {keys.map((k) => <option value={k.KeyId}>{`${k.Alias} · ${k.KeyUsage} · ${k.KeyState}`}</option>)}
      </datalist>
    </>
  );
}
