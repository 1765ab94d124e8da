import { describe, expect, it } from "vitest";
import { canonicalEncryptionContext } from "../src/keys/encryption-context.js";

const hex = (s?: string) => Buffer.from(canonicalEncryptionContext(s)).toString("hex");

describe("EncryptionContext canonical form (SPEC §2)", () => {
  it("absent, empty string and {} are all the empty context", () => {
    expect(hex(undefined)).toBe("");
    expect(hex("")).toBe("");
    expect(hex("{}")).toBe("");
  });
  it("is u32 count then length-prefixed UTF-8 pairs sorted by key", () => {
    expect(hex('{"b":"2","a":"1"}')).toBe("00000002" + "00000001" + "61" + "00000001" + "31" + "00000001" + "62" + "00000001" + "32");
  });
  it("order and whitespace do not matter; splitting does", () => {
    expect(hex('{ "x" : "1", "y":"2" }')).toBe(hex('{"y":"2","x":"1"}'));
    expect(hex('{"ab":"c"}')).not.toBe(hex('{"a":"bc"}'));
  });
  it("sorts by code point, not UTF-16 unit (astral vs BMP-high keys)", () => {
    // U+FF5E (BMP) < U+1F600 (astral) by code point, but not by UTF-16 units (0xD83D < 0xFF5E)
    const c = canonicalEncryptionContext('{"\u{1F600}":"a","\uFF5E":"b"}');
    const firstKey = Buffer.from(c.subarray(8, 11)).toString("utf8");
    expect(firstKey).toBe("\uFF5E");
  });
  it.each(['{"a":"1","a":"2"}', '{"a":"\\ud800"}', '{"\\udfff":"v"}'])("%s (repeated key, lone surrogate) → InvalidParameter", (v) => {
    expect(() => canonicalEncryptionContext(v)).toThrow(expect.objectContaining({ kmsErrorCode: "InvalidParameter" }));
  });
  it("escaped quotes and backslashes inside keys and values do not confuse the repeated-key check", () => {
    expect(hex('{"a\\"b":"c\\\\","d":"e"}')).not.toBe("");
  });
  it.each(["not json", "[]", "null", '"s"', '{"a":1}', '{"a":{"b":"c"}}', '{"a":null}', `{"k":"${"v".repeat(1020)}"}`])(
    "%s → InvalidParameter",
    (v) => {
      expect(() => canonicalEncryptionContext(v)).toThrow(expect.objectContaining({ kmsErrorCode: "InvalidParameter" }));
    },
  );
});
