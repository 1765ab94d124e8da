// Minimal typing of the parts of the `sm-crypto` test oracle the tests use (hex-string API).
declare module "sm-crypto" {
  interface Sm2 {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    doEncrypt(msg: string | number[] | Uint8Array, publicKeyHex: string, cipherMode?: 0 | 1): string;
    doDecrypt(hex: string, privateKeyHex: string, cipherMode: 0 | 1, opts: { output: "array" }): number[];
    doSignature(msg: string | number[] | Uint8Array, privateKeyHex: string, opts?: { der?: boolean; hash?: boolean; publicKey?: string; userId?: string }): string;
    doVerifySignature(msg: string | number[] | Uint8Array, sigHex: string, publicKeyHex: string, opts?: { der?: boolean; hash?: boolean; userId?: string }): boolean;
  }
  const smCrypto: { sm2: Sm2 };
  export default smCrypto;
}
