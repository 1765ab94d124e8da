/**
 * The user guide cannot drift: every ```js and ```sh snippet of every page of docs/guide/ runs, in page order, against
 * a started `openkms serve` whose data dir is `.openkms` in the snippets' working directory (so the snippets' default
 * `.openkms/credentials.json` and the `openkms` commands' default data dir are the server's). JavaScript snippets run
 * as ES modules with node (from a directory inside this package, so `tencentcloud-sdk-nodejs-common`,
 * `@openkms/client` and `@openkms/envelope` resolve as they would in a user's project); shell snippets run with bash
 * `-euo pipefail`, `openkms` on the PATH. A snippet passes when it exits 0; each page also names lines its output must
 * show (the `# …` / `// …` results the page promises).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bin, killChildren, serve } from "./_serve.js";

const here = dirname(fileURLToPath(import.meta.url));
const guideDir = join(here, "../../../docs/guide");
const runRoot = join(here, "../.guide-run");
rmSync(runRoot, { recursive: true, force: true });
mkdirSync(join(runRoot, "bin"), { recursive: true });
writeFileSync(join(runRoot, "bin", "openkms"), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
chmodSync(join(runRoot, "bin", "openkms"), 0o755);
afterAll(() => {
  killChildren();
  rmSync(runRoot, { recursive: true, force: true });
});

interface Snippet { lang: "js" | "sh"; code: string; line: number }

/** The runnable code blocks of a page, in order. */
function snippets(markdown: string): Snippet[] {
  const out: Snippet[] = [];
  const re = /^```(js|sh)\n([\s\S]*?)^```$/gm;
  for (let m; (m = re.exec(markdown)); ) out.push({ lang: m[1] as "js" | "sh", code: m[2]!, line: markdown.slice(0, m.index).split("\n").length });
  return out;
}

/** Output each page must show, from the results its snippets promise in comments. */
const EXPECTED: Record<string, RegExp[]> = {
  "sensitive-data.md": [/^correct horse battery staple true$/m, /^api-token-of-tenant-42$/m, /^InvalidParameterValue\.InvalidCiphertext$/m],
  "envelope-encryption.md": [/^32$/m, /^true$/m, /^identical$/m],
  "asymmetric-decryption.md": [/^session key 0123456789abcdef$/m, /^SM2 protected$/m],
  "signatures.md": [/^Verified OK\nVerified OK$/m, /^SM2DSA true Verified OK$/m, /^RSA_PSS_SHA_256 true Verified OK$/m],
  "post-quantum.md": [/^long-lived secret$/m, /^3309$/m, /^true$/m],
  "byok.md": [/^Enabled EXTERNAL$/m, /^encrypted$/m],
  "throttling.md": [/^400 true$/m, /^400$/m],
  "access-control.md": [/^Encrypt allowed$/m, /^UnauthorizedOperation$/m, /^ok: \d+ records/m, /^Decrypt UnauthorizedOperation$/m],
};

const pages = readdirSync(guideDir).filter((f) => f.endsWith(".md")).sort();

describe("docs/guide", () => {
  it("has a page for every user flow, each with runnable snippets and promised output", () => {
    for (const page of Object.keys(EXPECTED)) expect(pages).toContain(page);
    for (const page of Object.keys(EXPECTED)) expect(snippets(readFileSync(join(guideDir, page), "utf8")).length).toBeGreaterThan(0);
  });

  it("README.md: the official-SDK example runs, ending with the data key actually used", async () => {
    const readme = readFileSync(join(guideDir, "../../README.md"), "utf8");
    const demo = snippets(readme).find((s) => s.lang === "js" && s.code.includes("GenerateDataKey"));
    expect(demo).toBeDefined();
    const work = join(runRoot, "readme");
    mkdirSync(work, { recursive: true });
    const s = await serve(["--data-dir", join(work, ".openkms"), "--log-level", "warn"]);
    try {
      writeFileSync(join(work, "demo.mjs"), demo!.code);
      const r = spawnSync(process.execPath, [join(work, "demo.mjs"), join(work, ".openkms", "credentials.json")], { cwd: work, encoding: "utf8", timeout: 120_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("s3cret\na large document\n");
    } finally {
      await s.stop();
    }
  }, 300_000);

  it("README.md: the HTTPS snippet runs as written against --tls auto (credentials.json's Protocol is what the SDK takes)", async () => {
    const readme = readFileSync(join(guideDir, "../../README.md"), "utf8");
    const demo = snippets(readme).find((s) => s.lang === "js" && s.code.includes("new Agent("));
    expect(demo).toBeDefined();
    const work = join(runRoot, "readme-tls");
    mkdirSync(work, { recursive: true });
    const s = await serve(["--data-dir", join(work, ".openkms"), "--tls", "auto", "--log-level", "warn"]);
    try {
      const creds = JSON.parse(readFileSync(join(work, ".openkms", "credentials.json"), "utf8"));
      expect(creds.Protocol).toBe("https://");
      writeFileSync(join(work, "tls-demo.mjs"), demo!.code);
      const r = spawnSync(process.execPath, [join(work, "tls-demo.mjs"), join(work, ".openkms", "credentials.json")], { cwd: work, encoding: "utf8", timeout: 120_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("https:// ap-guangzhou\n");
    } finally {
      await s.stop();
    }
  }, 300_000);

  for (const page of Object.keys(EXPECTED)) {
    it(`${page}: every snippet runs against a started server`, async () => {
      const work = join(runRoot, page.replace(/\.md$/, ""));
      mkdirSync(work, { recursive: true });
      const s = await serve(["--data-dir", join(work, ".openkms"), "--log-level", "warn"]);
      let output = "";
      try {
        for (const [i, snip] of snippets(readFileSync(join(guideDir, page), "utf8")).entries()) {
          const file = join(work, `snippet-${i + 1}.${snip.lang === "js" ? "mjs" : "sh"}`);
          writeFileSync(file, snip.code);
          const r = snip.lang === "js"
            ? spawnSync(process.execPath, [file], { cwd: work, encoding: "utf8", timeout: 180_000 })
            : spawnSync("bash", ["-euo", "pipefail", file], { cwd: work, encoding: "utf8", timeout: 180_000, env: { ...process.env, PATH: `${join(runRoot, "bin")}:${process.env.PATH}` } });
          if (r.status !== 0) throw new Error(`${page} snippet ${i + 1} (line ${snip.line}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
          output += r.stdout;
        }
      } finally {
        await s.stop();
      }
      for (const want of EXPECTED[page]!) expect(output).toMatch(want);
    }, 600_000);
  }
});
