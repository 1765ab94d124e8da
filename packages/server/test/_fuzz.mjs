/**
 * A bounded, seeded fuzzer of the API (issue 14): signed requests over real HTTP to every action with generated and
 * edge-case parameters — the action's own parameter names with values of every JSON type, sizes, encodings, unicode
 * (lone surrogates included), numbers as strings, nesting, prototype names — plus well-formed calls on real keys so
 * the deeper paths run too. Every answer is checked: HTTP 200, `Content-Type: application/json`, a
 * `{"Response":{…,"RequestId"}}` envelope, and an error code from the API's list (never `InternalError`).
 *
 * Plain ESM so that the test suite (test/fuzz.test.ts, 10,000 requests) and `pnpm bench:fuzz` (bench/src/fuzz.mjs,
 * 100,000, counts to a report) run the same code. Values come from fast-check's arbitraries, sampled with the seed.
 */
import fc from "fast-check";

/** Parameter names that appear across actions; mixed into requests so that unknown-parameter paths run too. */
const COMMON_NAMES = [
  "KeyId", "KeyIds", "Alias", "Description", "KeyUsage", "Type", "Plaintext", "PlainText", "CiphertextBlob",
  "EncryptionContext", "KeySpec", "NumberOfBytes", "PendingWindowInDays", "RotateDays", "Algorithm", "Message",
  "MessageType", "SignatureValue", "EncryptionPublicKey", "EncryptionAlgorithm", "WrappingAlgorithm", "WrappingKeySpec",
  "ImportToken", "EncryptedKeyMaterial", "ValidTo", "Offset", "Limit", "Role", "OrderType", "KeyState", "SearchKeyText",
  "Origin", "TagFilters", "Tags", "DataKeyId", "DataKeyIds", "DataKeyName", "IsHostedByKms", "ProductId", "ResourceId",
  "SourceEncryptionContext", "DestinationEncryptionContext", "HsmClusterId", "__proto__", "constructor", "prototype",
];

/**
 * @param {object} o
 * @param {{ keyIds: string[]; blobs: string[] }} o.seeds real KeyIds and CiphertextBlobs to weave in
 */
function valueArbitrary(o) {
  const b64 = (n) => fc.uint8Array({ minLength: n, maxLength: n }).map((u) => Buffer.from(u).toString("base64"));
  const realish = fc.oneof(
    fc.constantFrom(...o.seeds.keyIds, ...o.seeds.blobs),
    fc.constantFrom("ENCRYPT_DECRYPT", "ASYMMETRIC_SIGN_VERIFY_ECC", "AES_256", "AES_128", "SM2DSA", "RAW", "DIGEST",
      "RSAES_OAEP_SHA_256", "RSA_2048", "SM2", "ALL", "desc", "asc", "TENCENT_KMS", "EXTERNAL"),
    fc.integer({ min: 1, max: 1024 }),
    b64(32), b64(16), b64(1),
    fc.constant(JSON.stringify({ k: "v" })),
    fc.array(fc.constantFrom(...o.seeds.keyIds), { maxLength: 3 }),
  );
  const edgeString = fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }), // lone surrogates and every code point
    fc.constantFrom("", " ", "\u0000", "\uD800", "\uDFFF", "😀".repeat(300), "a".repeat(5000), "=", "====", "@@@",
      "-1", "0", "1e309", "NaN", "Infinity", "0x10", "１２", "true", "null", "[]", "{}", "{\"a\":1}", "{\"a\":\"b\",\"a\":\"c\"}",
      "qcs::kms:ap-guangzhou:uin/1:key/x", "../../etc/passwd", "<script>", "%00", "\r\nX-Injected: 1"),
    fc.integer().map(String),
    fc.double().map(String),
  );
  const scalar = fc.oneof(
    edgeString,
    fc.integer(), fc.integer({ min: -1, max: 2 ** 31 }), fc.constantFrom(0, -0, -1, 2 ** 53, 2 ** 64, 1e308, 0.5, -7.25),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(), fc.constant(null),
    fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u).toString("base64")),
  );
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, fc.array(tie("tree"), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "constructor", "TagKey", "TagValue", "Values")), tie("tree"), { maxKeys: 4 })),
  }));
  return fc.oneof({ arbitrary: realish, weight: 3 }, { arbitrary: scalar, weight: 4 }, { arbitrary: tree, weight: 2 });
}

/**
 * The requests, deterministic for a seed: `{ action, params }[]`, params as an object to serialise (or, now and then,
 * a raw body string that is not an object).
 * @param {{ actions: { name: string; params: string[] }[]; count: number; seed: number; seeds: { keyIds: string[]; blobs: string[] } }} o
 */
export function fuzzRequests(o) {
  const names = o.actions.map((a) => a.name);
  const paramsOf = new Map(o.actions.map((a) => [a.name, a.params]));
  const value = valueArbitrary(o);
  const actionArb = fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 20 },
    { arbitrary: fc.constantFrom("", "encrypt", "Encrypt ", "DescribeKey\u0000", "OpenKMS.Nothing", "A".repeat(200), "__proto__"), weight: 1 });
  const request = actionArb.chain((action) => {
    const own = paramsOf.get(action) ?? [];
    const nameArb = own.length ? fc.oneof({ arbitrary: fc.constantFrom(...own), weight: 6 }, { arbitrary: fc.constantFrom(...COMMON_NAMES), weight: 1 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 1 })
      : fc.oneof(fc.constantFrom(...COMMON_NAMES), fc.string({ maxLength: 12 }));
    const entries = fc.array(fc.tuple(nameArb, value), { maxLength: 6 });
    const body = fc.oneof(
      { arbitrary: entries.map((es) => ({ kind: "object", entries: es })), weight: 30 },
      { arbitrary: fc.constantFrom("", "null", "[]", "\"str\"", "123", "{", "{\"KeyId\":", "{\"a\":1,\"a\":2}", "\uFEFF{}").map((raw) => ({ kind: "raw", raw })), weight: 1 },
    );
    return body.map((b) => ({ action, ...b }));
  });
  // Well-formed calls on the seed keys, now and then with one more fuzzed parameter, so success paths run as well.
  const [sym = "", sign = "", , pq = ""] = o.seeds.keyIds;
  const b64 = (n) => fc.uint8Array({ minLength: 1, maxLength: n }).map((u) => Buffer.from(u).toString("base64"));
  const valid = fc.oneof(
    b64(64).map((p) => ["Encrypt", [["KeyId", sym], ["Plaintext", p]]]),
    b64(64).map((p) => ["Encrypt", [["KeyId", sym], ["Plaintext", p], ["EncryptionContext", "{\"k\":\"v\"}"]]]),
    fc.constantFrom(...(o.seeds.blobs.length ? o.seeds.blobs : [""])).map((c) => ["Decrypt", [["CiphertextBlob", c]]]),
    fc.constantFrom("AES_128", "AES_256").map((k) => ["GenerateDataKey", [["KeyId", sym], ["KeySpec", k]]]),
    fc.integer({ min: 1, max: 1024 }).map((n) => ["GenerateRandom", [["NumberOfBytes", n]]]),
    fc.constantFrom(...o.seeds.keyIds).map((k) => ["DescribeKey", [["KeyId", k]]]),
    fc.constantFrom(...o.seeds.keyIds).map((k) => ["GetPublicKey", [["KeyId", k]]]),
    fc.constant(["ListKeys", [["Limit", 10]]]),
    fc.constant(["ListKeyDetail", [["Limit", 5], ["OrderType", 1]]]),
    fc.constant(["ListAlgorithms", []]),
    fc.constant(["GetServiceStatus", []]),
    b64(128).map((m) => ["SignByAsymmetricKey", [["KeyId", sign], ["Algorithm", "ECC_P256_R1"], ["Message", m]]]),
    b64(128).map((m) => ["PostQuantumCryptoSign", [["KeyId", pq], ["Message", m]]]),
    fc.constantFrom(...o.seeds.keyIds).map((k) => ["GetKeyRotationStatus", [["KeyId", k]]]),
  ).chain(([action, entries]) => fc.option(fc.tuple(fc.constantFrom(...COMMON_NAMES), value), { freq: 4 })
    .map((extra) => ({ action, kind: "object", entries: extra ? [...entries, extra] : entries })));
  return fc.sample(fc.oneof({ arbitrary: request, weight: 4 }, { arbitrary: valid, weight: 1 }), { seed: o.seed, numRuns: o.count });
}

/** JSON text of an object built from entries in order (a repeated name stays repeated, as a client could send it). */
function bodyText(req) {
  if (req.kind === "raw") return req.raw;
  return "{" + req.entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",") + "}";
}

/**
 * Send every request (signed with TC3 as the SDKs do) with `concurrency` in flight, checking each answer.
 * @param {{ url: string; sign: (i: { host: string; payload: string; timestamp: number }) => Promise<string> | string; region: string; requests: ReturnType<typeof fuzzRequests>; concurrency?: number; allowedCodes: Set<string>; onProgress?: (done: number) => void }} o
 *   `sign` returns the TC3 `Authorization` header of a POST with Content-Type application/json (SignedHeaders
 *   content-type;host, as the SDKs sign)
 * @returns {Promise<{ sent: number; success: number; byCode: Record<string, number>; byAction: Record<string, { success: number; error: number }>; problems: string[] }>}
 */
export async function runFuzz(o) {
  const url = new URL(o.url);
  const host = url.host;
  // Tallies keyed by what the fuzzer sent (action names like "__proto__" included): no prototype to pollute.
  const tally = { sent: 0, success: 0, byCode: Object.create(null), byAction: Object.create(null), problems: [] };
  let next = 0;
  const worker = async () => {
    while (next < o.requests.length) {
      const req = o.requests[next++];
      const payload = bodyText(req);
      const timestamp = Math.floor(Date.now() / 1000);
      const authorization = await o.sign({ host, payload, timestamp });
      const headers = { Authorization: authorization, "Content-Type": "application/json", "X-TC-Action": req.action, "X-TC-Version": "2019-01-18", "X-TC-Timestamp": String(timestamp), "X-TC-Region": o.region };
      let status = 0;
      let contentType = "";
      let text = "";
      try {
        const res = await fetch(url, { method: "POST", headers, body: payload });
        status = res.status;
        contentType = res.headers.get("content-type") ?? "";
        text = await res.text();
      } catch (e) {
        // fetch refuses header values with control characters before sending: nothing reached the server.
        if (/invalid header value/i.test(String(e?.message))) {
          tally.unsendable = (tally.unsendable ?? 0) + 1;
          continue;
        }
        tally.problems.push(`${req.action}: network error ${e?.cause?.code ?? e?.message} for ${payload.slice(0, 200)}`);
        continue;
      }
      tally.sent++;
      const action = String(req.action).slice(0, 40);
      const per = (tally.byAction[action] ??= { success: 0, error: 0 });
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        tally.problems.push(`${action}: body is not JSON (HTTP ${status}): ${text.slice(0, 200)}`);
        continue;
      }
      if (status !== 200) tally.problems.push(`${action}: HTTP ${status} for ${payload.slice(0, 200)}`);
      if (contentType !== "application/json") tally.problems.push(`${action}: Content-Type ${contentType}`);
      const r = body?.Response;
      if (!r || typeof r.RequestId !== "string") {
        tally.problems.push(`${action}: no Response envelope: ${text.slice(0, 200)}`);
        continue;
      }
      if (r.Error) {
        per.error++;
        const code = String(r.Error.Code);
        tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
        if (!o.allowedCodes.has(code) || code === "InternalError") tally.problems.push(`${action}: ${code} (${r.Error.Message}) for ${payload.slice(0, 300)}`);
      } else {
        per.success++;
        tally.success++;
      }
      o.onProgress?.(tally.sent);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
  return tally;
}
