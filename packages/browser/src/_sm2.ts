// SM2 behind a dynamic import: loads SM3's WASM core (asynchronously) only when an SM2 key is used.
import { ready } from "@openkms/crypto/backend";
import * as sm2 from "@openkms/crypto/sm2";

/** GB/T 32918.4 encryption, GM/T 0009 C1C3C2 ASN.1 (what AsymmetricSm2Decrypt takes). */
export async function sm2Encrypt(point: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  await ready();
  return sm2.encrypt(point, plaintext, "C1C3C2_ASN1");
}

/** SM2DSA verification (GB/T 32918.2), RAW with the default ID 1234567812345678 or DIGEST e = SM3(Z_A ‖ M). */
export async function sm2Verify(point: Uint8Array, message: Uint8Array, digest: boolean, signature: Uint8Array): Promise<boolean> {
  await ready();
  return digest ? sm2.verifyDigest(point, message, signature) : sm2.verify(point, message, signature);
}
