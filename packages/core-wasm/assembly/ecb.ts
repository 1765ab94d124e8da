// ECB mode (NIST SP 800-38A §6.1) over the context's cipher, in place on IO. `len` is a multiple of 16 (the glue
// applies and checks PKCS#7 padding).
import { IO } from "./_layout";
import { decryptBlocks, encryptBlocks } from "./_cipher";

export function ecbEncrypt(len: i32): void {
  encryptBlocks(IO, IO, len >> 4);
}

export function ecbDecrypt(len: i32): void {
  decryptBlocks(IO, IO, len >> 4);
}
