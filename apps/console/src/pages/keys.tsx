/**
 * Keys: the ListKeyDetail table (search, state, usage, origin, order, page size; Offset/Limit paging) with each KeyId
 * in full, linking to its detail page (where the lifecycle actions are), and the form to create a key of any usage
 * the server offers (ListAlgorithms), from KMS or external (BYOK) material.
 */
import { useEffect, useState } from "preact/hooks";
import type { KeyMetadata, KmsRequest, KmsResponse } from "@openkms/client";
import { useConsole, offeredUsages } from "../context.js";
import { useCall } from "../components/use-call.js";
import { ApiError } from "../components/api-error.js";
import { Pager } from "../components/pager.js";
import { keyHref } from "../router.js";
import { formatTime } from "../encoding.js";

type ListRequest = KmsRequest<"ListKeyDetail">;
type Filters = Required<Pick<ListRequest, "SearchKeyAlias" | "KeyState" | "KeyUsage" | "Origin" | "OrderType" | "Limit">>;

const STATES: [number, string][] = [[0, "Any state"], [1, "Enabled"], [2, "Disabled"], [3, "PendingDelete"], [4, "PendingImport"], [5, "Archived"]];

export function KeysPage() {
  const { kms, algorithms } = useConsole();
  const [filters, setFilters] = useState<Filters>({ SearchKeyAlias: "", KeyState: 0, KeyUsage: "ALL", Origin: "ALL", OrderType: 0, Limit: 10 });
  const [offset, setOffset] = useState(0);
  const [reload, setReload] = useState(0);
  const list = useCall<KmsResponse<"ListKeyDetail">>();

  useEffect(() => {
    void list.run(() => kms.listKeyDetail({ ...filters, Offset: offset }));
  }, [filters, offset, reload]);

  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => {
    setOffset(0);
    setFilters((f) => ({ ...f, [k]: v }));
  };
  const keys = list.result?.KeyMetadatas ?? [];
  const usages = offeredUsages(algorithms);

  return (
    <>
      <h1>Keys</h1>
      <CreateKey usages={usages} onCreated={() => { setOffset(0); setReload((n) => n + 1); }} />
      <section aria-labelledby="key-list-title">
        <h2 id="key-list-title">Your keys</h2>
        <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Key filters">
          <div>
            <label for="f-search">Search KeyId or alias</label>
            <input id="f-search" type="search" value={filters.SearchKeyAlias} onChange={(e) => set("SearchKeyAlias", e.currentTarget.value)} />
          </div>
          <div>
            <label for="f-state">State</label>
            <select id="f-state" value={String(filters.KeyState)} onChange={(e) => set("KeyState", Number(e.currentTarget.value) as Filters["KeyState"])}>
              {STATES.map(([v, l]) => <option value={String(v)}>{l}</option>)}
            </select>
          </div>
          <div>
            <label for="f-usage">Key usage</label>
            <select id="f-usage" value={filters.KeyUsage} onChange={(e) => set("KeyUsage", e.currentTarget.value as Filters["KeyUsage"])}>
              <option value="ALL">Any usage</option>
              {usages.map((u) => <option value={u}>{u}</option>)}
            </select>
          </div>
          <div>
            <label for="f-origin">Origin</label>
            <select id="f-origin" value={filters.Origin} onChange={(e) => set("Origin", e.currentTarget.value as Filters["Origin"])}>
              <option value="ALL">Any origin</option>
              <option value="TENCENT_KMS">KMS-generated</option>
              <option value="EXTERNAL">External (BYOK)</option>
            </select>
          </div>
          <div>
            <label for="f-order">Order</label>
            <select id="f-order" value={String(filters.OrderType)} onChange={(e) => set("OrderType", Number(e.currentTarget.value) as 0 | 1)}>
              <option value="0">Newest first</option>
              <option value="1">Oldest first</option>
            </select>
          </div>
          <div>
            <label for="f-limit">Per page</label>
            <select id="f-limit" value={String(filters.Limit)} onChange={(e) => set("Limit", Number(e.currentTarget.value))}>
              {[10, 20, 50, 100].map((n) => <option value={String(n)}>{n}</option>)}
            </select>
          </div>
        </form>
        <ApiError error={list.error} />
        <div class="table-wrap" aria-busy={list.busy}>
          <table class="cards" aria-describedby="key-list-title">
            <thead>
              <tr><th scope="col">KeyId</th><th scope="col">Alias</th><th scope="col">Usage</th><th scope="col">State</th><th scope="col">Origin</th><th scope="col">Created</th></tr>
            </thead>
            <tbody>
              {keys.map((k) => <KeyRow k={k} />)}
              {list.result && keys.length === 0 ? <tr><td colSpan={6}>No keys match.</td></tr> : null}
            </tbody>
          </table>
        </div>
        {list.result ? <Pager label="Key list" offset={offset} limit={filters.Limit} total={list.result.TotalCount} onPage={setOffset} /> : null}
      </section>
    </>
  );
}

function KeyRow({ k }: { k: KeyMetadata }) {
  return (
    <tr>
      <td data-label="KeyId"><a class="mono key-id" href={keyHref(k.KeyId)}>{k.KeyId}</a></td>
      <td data-label="Alias">{k.Alias}</td>
      <td data-label="Usage"><small>{k.KeyUsage}</small></td>
      <td data-label="State"><span class={`state state-${k.KeyState}`}>{k.KeyState}</span></td>
      <td data-label="Origin">{k.Origin === "EXTERNAL" ? "External" : "KMS"}</td>
      <td data-label="Created">{formatTime(k.CreateTime)}</td>
    </tr>
  );
}

function CreateKey({ usages, onCreated }: { usages: string[]; onCreated: () => void }) {
  const { kms } = useConsole();
  const [alias, setAlias] = useState("");
  const [description, setDescription] = useState("");
  const [usage, setUsage] = useState(usages[0] ?? "ENCRYPT_DECRYPT");
  const [external, setExternal] = useState(false);
  const create = useCall<KmsResponse<"CreateKey">>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await create.run(() =>
      kms.createKey({
        Alias: alias.trim(),
        ...(description.trim() ? { Description: description.trim() } : {}),
        KeyUsage: usage as KmsRequest<"CreateKey">["KeyUsage"],
        ...(external ? { Type: 2 as const } : {}),
      }),
    );
    if (r) {
      setAlias("");
      setDescription("");
      onCreated();
    }
  };
  return (
    <details class="create-key">
      <summary role="button" class="outline">Create a key</summary>
      <form onSubmit={submit} aria-label="New key">
        <div class="grid">
          <div>
            <label for="c-alias">Alias</label>
            <input id="c-alias" required maxLength={60} pattern="[A-Za-z0-9][A-Za-z0-9_\-]*" value={alias} onInput={(e) => setAlias(e.currentTarget.value)} aria-describedby="c-alias-help" />
            <small id="c-alias-help">1–60 letters, digits, <code>_</code> or <code>-</code>, starting with a letter or digit; unique in your account.</small>
          </div>
          <div>
            <label for="c-usage">Key usage</label>
            <select id="c-usage" value={usage} onChange={(e) => { setUsage(e.currentTarget.value); if (e.currentTarget.value !== "ENCRYPT_DECRYPT") setExternal(false); }}>
              {usages.map((u) => <option value={u}>{u}</option>)}
            </select>
          </div>
        </div>
        <label for="c-description">Description</label>
        <input id="c-description" maxLength={1024} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        <label>
          <input type="checkbox" role="switch" checked={external} disabled={usage !== "ENCRYPT_DECRYPT"} onChange={(e) => setExternal(e.currentTarget.checked)} />
          External key material (BYOK: import it on the BYOK page)
        </label>
        <button type="submit" aria-busy={create.busy} disabled={create.busy}>Create key</button>
        <ApiError error={create.error} />
        {create.result ? (
          <p role="status" class="created">
            Created <a class="mono" href={keyHref(create.result.KeyId)}>{create.result.KeyId}</a> ({create.result.KeyState})
          </p>
        ) : null}
      </form>
    </details>
  );
}
