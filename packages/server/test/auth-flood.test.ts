/**
 * Unauthenticated floods: an address that keeps failing authentication is throttled before any signature work
 * (`RequestLimitExceeded`, also for its correctly signed requests until its bucket grows back), and the audit log
 * records the refusals in bounded space — one record for the first refusal of each interval, one summary record with
 * the count for the rest. 3,000 bad requests used to add 3.5 MB to audit.db.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteAuditLog } from "../src/audit/log.js";
import { verifyAuditLog } from "../src/audit/verify.js";
import { DEFAULT_AUTH_FAILURE_LIMITS } from "../src/limits/auth-failures.js";
import { tc3Signature, utcDate } from "../src/protocol/tc3.js";
import { loadRootKey } from "../src/root-key.js";
import { ManualClock, startServer, type Running } from "./_harness.js";

let kms: Running;
const clock = new ManualClock();
beforeAll(async () => {
  kms = await startServer({ clock });
});
afterAll(async () => kms.stop());

function headers(secretKey: string, action = "GetRegions", body = "{}"): Record<string, string> {
  const timestamp = Math.floor(clock.nowMs() / 1000);
  const host = `127.0.0.1:${kms.port}`;
  const signature = tc3Signature({
    method: "POST", canonicalQuery: "", headers: [["content-type", "application/json"], ["host", host]],
    payloadHash: createHash("sha256").update(body).digest("hex"), timestamp, date: utcDate(timestamp), service: "kms", secretKey,
  });
  return {
    "Content-Type": "application/json", "X-TC-Action": action, "X-TC-Version": "2019-01-18", "X-TC-Timestamp": String(timestamp),
    Authorization: `TC3-HMAC-SHA256 Credential=${kms.server.credential.secretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
  };
}

async function post(h: Record<string, string>): Promise<string> {
  const res = await fetch(`${kms.url}/`, { method: "POST", headers: h, body: "{}" });
  const r = (await res.json()).Response;
  return r.Error?.Code ?? "Success";
}

const auditBytes = () => ["audit.db", "audit.db-wal"].reduce((n, f) => n + (statSync(join(kms.dataDir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
function auditRecords(): { n: number; requests: number } {
  const db = new Database(join(kms.dataDir, "audit.db"), { readonly: true });
  try {
    return db.prepare("SELECT count(*) AS n, coalesce(sum(count), 0) AS requests FROM audit_log").get() as { n: number; requests: number };
  } finally {
    db.close();
  }
}

describe("an address that keeps failing authentication", () => {
  it("is throttled after its burst, its refusals recorded in bounded space, and served again once its bucket grows back", async () => {
    const { burst, perSecond, summaryIntervalMs } = DEFAULT_AUTH_FAILURE_LIMITS;
    expect(await post(headers(kms.server.credential.secretKey))).toBe("Success");
    const before = auditRecords();
    const bytesBefore = auditBytes();
    const wrongKey = headers("WRONGWRONGWRONGWRONGWRONGWRONG12");
    const garbage = { ...wrongKey, Authorization: "Bearer garbage" };
    const codes = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const code = await post(i % 2 ? wrongKey : garbage);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // The clock stands still: exactly the burst failed authentication, the rest were refused unread.
    expect((codes.get("AuthFailure.SignatureFailure") ?? 0) + (codes.get("AuthFailure.InvalidAuthorization") ?? 0)).toBe(burst);
    expect(codes.get("RequestLimitExceeded")).toBe(3000 - burst);
    // A correctly signed request from the throttled address is refused too (it is not read).
    expect(await post(headers(kms.server.credential.secretKey))).toBe("RequestLimitExceeded");

    // Records: one per failed authentication, one for the first refusal; the rest wait for their interval's summary.
    expect(auditRecords().n - before.n).toBe(burst + 1);
    // Regained tokens: after burst / perSecond seconds the address is served again.
    clock.advance(Math.max(summaryIntervalMs, (burst / perSecond) * 1000));
    expect(await post(headers(kms.server.credential.secretKey))).toBe("Success");
    // Summaries are written when their interval ends (a timer) and at the latest when the server stops.
    await kms.restart();
    const after = auditRecords();
    expect(after.requests - before.requests).toBe(3000 + 1 + 1);
    expect(after.n - before.n).toBeLessThanOrEqual(burst + 4);
    expect(auditBytes() - bytesBefore).toBeLessThan(200 * 1024);

    const { root } = loadRootKey({ keyFile: join(kms.dataDir, "root.key") });
    const log = SqliteAuditLog.open(join(kms.dataDir, "audit.db"), root);
    try {
      expect(verifyAuditLog(log).ok).toBe(true);
      const summary = log.db.prepare("SELECT * FROM audit_log WHERE count > 1").all() as { count: number; code: string; source_address: string }[];
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatchObject({ count: 3000 - burst, code: "RequestLimitExceeded", source_address: "127.0.0.1" });
    } finally {
      await log.close();
      root.close();
    }
  });
});
