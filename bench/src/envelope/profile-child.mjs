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
const encryptKept = async (bytes) => {
  const { stream, meta } = impl.encrypt();
  const out = sink(true);
  await timed(source(bytes), stream, out);
  return { chunks: out.chunks, meta: meta() };
};
for (let i = 0; i < 2; i++) { // warm-up of both directions (JIT), not profiled
  const small = await encryptKept(8 * 1024 * 1024);
  await timed(replay(small.chunks), impl.decrypt(small.meta), sink(false));
}
const kept = direction === "decrypt" ? await encryptKept(size) : undefined;
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
