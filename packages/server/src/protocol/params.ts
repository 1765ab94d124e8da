/**
 * Request parameters: GET query / form flattening (reference §2.1: `KeyIds.0=a&Tags.0.TagKey=k`), the zod schema
 * vocabulary every action uses (integers also accepted as numeric strings, SPEC §2), and the mapping of schema
 * failures to API codes: unknown member → `UnknownParameter`, absent required member → `MissingParameter`,
 * anything else → `InvalidParameter`.
 */
import { z } from "zod";
import { ErrorCode, KmsError } from "../errors.js";

/** Names that must never become object keys (they reach Object.prototype): refused as unknown parameters. */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);
const INDEX_RE = /^(0|[1-9]\d{0,3})$/;

type Node = string | Map<string, Node>;

/**
 * Turn flattened `a.0.b=v` pairs (GET query / form) into nested objects and arrays. The tree is built in `Map`s and
 * turned into plain data at the end, so no parameter name can reach an object's prototype.
 * @throws KmsError UnknownParameter for `__proto__` / `constructor` / `prototype` segments; InvalidParameter for a
 *   repeated name, a name that is both a value and a container, or array indices that are not 0..n-1
 */
export function unflatten(pairs: Iterable<[string, string]>): Record<string, unknown> {
  const root = new Map<string, Node>();
  for (const [rawKey, value] of pairs) {
    const path = rawKey.split(".");
    const bad = path.find((seg) => FORBIDDEN_SEGMENTS.has(seg) || seg === "");
    if (bad !== undefined) throw new KmsError(ErrorCode.UnknownParameter, `The parameter ${shortName(rawKey)} is not recognized`);
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const slot = node.get(seg);
      if (i === path.length - 1) {
        if (slot !== undefined) throw new KmsError(ErrorCode.InvalidParameter, `The parameter ${rawKey} is given more than once or conflicts with another`);
        node.set(seg, value);
      } else {
        if (typeof slot === "string") throw new KmsError(ErrorCode.InvalidParameter, `The parameter ${rawKey} conflicts with another parameter`);
        const child = slot ?? new Map<string, Node>();
        node.set(seg, child);
        node = child;
      }
    }
  }
  const build = (n: Node, where: string): unknown => {
    if (typeof n === "string") return n;
    const keys = [...n.keys()];
    if (keys.length > 0 && keys.every((k) => INDEX_RE.test(k))) {
      const out: unknown[] = [];
      for (let i = 0; i < keys.length; i++) {
        const child = n.get(String(i));
        if (child === undefined) throw new KmsError(ErrorCode.InvalidParameter, `${where} must be numbered from 0 without gaps`);
        out.push(build(child, `${where}.${i}`));
      }
      return out;
    }
    if (keys.some((k) => INDEX_RE.test(k)) && where !== "") {
      throw new KmsError(ErrorCode.InvalidParameter, `${where} mixes numbered and named members`);
    }
    return Object.fromEntries(keys.map((k) => [k, build(n.get(k)!, where ? `${where}.${k}` : k)]));
  };
  return build(root, "") as Record<string, unknown>;
}

const UINT_MESSAGE = "must be a non-negative integer (a JSON number or a string of decimal digits)";
const INT_MESSAGE = "must be an integer (a JSON number or a string of decimal digits)";

/** An unsigned integer: a JSON number or a string of decimal digits (official examples send `"7"`). */
export const uint = z.union(
  [
    z.number({ error: UINT_MESSAGE }).int({ error: UINT_MESSAGE }).nonnegative({ error: UINT_MESSAGE }).max(Number.MAX_SAFE_INTEGER, { error: UINT_MESSAGE }),
    z.string({ error: UINT_MESSAGE }).regex(/^\d{1,15}$/, { error: UINT_MESSAGE }).transform(Number),
  ],
  { error: UINT_MESSAGE },
);

/**
 * A signed integer, for fields whose range check has its own error code (the range is checked by the action, so
 * `-1` gets that code rather than a generic type error).
 */
export const int = z.union(
  [
    z.number({ error: INT_MESSAGE }).int({ error: INT_MESSAGE }).min(Number.MIN_SAFE_INTEGER, { error: INT_MESSAGE }).max(Number.MAX_SAFE_INTEGER, { error: INT_MESSAGE }),
    z.string({ error: INT_MESSAGE }).regex(/^-?\d{1,15}$/, { error: INT_MESSAGE }).transform(Number),
  ],
  { error: INT_MESSAGE },
);

/** A boolean: JSON true/false or the strings "true"/"false" (GET form). */
export const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")], { error: "must be true or false" });

/** True when `s` has no lone UTF-16 surrogate (it then has exactly one UTF-8 encoding). */
export function isWellFormedUnicode(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** A string of valid Unicode: lone surrogates are refused (they would collapse to U+FFFD when encoded). */
export const str = z
  .string({ error: "must be a string" })
  .refine(isWellFormedUnicode, { error: "must be valid Unicode (no lone surrogates)" });

export const tag = z.strictObject({ TagKey: str, TagValue: str });
export const tagFilter = z.strictObject({ TagKey: str, TagValue: z.array(str).optional() });
export const memberAccount = z.record(z.string(), z.unknown());

function pathOf(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
}

/** What came, for an error message: its JSON type and size — never a string's content (it may be a secret). */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return v.length === 0 ? "an empty string" : `a string of ${v.length} characters`;
  if (typeof v === "number") return Number.isFinite(v) && String(v).length <= 24 ? `the number ${v}` : "a number";
  if (typeof v === "boolean") return `${v}`;
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? "" : "s"}`;
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

const EXPECTED: Record<string, string> = {
  string: "a string", number: "a number", int: "an integer", boolean: "true or false", array: "an array", object: "an object",
  record: "an object", bigint: "an integer", null: "null", undefined: "nothing",
};

/**
 * The message of a schema problem in this API's words (what was expected), used for every issue whose schema gives no
 * message of its own; the validation library's own wording never reaches a caller. {@link parseParams} adds what came.
 */
function issueMessage(issue: z.core.$ZodRawIssue): string {
  const i = issue as z.core.$ZodRawIssue & Record<string, any>;
  const n = (x: unknown) => (typeof x === "bigint" ? x.toString() : String(x));
  switch (i.code) {
    case "invalid_type":
      return `expected ${EXPECTED[i.expected as string] ?? i.expected}`;
    case "too_small":
      if (i.origin === "array" || i.origin === "set") return `expected at least ${n(i.minimum)} item${Number(i.minimum) === 1 ? "" : "s"}`;
      if (i.origin === "string") return `expected at least ${n(i.minimum)} characters`;
      return `expected a number ${i.inclusive ? "at least" : "greater than"} ${n(i.minimum)}`;
    case "too_big":
      if (i.origin === "array" || i.origin === "set") return `expected at most ${n(i.maximum)} items`;
      if (i.origin === "string") return `expected at most ${n(i.maximum)} characters`;
      return `expected a number ${i.inclusive ? "at most" : "less than"} ${n(i.maximum)}`;
    case "invalid_format":
      return i.format === "regex" ? "expected a value of the documented format" : `expected a ${i.format}`;
    case "not_multiple_of":
      return `expected a multiple of ${n(i.divisor)}`;
    case "invalid_value":
      return `expected ${(i.values as unknown[]).map((v) => JSON.stringify(v)).join(" or ")}`;
    case "invalid_union":
      return "expected a value of one of the documented forms";
    case "invalid_key":
      return "expected member names of the documented form";
    case "invalid_element":
      return "expected items of the documented form";
    default:
      return "expected a value of the documented form";
  }
}

/** How many unknown member names an `UnknownParameter` message names before "and N more". */
const UNKNOWN_NAMED = 5;
/** Longest member name (UTF-16 units) quoted in a message; longer ones end in "…". */
const NAME_MAX = 64;
const shortName = (name: string) => (name.length > NAME_MAX ? `${name.slice(0, NAME_MAX)}…` : name);

/** Validate `input` against an action's schema; throws the matching API error for the first problem. */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input, { reportInput: true, error: issueMessage });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = pathOf(issue.path);
  if (issue.code === "unrecognized_keys") {
    const all = (issue as { keys: string[] }).keys;
    // A reply names a few, never all: a body may carry any number of members (and long names).
    const named = all.slice(0, UNKNOWN_NAMED).map((k) => shortName(where ? `${where}.${k}` : k));
    const more = all.length > UNKNOWN_NAMED ? ` and ${all.length - UNKNOWN_NAMED} more` : "";
    throw new KmsError(ErrorCode.UnknownParameter, `The parameter ${named.join(", ")}${more} is not recognized`);
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    throw new KmsError(ErrorCode.MissingParameter, `The request is missing a required parameter ${where}`);
  }
  if (issue.code === "invalid_union" && issue.input === undefined) {
    throw new KmsError(ErrorCode.MissingParameter, `The request is missing a required parameter ${where}`);
  }
  throw new KmsError(ErrorCode.InvalidParameter, `${where || "request"}: ${issue.message}, got ${describeValue(issue.input)}`);
}

/**
 * Strict RFC 4648 base64 (standard alphabet, with padding) → bytes; undefined when `text` is not exactly that.
 * SPEC §2: anything else is the field's invalid-value error, which the caller picks.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  const canonical = bytes.toString("base64") === text; // rejects non-zero pad bits
  const out = canonical ? new Uint8Array(bytes) : undefined; // own copy: never a view into Buffer's shared pool
  bytes.fill(0);
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
