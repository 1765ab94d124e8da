// Child process for the peak-RSS measurement: `node --expose-gc rss-child.mjs <implementation id> <bytes>`.
// Loads everything, settles, takes the idle RSS, then streams <bytes> through encrypt → decrypt in one pipeline
// (source → encrypt → decrypt → counting sink) while sampling RSS every 10 ms; prints one JSON line
// { idleRss, peakRss, bytes, ms } (bytes of RSS).
import { byId } from "./implementations.mjs";
import { sink, source, timed } from "./streams.mjs";

const [id, bytesArg] = process.argv.slice(2);
const size = Number(bytesArg);
const impl = byId(id);

// warm up the code paths on a small message, then settle
{
  const { stream } = impl.encrypt();
  const out = sink(true);
  await timed(source(256 * 1024), stream, out);
}
globalThis.gc?.();
await new Promise((r) => setTimeout(r, 200));
globalThis.gc?.();
const idleRss = process.memoryUsage.rss();

let peakRss = idleRss;
const sampler = setInterval(() => {
  const r = process.memoryUsage.rss();
  if (r > peakRss) peakRss = r;
}, 10);
const { stream: enc } = impl.encrypt();
if (impl.id === "node-aes-256-gcm") throw new Error("the ceiling needs the tag before decrypting; not an RSS case");
const out = sink(false);
const ms = await timed(source(size), enc, impl.decrypt(undefined), out);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
if (out.bytes !== size) throw new Error(`decrypted ${out.bytes} bytes, expected ${size}`);
process.stdout.write(JSON.stringify({ idleRss, peakRss, bytes: size, ms }) + "\n");
