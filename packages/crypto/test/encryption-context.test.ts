import { describe, expect, it } from "vitest";
import { compareCodePoints, decodeEncryptionContext, encodeEncryptionContext, isWellFormedUnicode } from "../src/encryption-context.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("EncryptionContext canonical form", () => {
  it("encodes count, then pairs sorted by code point, each length-prefixed (u32be)", () => {
    expect(hex(encodeEncryptionContext([]))).toBe("");
    expect(hex(encodeEncryptionContext([["b", "2"], ["a", "1"]]))).toBe(
      "00000002" + "00000001" + "61" + "00000001" + "31" + "00000001" + "62" + "00000001" + "32",
    );
    // "ab":"c" and "a":"bc" differ
    expect(hex(encodeEncryptionContext([["ab", "c"]]))).not.toBe(hex(encodeEncryptionContext([["a", "bc"]])));
  });

  it("sorts by code point, not UTF-16 unit (U+FF61 before U+1F600)", () => {
    expect(compareCodePoints("\uff61", "\u{1f600}")).toBeLessThan(0);
    expect("\uff61" < "\u{1f600}").toBe(false); // what a UTF-16 sort would do
    const enc = encodeEncryptionContext([["\u{1f600}", "x"], ["\uff61", "y"]]);
    expect(decodeEncryptionContext(enc)).toEqual([["\uff61", "y"], ["\u{1f600}", "x"]]);
  });

  it("decodes only canonical encodings", () => {
    const enc = encodeEncryptionContext([["k", "v"], ["\ufeffbom", "é"]]);
    expect(decodeEncryptionContext(enc)).toEqual([["k", "v"], ["\ufeffbom", "é"]]);
    expect(decodeEncryptionContext(new Uint8Array(0))).toEqual([]);
    expect(decodeEncryptionContext(Uint8Array.of(0, 0, 0, 0))).toBeUndefined(); // count 0 is written as nothing
    expect(decodeEncryptionContext(enc.subarray(0, enc.length - 1))).toBeUndefined(); // short
    expect(decodeEncryptionContext(Uint8Array.of(...enc, 0))).toBeUndefined(); // trailing byte
    const unsorted = Buffer.from("00000002" + "00000001" + "62" + "00000000" + "00000001" + "61" + "00000000", "hex");
    expect(decodeEncryptionContext(unsorted)).toBeUndefined();
    const dup = Buffer.from("00000002" + "00000001" + "61" + "00000000" + "00000001" + "61" + "00000000", "hex");
    expect(decodeEncryptionContext(dup)).toBeUndefined();
    const badUtf8 = Buffer.from("00000001" + "00000001" + "ff" + "00000000", "hex");
    expect(decodeEncryptionContext(badUtf8)).toBeUndefined();
  });

  it("flags lone surrogates", () => {
    expect(isWellFormedUnicode("a\u{1f600}")).toBe(true);
    expect(isWellFormedUnicode("a\ud800")).toBe(false);
    expect(isWellFormedUnicode("\udc00a")).toBe(false);
  });
});
