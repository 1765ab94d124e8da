import { describe, expect, it } from "vitest";
import { hmacSha256, sha256 } from "../src/sha256.js";
import { toHex } from "./_vectors.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("SHA-256 / HMAC-SHA-256", () => {
  it("FIPS 180-4 example 'abc'", () => {
    expect(toHex(sha256(utf8("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
  it("RFC 4231 test case 2", () => {
    expect(toHex(hmacSha256(utf8("Jefe"), utf8("what do ya want for nothing?")))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });
});
