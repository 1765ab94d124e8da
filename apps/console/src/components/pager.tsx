/** Offset/Limit paging: "1–10 of 23" with Previous/Next. */
export function Pager({ offset, limit, total, onPage, label }: { offset: number; limit: number; total: number; onPage: (offset: number) => void; label: string }) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <span aria-live="polite">{first}–{last} of {total}</span>
      <button type="button" class="secondary outline small" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>Previous</button>
      <button type="button" class="secondary outline small" disabled={offset + limit >= total} onClick={() => onPage(offset + limit)}>Next</button>
    </nav>
  );
}
