/**
 * Input validation shared by every primitive (one vocabulary, STYLE practice 6).
 * Wrong type → `TypeError`; wrong length → `RangeError`; messages name the field, expected and actual.
 */

/** Throws unless `value` is a `Uint8Array` (of exactly `length` bytes when given, or one of `length` when an array). */
export function abytes(value: unknown, length: number | readonly number[] | undefined, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${name}" expected Uint8Array, got ${value === null ? "null" : typeof value}`);
  }
  if (length === undefined) return;
  const allowed = typeof length === "number" ? [length] : length;
  if (!allowed.includes(value.length)) {
    throw new RangeError(`"${name}" expected ${allowed.join(" or ")} bytes, got ${value.length}`);
  }
}

/** Throws `RangeError` unless `value` is an integer in [min, max]. */
export function aint(value: unknown, min: number, max: number, name: string): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`"${name}" expected an integer, got ${typeof value}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`"${name}" expected ${min}..${max}, got ${value}`);
  }
}
