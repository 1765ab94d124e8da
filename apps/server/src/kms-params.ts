/**
 * tccli-style request parameters for `openkms kms <Action>`: `--KeyId abc --Limit 10 --KeyIds '["a","b"]'
 * --Tags '[{"TagKey":"k","TagValue":"v"}]' --EncryptionContext '{"a":"b"}'` (or `--Name=value`).
 *
 * A value's type comes from the action's request schema in `@openkms/server` (the actions OpenKMS serves): integer
 * parameters become JSON numbers, booleans `true`/`false`, arrays and objects are parsed as JSON; everything else is
 * a string (EncryptionContext is a JSON *string* in the API, so it is passed as written). For an action the schema
 * table does not know, a value that starts with `[` or `{` is parsed as JSON and every other value is a string.
 * A value the schema would refuse is sent as written, so the server answers with the API's error code.
 */
import { actions } from "@openkms/server";

/** The command line cannot be turned into a request. */
export class ParamsError extends Error {
  override name = "ParamsError";
}

type Kind = "number" | "boolean" | "json" | "string" | "auto";

/** The part of a zod 4 schema's definition read here (`schema._zod.def`). */
type Schema = { _zod: { def: Def } };
type Def = { type: string; innerType?: Schema; options?: Schema[]; in?: Schema; shape?: Record<string, Schema> };
const defOf = (s: unknown): Def => (s as Schema)._zod.def;

/** What a zod schema takes, looking through optional/nullable/default/pipe wrappers and unions. */
function kindOfSchema(schema: Schema): Kind {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
      return kindOfSchema(def.innerType!);
    case "pipe":
      return kindOfSchema(def.in!);
    case "number":
    case "int":
    case "bigint":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
    case "object":
    case "record":
    case "tuple":
      return "json";
    case "string":
    case "enum":
    case "literal":
      return "string";
    case "union": {
      const kinds = (def.options ?? []).map(kindOfSchema);
      for (const k of ["json", "number", "boolean", "string"] as const) if (kinds.includes(k)) return k;
      return "auto";
    }
    default:
      return "auto";
  }
}

/** How `--<param>` of `action` is read. */
export function paramKind(action: string, param: string): Kind {
  const schema = actions.get(action)?.schema;
  if (!schema) return "auto";
  const shape = defOf(schema).shape;
  const field = shape?.[param];
  return field ? kindOfSchema(field) : "auto";
}

function convert(action: string, name: string, raw: string): unknown {
  const kind = paramKind(action, name);
  if (kind === "number") return /^-?\d{1,15}$/.test(raw) ? Number(raw) : raw;
  if (kind === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  if (kind === "json" || (kind === "auto" && /^\s*[[{]/.test(raw))) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ParamsError(`--${name} expected a JSON value (as tccli takes it), got ${JSON.stringify(raw.length > 60 ? raw.slice(0, 60) + "…" : raw)}`);
    }
    // A "__proto__" member would be dropped by the copies on the way to the request: refuse it rather than lose it.
    if (/"__proto__"\s*:/.test(raw)) throw new ParamsError(`--${name}: a member named "__proto__" is not accepted`);
    return value;
  }
  return raw;
}

/** API parameter names: `KeyId`, `EncryptionContext`, `Tags` (tccli spells them exactly as the API). */
const PARAM_NAME = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Turn `--Name value` / `--Name=value` tokens into request parameters for `action`.
 * @throws ParamsError for a token that is not a parameter flag, a flag without a value, a parameter given twice,
 *   or a JSON parameter that is not JSON
 */
export function parseParamFlags(action: string, tokens: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = Object.create(null);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith("--")) throw new ParamsError(`unexpected argument ${JSON.stringify(token)}: parameters are --<Name> <value>`);
    const eq = token.indexOf("=");
    const name = token.slice(2, eq === -1 ? undefined : eq);
    if (!PARAM_NAME.test(name)) throw new ParamsError(`unknown option --${name} (API parameters are spelled as the API spells them, e.g. --KeyId)`);
    let raw: string;
    if (eq !== -1) raw = token.slice(eq + 1);
    else {
      if (i + 1 >= tokens.length) throw new ParamsError(`--${name} needs a value`);
      raw = tokens[++i]!;
    }
    if (name in params) throw new ParamsError(`--${name} is given more than once`);
    params[name] = convert(action, name, raw);
  }
  return { ...params };
}
