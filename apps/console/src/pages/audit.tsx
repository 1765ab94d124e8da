/**
 * Audit: the account's audit records through OpenKMS.ListAuditRecords, newest first, filtered by time (local date and
 * time → Unix seconds), action, KeyId and result, with paging.
 */
import { useEffect, useState } from "preact/hooks";
import type { AuditRecord, KmsRequest, KmsResponse } from "@openkms/client";
import { useConsole } from "../context.js";
import { useCall } from "../components/use-call.js";
import { ApiError } from "../components/api-error.js";
import { Pager } from "../components/pager.js";
import { keyHref } from "../router.js";

type Query = KmsRequest<"OpenKMS.ListAuditRecords">;
const LIMIT = 20;

/** `datetime-local` value → Unix seconds (undefined when empty). */
const toUnix = (v: string) => (v ? Math.floor(new Date(v).getTime() / 1000) : undefined);

export function AuditPage() {
  const { kms } = useConsole();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [action, setAction] = useState("");
  const [keyId, setKeyId] = useState("");
  const [result, setResult] = useState("");
  const [query, setQuery] = useState<Query>({});
  const [offset, setOffset] = useState(0);
  const list = useCall<KmsResponse<"OpenKMS.ListAuditRecords">>();
  useEffect(() => {
    void list.run(() => kms.openkmsListAuditRecords({ ...query, Offset: offset, Limit: LIMIT }));
  }, [query, offset]);
  const apply = (e: Event) => {
    e.preventDefault();
    const q: Query = {};
    const start = toUnix(from);
    const end = toUnix(to);
    if (start !== undefined) q.StartTime = start;
    if (end !== undefined) q.EndTime = end;
    if (action.trim()) q.Action = action.trim();
    if (keyId.trim()) q.KeyId = keyId.trim();
    if (result.trim()) q.Result = result.trim();
    setOffset(0);
    setQuery(q);
  };
  const records = list.result?.Records ?? [];
  return (
    <>
      <h1>Audit</h1>
      <p>Every request on your account's keys, as the audit log recorded it (never a body or a secret).</p>
      <form class="filters" onSubmit={apply} aria-label="Audit filters">
        <div>
          <label for="a-from">From</label>
          <input id="a-from" type="datetime-local" step={1} value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div>
          <label for="a-to">To</label>
          <input id="a-to" type="datetime-local" step={1} value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
        <div>
          <label for="a-action">Action</label>
          <input id="a-action" list="a-actions" placeholder="Encrypt" value={action} onInput={(e) => setAction(e.currentTarget.value)} />
          <datalist id="a-actions">
            {["CreateKey", "Encrypt", "Decrypt", "GenerateDataKey", "DisableKey", "EnableKey", "ScheduleKeyDeletion", "ImportKeyMaterial", "SignByAsymmetricKey", "OpenKMS.ListAuditRecords"].map((a) => <option value={a} />)}
          </datalist>
        </div>
        <div>
          <label for="a-key">KeyId</label>
          <input id="a-key" class="mono" spellcheck={false} value={keyId} onInput={(e) => setKeyId(e.currentTarget.value)} />
        </div>
        <div>
          <label for="a-result">Result</label>
          <input id="a-result" list="a-results" placeholder="Success, Error, a code" value={result} onInput={(e) => setResult(e.currentTarget.value)} />
          <datalist id="a-results">
            {["Success", "Error", "Started", "AuthFailure", "UnauthorizedOperation", "ResourceUnavailable", "InvalidParameter"].map((a) => <option value={a} />)}
          </datalist>
        </div>
        <div class="filter-submit">
          <button type="submit">Show records</button>
        </div>
      </form>
      <ApiError error={list.error} />
      <div class="table-wrap" aria-busy={list.busy}>
        <table class="cards audit-table">
          <caption class="visually-hidden">Audit records, newest first</caption>
          <thead>
            <tr><th scope="col">Time</th><th scope="col">Action</th><th scope="col">Result</th><th scope="col">KeyIds</th><th scope="col">SecretId</th><th scope="col">Source</th><th scope="col">ms</th><th scope="col">RequestId</th></tr>
          </thead>
          <tbody>
            {records.map((r) => <Row r={r} />)}
            {list.result && records.length === 0 ? <tr><td colSpan={8}>No records match.</td></tr> : null}
          </tbody>
        </table>
      </div>
      {list.result ? <Pager label="Audit records" offset={offset} limit={LIMIT} total={list.result.TotalCount} onPage={setOffset} /> : null}
    </>
  );
}

function Row({ r }: { r: AuditRecord }) {
  return (
    <tr>
      <td data-label="Time">{new Date(r.TimeMs).toLocaleString(undefined, { hour12: false })}</td>
      <td data-label="Action">{r.Action}</td>
      <td data-label="Result"><span class={r.Code === "Success" ? "code-ok" : r.Code === "Started" ? "code-started" : "code-error"}>{r.Code}</span></td>
      <td data-label="KeyIds">{r.KeyIds.map((k) => <a class="mono key-id" href={keyHref(k)}>{k}</a>)}</td>
      <td data-label="SecretId" class="mono">{r.SecretId}</td>
      <td data-label="Source">{r.SourceAddress}</td>
      <td data-label="ms">{r.LatencyMs}</td>
      <td data-label="RequestId" class="mono small">{r.RequestId}</td>
    </tr>
  );
}
