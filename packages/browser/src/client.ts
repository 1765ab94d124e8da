/**
 * `@openkms/browser/client` — the `@openkms/client` KMS client, for pages: same constructor
 * (`{ endpoint, secretId, secretKey, region }`), every action, TC3-HMAC-SHA256 signing with WebCrypto, retries.
 * The server must list the page's origin (`openkms serve --cors-origin`).
 */
export * from "@openkms/client";
