/**
 * `openkms audit query | head -1`: the reader closes the pipe early; the command ends quietly (exit 0, nothing on
 * stderr), as Unix tools do — not with an unhandled EPIPE.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { openDataDir } from "@openkms/server";

const bin = join(dirname(fileURLToPath(import.meta.url)), "../dist/openkms.js");
const scratch = mkdtempSync(join(tmpdir(), "openkms-pipe-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("audit query piped into head -1 ends quietly", async () => {
  const dataDir = join(scratch, "data");
  const dir = await openDataDir({ dataDir, create: true, nowSeconds: Math.floor(Date.now() / 1000) });
  // Far more output than a pipe buffer holds, so the writer meets the closed pipe.
  await Promise.all(Array.from({ length: 3000 }, (_, i) => dir.audit.append({
    time: Date.now(), requestId: randomUUID(), action: "Encrypt", secretId: "AKIDpipe", uin: "100000000001", ownerUin: "100000000001",
    sourceAddress: "127.0.0.1", keyIds: [], code: "Success", latencyMs: i,
  })));
  await dir.close();
  const r = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" "${bin}" audit query --data-dir "${dataDir}" --limit 3000 | head -1`], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).action).toBe("Encrypt");
});
