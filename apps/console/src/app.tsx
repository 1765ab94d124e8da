/**
 * The console shell: sign-in until a credential is in sessionStorage, then the navigation and the current page.
 * Signing in checks the credential with ListAlgorithms (which also says what the server offers); a refusal shows the
 * API's code (`AuthFailure.SignatureFailure`, `AuthFailure.SecretIdNotFound`) and nothing is stored.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { createKms } from "./api.js";
import { Ctx, type Algorithms } from "./context.js";
import { useCall } from "./components/use-call.js";
import { ApiError } from "./components/api-error.js";
import { clearCredential, loadCredential, saveCredential, type Credential } from "./session.js";
import { useRoute, type Route } from "./router.js";
import { KeysPage } from "./pages/keys.js";
import { KeyDetailPage } from "./pages/key-detail.js";
import { ToolsPage } from "./pages/tools.js";
import { ByokPage } from "./pages/byok.js";
import { AuditPage } from "./pages/audit.js";

export function App() {
  const [cred, setCred] = useState<Credential | undefined>(loadCredential);
  const [algorithms, setAlgorithms] = useState<Algorithms | undefined>(undefined);
  const kms = useMemo(() => (cred ? createKms(cred) : undefined), [cred]);
  const restore = useCall<Algorithms>();

  // A page reloaded with a stored credential: fetch what the server offers again (a stale credential → sign-in).
  useEffect(() => {
    if (kms && !algorithms) {
      void restore.run(() => kms.listAlgorithms()).then((a) => {
        if (a) setAlgorithms(a);
        else {
          clearCredential();
          setCred(undefined);
        }
      });
    }
  }, [kms]);

  const signOut = () => {
    clearCredential();
    setAlgorithms(undefined);
    setCred(undefined);
    location.hash = "";
  };

  if (!cred || !kms) {
    return (
      <SignIn
        onSignedIn={(c, a) => {
          saveCredential(c);
          setAlgorithms(a);
          setCred(c);
          location.hash = "#/keys";
        }}
      />
    );
  }
  if (!algorithms) return <main class="container"><p aria-busy="true">Loading…</p></main>;
  return (
    <Ctx.Provider value={{ kms, algorithms, secretId: cred.secretId }}>
      <Shell onSignOut={signOut} secretId={cred.secretId} />
    </Ctx.Provider>
  );
}

function Shell({ onSignOut, secretId }: { onSignOut: () => void; secretId: string }) {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    document.title = `${title(route)} · OpenKMS console`;
  }, [route]);
  const current = route.page === "key" ? "keys" : route.page;
  const link = (page: string, label: string) => (
    <li><a href={`#/${page}`} aria-current={current === page ? "page" : undefined}>{label}</a></li>
  );
  return (
    <>
      <a href="#main" class="skip-link" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
      <header class="container">
        <nav aria-label="Main">
          <ul><li><strong>OpenKMS</strong></li></ul>
          <ul class="nav-links">
            {link("keys", "Keys")}
            {link("tools", "Tools")}
            {link("byok", "BYOK")}
            {link("audit", "Audit")}
            <li><button type="button" class="secondary outline small" onClick={onSignOut} title={`Signed in as ${secretId}`}>Sign out</button></li>
          </ul>
        </nav>
      </header>
      <main class="container" id="main" tabIndex={-1} ref={main}>
        <Page route={route} />
      </main>
    </>
  );
}

function title(route: Route): string {
  return { keys: "Keys", key: "Key", tools: "Tools", byok: "BYOK", audit: "Audit" }[route.page];
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "keys":
      return <KeysPage />;
    case "key":
      return <KeyDetailPage keyId={route.keyId} />;
    case "tools":
      return <ToolsPage />;
    case "byok":
      return <ByokPage />;
    case "audit":
      return <AuditPage />;
  }
}

function SignIn({ onSignedIn }: { onSignedIn: (c: Credential, a: Algorithms) => void }) {
  const [secretId, setSecretId] = useState("");
  const [secretKey, setSecretKey] = useState("");
  const call = useCall<Algorithms>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const c = { secretId: secretId.trim(), secretKey: secretKey.trim() };
    const a = await call.run(() => createKms(c).listAlgorithms());
    if (a) onSignedIn(c, a);
  };
  return (
    <main class="container sign-in">
      <article>
        <header><h1>OpenKMS console</h1></header>
        <form onSubmit={submit}>
          <label for="secret-id">SecretId</label>
          <input id="secret-id" name="secretId" autoComplete="username" required value={secretId} onInput={(e) => setSecretId(e.currentTarget.value)} spellcheck={false} />
          <label for="secret-key">SecretKey</label>
          <input id="secret-key" name="secretKey" type="password" autoComplete="current-password" required value={secretKey} onInput={(e) => setSecretKey(e.currentTarget.value)} />
          <button type="submit" aria-busy={call.busy} disabled={call.busy}>Sign in</button>
          <ApiError error={call.error} />
        </form>
        <footer>
          <small>
            The credential stays in this tab (sessionStorage) and signs each request here; the server keeps no session.
            Use an access key from <code>credentials.json</code> or <code>openkms admin create-access-key</code>.
          </small>
        </footer>
      </article>
    </main>
  );
}
