/**
 * Real Chromium for tests: the Debian `chromium` (`/usr/bin/chromium`, or `$OPENKMS_CHROMIUM`) driven by
 * playwright-core (never a downloaded browser), pages served by a throw-away static HTTP server on 127.0.0.1.
 */
import { createServer, type Server } from "node:http";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.OPENKMS_CHROMIUM ?? "/usr/bin/chromium";

/** Launches headless Chromium. @throws Error naming the path when the executable is missing */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set OPENKMS_CHROMIUM)`);
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

export interface StaticFile {
  type: string;
  body: string | Uint8Array;
}

/** Serves `lookup(pathname)` (404 when undefined) on a free port of 127.0.0.1. */
export async function serveStatic(lookup: (pathname: string) => Promise<StaticFile | undefined>): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://x");
    lookup(decodeURIComponent(pathname)).then(
      (file) => {
        if (!file) {
          res.writeHead(404).end("not found");
          return;
        }
        res.writeHead(200, { "Content-Type": file.type, "Cache-Control": "no-store" }).end(file.body);
      },
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
