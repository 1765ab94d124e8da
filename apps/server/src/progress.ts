/**
 * A progress bar on stderr (cli-progress) for `openkms encrypt|decrypt`, only when stderr is a terminal; otherwise a
 * pass-through that prints nothing. Counts input bytes; the total is the input file's size (unknown for stdin: then
 * bytes and rate only).
 */
import { PassThrough, Transform } from "node:stream";
import cliProgress from "cli-progress";

export interface Progress {
  /** Put this in the pipeline right after the input. */
  meter: Transform;
  /** Stop drawing (success or failure); leaves the terminal on a fresh line. */
  stop(): void;
}

const mib = (n: number) => (n / 1048576).toFixed(1);

/** @param totalBytes input size in bytes, or undefined when unknown */
export function progress(label: string, totalBytes: number | undefined, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { meter: new PassThrough(), stop() {} };
  const started = Date.now();
  const known = totalBytes !== undefined && totalBytes > 0;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      format: (_options, params, payload: { done: string; rate: string }) =>
        known
          ? `${label} [${"█".repeat(Math.round(params.progress * 30)).padEnd(30, "░")}] ${Math.floor(params.progress * 100)}% | ${payload.done}/${mib(params.total)} MiB | ${payload.rate} MiB/s`
          : `${label} ${payload.done} MiB | ${payload.rate} MiB/s`,
    },
    cliProgress.Presets.shades_classic,
  );
  let seen = 0;
  const payload = () => ({ done: mib(seen), rate: mib(seen / Math.max(0.001, (Date.now() - started) / 1000)) });
  bar.start(known ? totalBytes : 0, 0, payload());
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      bar.update(known ? seen : 0, payload());
      done(null, chunk);
    },
  });
  let stopped = false;
  return {
    meter,
    stop() {
      if (stopped) return;
      stopped = true;
      bar.update(known ? seen : 0, payload());
      bar.stop();
    },
  };
}
