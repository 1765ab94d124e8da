/** One file of the console, as `openkms serve` sends it. */
export interface ConsoleAsset {
  /** `Content-Type` header value. */
  contentType: string;
  /** Strong ETag (quoted) of the body. */
  etag: string;
  /** UTF-8 text. */
  body: string;
}

/** The console's files by path under `/console/` (`index.html`, `console.js`, `styles.css`, `chunks/…`). */
export declare const consoleAssets: Readonly<Record<string, ConsoleAsset>>;
