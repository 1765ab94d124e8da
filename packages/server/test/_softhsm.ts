/**
 * A SoftHSM2 token of the test's own: a temp token dir and config (`SOFTHSM2_CONF`, set in this process before the
 * PKCS#11 module is loaded), a token initialised with `softhsm2-util --init-token`, a PIN file. Nothing system-wide
 * is touched. Requires Debian's `softhsm2` (installed by .ci/run).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's SoftHSM2 module. */
export const SOFTHSM_MODULE = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"]
  .find((p) => existsSync(p)) ?? "/usr/lib/softhsm/libsofthsm2.so";

export interface SoftHsm {
  dir: string;
  /** Path of the token dir (remove its contents to "lose" the token). */
  tokenDir: string;
  conf: string;
  pinFile: string;
  /** The PKCS#11 URI of the root key `object` in token `label`. */
  uri(object?: string, pinFile?: string): string;
  /** Initialise one more token. */
  initToken(label: string, pin?: string): void;
  cleanup(): void;
}

export function createSoftHsm(label = "openkms-test", pin = "1234"): SoftHsm {
  const dir = mkdtempSync(join(tmpdir(), "openkms-softhsm-"));
  const tokenDir = join(dir, "tokens");
  mkdirSync(tokenDir);
  const conf = join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  const pinFile = join(dir, "pin");
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  const initToken = (l: string, p = pin) =>
    void execFileSync("softhsm2-util", ["--init-token", "--free", "--label", l, "--pin", p, "--so-pin", "87654321"], { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: "pipe" });
  initToken(label);
  return {
    dir, tokenDir, conf, pinFile, initToken,
    uri: (object = "openkms-root", pf = pinFile) => `pkcs11:token=${encodeURIComponent(label)};object=${encodeURIComponent(object)}?module-path=${SOFTHSM_MODULE}&pin-source=${pf}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
