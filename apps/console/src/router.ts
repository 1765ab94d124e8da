/** Hash routes (`#/keys`, `#/keys/<KeyId>`, `#/tools`, `#/byok`, `#/audit`): the server only ever serves index.html. */
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { page: "keys" }
  | { page: "key"; keyId: string }
  | { page: "tools" }
  | { page: "byok" }
  | { page: "audit" };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  const key = /^\/keys\/([0-9a-fA-F-]{36})$/.exec(path);
  if (key) return { page: "key", keyId: key[1]! };
  if (path === "/tools") return { page: "tools" };
  if (path === "/byok") return { page: "byok" };
  if (path === "/audit") return { page: "audit" };
  return { page: "keys" };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

export const keyHref = (keyId: string) => `#/keys/${keyId}`;
