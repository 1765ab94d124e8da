/**
 * Bounded, seeded fuzzing through real HTTP (issue 14): 10,000 signed requests over every action with generated and
 * edge-case parameters (see _fuzz.mjs) → every answer HTTP 200 with an API error code or success (never
 * InternalError), no crash, memory flat, and the audit log still verifies afterwards. `pnpm bench:fuzz` runs 100,000.
 */
import { createHash } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tc3Signature, utcDate } from "../src/protocol/tc3.js";
import { actions } from "../src/actions/index.js";
import { ErrorCode } from "../src/errors.js";
import { inspectAuditLog, verifyAuditLog } from "../src/index.js";
import { fuzzRequests, runFuzz } from "./_fuzz.mjs";
import { b64, startServer, type Running } from "./_harness.js";

/** A full garbage collection, so heap sizes compare what is retained, not when the collector last ran. */
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const SEED = 20261206;
/** 10,000 in the suite; FUZZ_COUNT overrides it for a quick local run. */
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);

let run: Running;
const seeds = { keyIds: [] as string[], blobs: [] as string[] };

/** Every action with its parameter names (from its strict request schema). */
export function actionShapes() {
  return [...actions.values()].map((a) => {
    const shape = (a.schema as unknown as { shape?: Record<string, unknown> }).shape;
    return { name: a.name, params: shape ? Object.keys(shape) : [] };
  });
}

beforeAll(async () => {
  run = await startServer({ edition: "sm" });
  for (const KeyUsage of ["ENCRYPT_DECRYPT", "ASYMMETRIC_SIGN_VERIFY_ECC", "ASYMMETRIC_DECRYPT_SM2", "ASYMMETRIC_SIGN_VERIFY_DILITHIUM"]) {
    seeds.keyIds.push((await run.call("CreateKey", { Alias: `fuzz-${KeyUsage.toLowerCase().replace(/_/g, "-")}`, KeyUsage })).KeyId);
  }
  seeds.blobs.push((await run.call("Encrypt", { KeyId: seeds.keyIds[0], Plaintext: b64("fuzz") })).CiphertextBlob);
  seeds.blobs.push((await run.call("Encrypt", { KeyId: seeds.keyIds[0], Plaintext: b64("ctx"), EncryptionContext: "{\"a\":\"b\"}" })).CiphertextBlob);
});
afterAll(async () => run?.stop());

describe(`fuzzing ${COUNT} signed requests (seed ${SEED})`, () => {
  it("every answer is HTTP 200 JSON with success or an API error code; no InternalError; memory flat; audit verifies", async () => {
    const shapes = actionShapes();
    expect(shapes.length).toBeGreaterThanOrEqual(50);
    const requests = fuzzRequests({ actions: shapes, count: COUNT, seed: SEED, seeds });
    expect(requests).toHaveLength(COUNT);
    // Deterministic for the seed.
    expect(JSON.stringify(fuzzRequests({ actions: shapes, count: 5, seed: SEED, seeds }))).toBe(JSON.stringify(requests.slice(0, 5)));

    const allowedCodes = new Set<string>(Object.values(ErrorCode));
    const { secretId, secretKey } = run.server.credential;
    const sign = ({ host, payload, timestamp }: { host: string; payload: string; timestamp: number }) => {
      const signature = tc3Signature({
        method: "POST", canonicalQuery: "", headers: [["content-type", "application/json"], ["host", host]],
        payloadHash: createHash("sha256").update(payload).digest("hex"), timestamp, date: utcDate(timestamp), service: "kms", secretKey,
      });
      return `TC3-HMAC-SHA256 Credential=${secretId}/${utcDate(timestamp)}/kms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;
    };
    const credentials = { url: run.url, sign, region: run.server.region };
    // Warm up, then measure the heap across the bulk of the run.
    const warmup = Math.min(1000, Math.floor(COUNT / 10));
    const warm = await runFuzz({ ...credentials, requests: requests.slice(0, warmup), allowedCodes });
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const tally = await runFuzz({ ...credentials, requests: requests.slice(warmup), allowedCodes });
    gc();
    const heapAfter = process.memoryUsage().heapUsed;

    expect([...warm.problems, ...tally.problems].slice(0, 20)).toEqual([]);
    expect(warm.sent + tally.sent + (warm.unsendable ?? 0) + (tally.unsendable ?? 0)).toBe(COUNT);
    expect(warm.sent + tally.sent).toBeGreaterThan(COUNT * 0.95);
    // The fuzzer reached both sides of many actions.
    expect(tally.success).toBeGreaterThan(COUNT * 0.05);
    expect(Object.keys(tally.byCode).length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(tally.byAction).length).toBeGreaterThanOrEqual(shapes.length);
    // Memory flat: after a full collection, the heap (server and test share the process) holds far less than the traffic.
    expect(heapAfter - heapBefore).toBeLessThan(96 * 1024 * 1024);

    // The server still answers, and the audit log of all of it verifies.
    expect((await run.call("DescribeKey", { KeyId: seeds.keyIds[0] })).KeyMetadata.KeyId).toBe(seeds.keyIds[0]);
    const audit = await inspectAuditLog({ dataDir: run.dataDir, nowSeconds: Math.floor(Date.now() / 1000) });
    try {
      const v = verifyAuditLog(audit.log!, { checkpoint: audit.checkpoint });
      expect(v.ok).toBe(true);
      // Every request that reached the server has its record (requests fetch refused to send never arrived).
      expect(v.records).toBeGreaterThanOrEqual(warm.sent + tally.sent);
    } finally {
      await audit.close();
    }
  }, 20 * 60_000);
});
