/**
 * CAM-style access policies (Tencent Cloud CAM policy syntax, version 2.0): parsing and evaluation.
 *
 *   {"version":"2.0","statement":[{"effect":"allow"|"deny","action":["kms:Encrypt"|"kms:*"|"kms:Describe*"|"*",…],
 *                                  "resource":["qcs::kms:<region>:uin/<uin>:key/<KeyId>"|"…:datakey/<DataKeyId>"|"*",…]}]}
 *
 * Member names are accepted in either case (`effect` / `Effect`, as CAM's examples and SPEC §1 write them); `action`
 * and `resource` take a string or an array; an action may carry CAM's `name/` prefix (`name/kms:Encrypt`).
 * `condition` and `principal` are refused rather than ignored (ignoring a condition would widen an allow or narrow a
 * deny).
 *
 * Evaluation: a request (one action, one or more resources) is allowed when no deny statement matches the action and
 * any of its resources, and every resource is matched by some allow statement for the action. Explicit deny wins;
 * with no matching allow the answer is deny. Matching: `*` is the only wildcard and matches any run of characters;
 * actions compare case-insensitively; a resource `qcs:<project>:<service>:<region>:<account>:<resource>` compares
 * segment by segment, and an empty project, region or account segment in the policy matches any value (inferred:
 * one account's keys are never visible to another anyway, see keys/key-access.ts).
 */
import { z } from "zod";

export const POLICY_VERSION = "2.0";
/** Most bytes in one policy document's JSON text. */
export const MAX_POLICY_BYTES = 32 * 1024;
const MAX_ENTRIES = 100;
const MAX_PATTERN_LENGTH = 1024;

export type Effect = "allow" | "deny";

export interface PolicyStatement {
  effect: Effect;
  /** Normalised action patterns: `*` or `<service>:<name pattern>` (no `name/` prefix). */
  action: string[];
  /** Resource patterns: `*` or six-segment `qcs:` names, possibly with `*`. */
  resource: string[];
}

export interface PolicyDocument {
  version: typeof POLICY_VERSION;
  statement: PolicyStatement[];
}

/** A policy document that cannot be accepted; the message names the member and what is wrong. */
export class PolicyError extends Error {
  override name = "PolicyError";
}

/**
 * `*`, or `<service>:<Action pattern>` (any case; CAM's optional `name/` prefix). Only `kms:` actions ever match here.
 * An action pattern may hold one dot, for OpenKMS's own actions (`kms:OpenKMS.ListAuditRecords`, see
 * actions/openkms-list-audit-records.ts).
 */
const ACTION_RE = /^(?:\*|(?:name\/)?[a-z0-9-]+:[A-Za-z0-9*]+(?:\.[A-Za-z0-9*]+)?)$/i;

/**
 * Resource patterns: `*`, or `qcs:<project>:<service>:<region>:<account>:<resource>`. A policy may name other
 * services' resources (they never match a KMS request); a KMS resource must have an empty or `*` project, region
 * `[a-z0-9-*]` or empty, account empty or `uin/<digits or *>`, resource `*`, `key/<KeyId pattern>` or
 * `datakey/<DataKeyId pattern>` (hex, `-`, `*`).
 * Letters are lower-cased first, so `key/5005EEDF-…` matches the key the server names `key/5005eedf-…`; a KMS
 * resource that could never match is refused instead of being silently ignored (a deny on it would do nothing).
 */
const ANY_RESOURCE_RE = /^(?:\*|qcs:[^:\s]*:[^:\s]+:[^:\s]*:[^:\s]*:\S+)$/;
const KMS_RESOURCE_RE = /^qcs:\*?:(?:kms|\*):[a-z0-9*-]*:(?:uin\/[0-9*]+)?:(?:\*|(?:data)?key\/[0-9a-f*-]+)$/;
const validResource = (r: string) => ANY_RESOURCE_RE.test(r) && (r === "*" || !/^qcs:[^:]*:(?:kms|\*):/.test(r) || KMS_RESOURCE_RE.test(r));

const patternList = (re: RegExp, what: string) =>
  z
    .union([z.string(), z.array(z.string()).min(1).max(MAX_ENTRIES)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(
      z.array(
        z.string().max(MAX_PATTERN_LENGTH).refine((s) => re.test(s), { message: `not a valid ${what} pattern` }),
      ),
    );

const resourceList = z
  .union([z.string(), z.array(z.string()).min(1).max(MAX_ENTRIES)])
  .transform((v) => (Array.isArray(v) ? v : [v]).map((r) => r.toLowerCase()))
  .pipe(
    z.array(
      z.string().max(MAX_PATTERN_LENGTH).refine(validResource, {
        message: "not a valid resource: use * or qcs::kms:<region>:uin/<uin>:key/<KeyId> or …:datakey/<DataKeyId> (parts may be * or, for project, region and account, empty)",
      }),
    ),
  );

const statementSchema = z.strictObject({
  effect: z.string().transform((e) => e.toLowerCase()).pipe(z.enum(["allow", "deny"])),
  action: patternList(ACTION_RE, "action"),
  resource: resourceList,
});

const documentSchema = z.strictObject({
  version: z.literal(POLICY_VERSION),
  statement: z.array(statementSchema).min(1).max(MAX_ENTRIES),
});

/** Lower-case the member names of an object (one level), refusing names that differ only in case. */
function lowerKeys(value: unknown, where: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const lower = k.toLowerCase();
    if (lower in out) throw new PolicyError(`${where}: member "${k}" is given twice`);
    if (lower === "condition" || lower === "principal") {
      throw new PolicyError(`${where}: "${k}" is not supported; write statements without it`);
    }
    out[lower] = v;
  }
  return out;
}

/**
 * Parse and validate a policy document.
 * @param input the JSON text (≤ 32 KiB) or an already parsed value
 * @returns the document with member names lower-cased, effects lower-cased, single strings turned into arrays and
 *   `name/` action prefixes dropped
 * @throws PolicyError naming the first problem (bad JSON, wrong version, unknown member, bad pattern, …)
 */
export function parsePolicy(input: string | unknown): PolicyDocument {
  let value: unknown = input;
  if (typeof input === "string") {
    if (Buffer.byteLength(input, "utf8") > MAX_POLICY_BYTES) throw new PolicyError(`a policy may be at most ${MAX_POLICY_BYTES} bytes`);
    try {
      value = JSON.parse(input);
    } catch {
      throw new PolicyError("the policy is not valid JSON");
    }
  }
  const doc = lowerKeys(value, "policy") as Record<string, unknown>;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new PolicyError("the policy must be a JSON object");
  const statements = doc.statement;
  if (Array.isArray(statements)) doc.statement = statements.map((s, i) => lowerKeys(s, `statement[${i}]`));
  else if (statements !== undefined) doc.statement = [lowerKeys(statements, "statement")];
  const r = documentSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
    throw new PolicyError(`${path || "policy"}: ${issue.message}`);
  }
  return {
    version: POLICY_VERSION,
    statement: r.data.statement.map((s) => ({
      effect: s.effect,
      action: s.action.map((a) => a.replace(/^name\//, "")),
      resource: s.resource,
    })),
  };
}

/** `*`-only glob match (whole string). */
function globMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  if (pattern === "*") return true;
  const source = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`, caseInsensitive ? "is" : "s").test(value);
}

/** Does an action pattern (`*`, `kms:*`, `kms:Describe*`, `kms:Encrypt`) match `kms:<Action>`? Case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}

const SEGMENTS = 6;
/** Segments whose empty value in a policy matches any value: project (1), region (3), account (4). */
const OPTIONAL_SEGMENTS = new Set([1, 3, 4]);

function splitResource(name: string): string[] | undefined {
  const parts = name.split(":");
  if (parts.length < SEGMENTS || parts[0] !== "qcs") return undefined;
  return [...parts.slice(0, SEGMENTS - 1), parts.slice(SEGMENTS - 1).join(":")];
}

/** Does a resource pattern match a resource name `qcs::kms:<region>:uin/<uin>:key/<KeyId>`? */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === "*") return true;
  const p = splitResource(pattern);
  const r = splitResource(resource);
  if (!p || !r) return false;
  return p.every((seg, i) => (seg === "" && OPTIONAL_SEGMENTS.has(i)) || globMatch(seg, r[i]!, false));
}

/** One request as policies see it. */
export interface AccessRequest {
  /** `kms:<ActionName>`. */
  action: string;
  /** Resource names the request touches; never empty (key-less actions name the account, see request-resources.ts). */
  resources: string[];
}

export type Decision =
  | { allowed: true }
  | { allowed: false; /** the resource refused first */ resource: string; /** true: a deny statement matched */ explicitDeny: boolean };

/**
 * Evaluate a principal's policies for one request: explicit deny wins, then every resource needs an allow.
 * @returns the decision; a request with no resources is refused
 */
export function evaluatePolicies(policies: readonly PolicyDocument[], request: AccessRequest): Decision {
  if (request.resources.length === 0) return { allowed: false, resource: "", explicitDeny: false };
  const relevant = policies.flatMap((p) => p.statement).filter((s) => s.action.some((a) => actionMatches(a, request.action)));
  const deny = relevant.filter((s) => s.effect === "deny");
  const allow = relevant.filter((s) => s.effect === "allow");
  for (const resource of request.resources) {
    if (deny.some((s) => s.resource.some((p) => resourceMatches(p, resource)))) return { allowed: false, resource, explicitDeny: true };
  }
  for (const resource of request.resources) {
    if (!allow.some((s) => s.resource.some((p) => resourceMatches(p, resource)))) return { allowed: false, resource, explicitDeny: false };
  }
  return { allowed: true };
}
