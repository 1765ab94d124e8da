/**
 * Request parameters: GET query / form flattening (reference §2.1: `KeyIds.0=a&Tags.0.TagKey=k`), the zod schema
 * vocabulary every action uses (integers also accepted as numeric strings, SPEC §2), and the mapping of schema
 * failures to API codes: unknown member → `UnknownParameter`, absent required member → `MissingParameter`,
 * anything else → `InvalidParameter`.
 */
import { z } from "zod";
import { ErrorCode, KmsError } from "../errors.js";

/** Turn flattened `a.0.b=v` pairs into nested objects and arrays. Throws InvalidParameter on conflicting shapes. */
export function unflatten(pairs: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of pairs) {
    const path = rawKey.split(".");
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const slot = (node as Record<string, unknown>)[seg];
      if (last) {
        if (slot !== undefined) throw new KmsError(ErrorCode.InvalidParameter, `parameter ${rawKey} is given more than once`);
        (node as Record<string, unknown>)[seg] = value;
      } else {
        if (slot === undefined) (node as Record<string, unknown>)[seg] = nextIsIndex ? [] : {};
        const child = (node as Record<string, unknown>)[seg];
        if (typeof child !== "object" || child === null || Array.isArray(child) !== nextIsIndex) {
          throw new KmsError(ErrorCode.InvalidParameter, `parameter ${rawKey} conflicts with another parameter`);
        }
        node = child as Record<string, unknown> | unknown[];
      }
    }
  }
  const compact = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out = [];
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) throw new KmsError(ErrorCode.InvalidParameter, "array parameters must be numbered from 0 without gaps");
        out.push(compact(v[i]));
      }
      return out;
    }
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compact(x)]));
    return v;
  };
  return compact(root) as Record<string, unknown>;
}

/** An unsigned integer: a JSON number or a string of decimal digits (official examples send `"7"`). */
export const uint = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^\d{1,15}$/).transform(Number),
]);

/** A boolean: JSON true/false or the strings "true"/"false" (GET form). */
export const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]);

export const str = z.string();

export const tag = z.strictObject({ TagKey: str, TagValue: str });
export const tagFilter = z.strictObject({ TagKey: str, TagValue: z.array(str).optional() });
export const memberAccount = z.record(z.string(), z.unknown());

function pathOf(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
}

/** Validate `input` against an action's schema; throws the matching API error for the first problem. */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = pathOf(issue.path);
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys: string[] }).keys.map((k) => (where ? `${where}.${k}` : k));
    throw new KmsError(ErrorCode.UnknownParameter, `The parameter ${keys.join(", ")} is not recognized`);
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    throw new KmsError(ErrorCode.MissingParameter, `The request is missing a required parameter ${where}`);
  }
  if (issue.code === "invalid_union" && issue.input === undefined) {
    throw new KmsError(ErrorCode.MissingParameter, `The request is missing a required parameter ${where}`);
  }
  throw new KmsError(ErrorCode.InvalidParameter, `${where || "request"}: ${issue.message}`);
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
