import { describe, expect, it } from "vitest";
import { constantTimeEqual, constantTimeEqualText } from "../src/constant-time.js";

describe("constantTimeEqualText", () => {
  it("is true for equal strings only, whatever the length or the place of the difference", () => {
    const a = "3f".repeat(32);
    expect(constantTimeEqualText(a, a.slice())).toBe(true);
    expect(constantTimeEqualText("", "")).toBe(true);
    for (const i of [0, 31, 63]) expect(constantTimeEqualText(a, a.slice(0, i) + "0" + a.slice(i + 1))).toBe(false);
    expect(constantTimeEqualText(a, a.slice(1))).toBe(false);
    expect(constantTimeEqualText("é", "e")).toBe(false);
  });
});

describe("constantTimeEqual", () => {
  it("is true for equal byte strings only", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
  });
});
