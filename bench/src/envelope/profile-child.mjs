// Child process for the profiles: `node profile-child.mjs <implementation id> <encrypt|decrypt> <bytes>`: one
// streamed message through one direction under the V8 CPU profiler (the profiler `node --cpu-prof` drives; started
// through node:inspector around the measured pipeline only, so a decrypt profile leaves out making its ciphertext).
// Prints the .cpuprofile JSON on stdout.
import { Session } from "node:inspector/promises";
import { byId } from "./implementations.mjs";
import { replay, sink, source, timed } from "./streams.mjs";

const INTERVAL_US = 200;
const [id, direction, bytesArg] = process.argv.slice(2);
const size = Number(bytesArg);
const impl = byId(id);
let kept;
if (direction === "decrypt") {
  const { stream, meta } = impl.encrypt();
  const out = sink(true);
  await timed(source(size), stream, out);
  kept = { chunks: out.chunks, meta: meta() };
} else {
  await timed(source(1024 * 1024), impl.encrypt().stream, sink(false)); // warm-up
}
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: INTERVAL_US });
await session.post("Profiler.start");
if (direction === "encrypt") await timed(source(size), impl.encrypt().stream, sink(false));
else await timed(replay(kept.chunks), impl.decrypt(kept.meta), sink(false));
const { profile } = await session.post("Profiler.stop");
session.disconnect();
// Every sample counts for one sampling interval: on a loaded machine the gap before a sample includes time this
// process was not running at all, which would otherwise be charged to whatever function that sample caught.
profile.timeDeltas = profile.timeDeltas.map(() => INTERVAL_US);
process.stdout.write(JSON.stringify(profile));
