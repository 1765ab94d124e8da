/** A read-only result with a visible label and a Copy button (clipboard, or selection where it is unavailable). */
import { useRef, useState } from "preact/hooks";

export function Output({ label, value, name, rows = 3 }: { label: string; value: string; name: string; rows?: number }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      ref.current?.select();
    }
  };
  const id = `out-${name}`;
  return (
    <div class="output">
      <label for={id}>{label}</label>
      <textarea id={id} name={name} ref={ref} readOnly rows={rows} value={value} class="mono" />
      <button type="button" class="secondary outline small" onClick={copy}>{copied ? "Copied" : `Copy ${label}`}</button>
    </div>
  );
}

/** Offer `text` as a file download (PEM, wrapped material…). */
export function downloadText(filename: string, text: string, type = "application/x-pem-file"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
