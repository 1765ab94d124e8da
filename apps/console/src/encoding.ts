/** Encodings at the edge of the page: UTF-8 text and bytes ↔ standard base64 (RFC 4648, padded), DER ↔ PEM. */

export function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** @throws TypeError when `b64` is not base64 */
export function base64ToBytes(b64: string): Uint8Array {
  let s: string;
  try {
    s = atob(b64.replace(/\s+/g, ""));
  } catch {
    throw new TypeError("not valid base64");
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export const textToBase64 = (text: string) => bytesToBase64(new TextEncoder().encode(text));

/** The UTF-8 text of base64 bytes, or undefined when they are not valid UTF-8. */
export function base64ToText(b64: string): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(base64ToBytes(b64));
  } catch {
    return undefined;
  }
}

/** PEM of base64 DER, 64 characters a line (RFC 7468). */
export function derBase64ToPem(b64: string, label: string): string {
  const lines = b64.replace(/\s+/g, "").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Unix seconds as a local date and time (`—` for 0 or absent). */
export function formatTime(unixSeconds: number | undefined): string {
  if (!unixSeconds) return "—";
  return new Date(unixSeconds * 1000).toLocaleString(undefined, { hour12: false });
}
