/**
 * The signed-in credential, kept in `sessionStorage` only (gone when the tab closes; never in localStorage, a cookie
 * or the server: every request is signed in the page).
 */
export interface Credential {
  secretId: string;
  secretKey: string;
}

const KEY = "openkms.console.credential";

export function loadCredential(): Credential | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const c = JSON.parse(raw) as Partial<Credential>;
    return typeof c.secretId === "string" && typeof c.secretKey === "string" ? { secretId: c.secretId, secretKey: c.secretKey } : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredential(c: Credential): void {
  sessionStorage.setItem(KEY, JSON.stringify(c));
}

export function clearCredential(): void {
  sessionStorage.removeItem(KEY);
}
