// reports/envelope.md + reports/envelope.json + SVG charts, from one run's figures: tables, the issue's targets
// (reported, not asserted) with the measured ratios, and for each missed target why, from that run's figures and
// profiles.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { messagesChart, throughputChart } from "./charts.mjs";
import { GiB, KiB, MiB } from "./streams.mjs";

const reports = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "reports");
const sizeLabel = (s) => (s >= GiB ? `${s / GiB} GiB` : s >= MiB ? `${s / MiB} MiB` : `${s / KiB} KiB`);
const fmt = (x, d = 1) => (x == null || Number.isNaN(x) ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const pct = (x) => `${(x * 100).toFixed(0)} %`;

export async function writeReport(run) {
  const { machine, taskMs, sizes, oneShot, throughput, rss, messages, profiles } = run;
  const row = (id, size) => throughput.find((r) => r.id === id && r.size === size);
  const big = sizes.filter((s) => s >= 64 * MiB);
  const large = sizes.filter((s) => s >= MiB);
  const ratios = (num, den, over, cpu = false) =>
    over.flatMap((s) => {
      const a = row(num, s), b = row(den, s);
      const [e, d] = cpu ? ["encryptCpuMBps", "decryptCpuMBps"] : ["encryptMBps", "decryptMBps"];
      return a && b ? [{ size: s, dir: "encrypt", r: a[e] / b[e] }, { size: s, dir: "decrypt", r: a[d] / b[d] }] : [];
    });
  const worst = (list) => list.reduce((m, x) => (m === undefined || x.r < m.r ? x : m), undefined);
  const detail = (w) => (w ? `lowest: ${w.dir} at ${sizeLabel(w.size)}` : "not measured");
  // every (size, direction) ratio, wall-clock and per CPU-second, for the table
  const each = (wall, cpu) => wall.map((x, i) => `${x.dir} ${sizeLabel(x.size)} ${x.r.toFixed(2)}${cpu?.[i] ? ` (CPU ${cpu[i].r.toFixed(2)})` : ""}`).join(", ");
  const oneShotAt = (size) => oneShot.find((o) => o.size === size);
  const best64 = oneShotAt(64 * KiB);

  const targets = [];
  const meets = (value, goal, cmp) => value !== undefined && (cmp === "≤" ? value <= goal : value >= goal);
  const target = (key, what, value, goal, cmp, extra, cpuValue) =>
    targets.push({ key, what, value, cpuValue, goal, met: meets(value, goal, cmp), cpuMet: cpuValue === undefined ? undefined : meets(cpuValue, goal, cmp), cmp, detail: extra });
  {
    const wl = ratios("openkms-AES_256_GCM-64k", "node-aes-256-gcm", big), cl = ratios("openkms-AES_256_GCM-64k", "node-aes-256-gcm", big, true);
    target("aes-ceiling", "AES_256_GCM envelope (64 KiB frames) ÷ raw node:crypto AES-256-GCM, messages ≥ 64 MiB", worst(wl)?.r, 0.8, "≥", `${detail(worst(wl))}; ${each(wl, cl)}`, worst(cl)?.r);
  }
  {
    const wl = ratios("openkms-AES_256_GCM-64k", "esdk-4k", large), cl = ratios("openkms-AES_256_GCM-64k", "esdk-4k", large, true);
    target("esdk-default", "AES_256_GCM envelope at its default 64 KiB frames ÷ AWS ESDK at its default 4 KiB frames, messages ≥ 1 MiB", worst(wl)?.r, 10, "≥", `${detail(worst(wl))}; ${each(wl, cl)}`, worst(cl)?.r);
  }
  {
    const w4 = ratios("openkms-AES_256_GCM-4k", "esdk-4k", large), c4 = ratios("openkms-AES_256_GCM-4k", "esdk-4k", large, true);
    const w64 = ratios("openkms-AES_256_GCM-64k", "esdk-64k", large), c64 = ratios("openkms-AES_256_GCM-64k", "esdk-64k", large, true);
    target("esdk-same", "AES_256_GCM envelope ÷ AWS ESDK at the same frame size (4 KiB and 64 KiB), messages ≥ 1 MiB", worst([...w4, ...w64])?.r, 2, "≥",
      `${detail(worst([...w4, ...w64]))}; 4 KiB: ${each(w4, c4)}; 64 KiB: ${each(w64, c64)}`, worst([...c4, ...c64])?.r);
  }
  {
    const list = (cpu) => big.flatMap((s) => {
      const a = row("openkms-SM4_GCM-64k", s);
      if (!a || !best64) return [];
      return [
        { size: s, dir: "encrypt", r: a[cpu ? "encryptCpuMBps" : "encryptMBps"] / Math.max(best64.sealMBps, best64.preparedSealMBps) },
        { size: s, dir: "decrypt", r: a[cpu ? "decryptCpuMBps" : "decryptMBps"] / Math.max(best64.openMBps, best64.preparedOpenMBps) },
      ];
    });
    const w = worst(list(false));
    target("sm4-one-shot", "SM4_GCM envelope (64 KiB frames) ÷ WASM SM4-GCM one-shot on 64 KiB (best of plain and prepared key), messages ≥ 64 MiB", w?.r, 0.8, "≥", `${detail(w)}; ${each(list(false))}`);
  }
  {
    const ours = rss.filter((r) => r.id.startsWith("openkms-"));
    const w = ours.reduce((m, r) => (m === undefined || r.overIdle > m.overIdle ? r : m), undefined);
    target("rss", `peak RSS above idle while ${sizeLabel(w?.bytes ?? GiB)} streams through encrypt → decrypt (MiB)`, w ? w.overIdle / MiB : undefined, 64, "≤", w ? `highest: ${w.id}` : "");
  }
  {
    const cached = messages.filter((m) => m.cached);
    const bestEnc = cached.reduce((m, r) => (m === undefined || r.encrypt.perSec > m.encrypt.perSec ? r : m), undefined);
    target("cache-rate", "1 KiB messages/s with the DataKeyCache (encrypt, best concurrency)", bestEnc?.encrypt.perSec, 20000, "≥", bestEnc ? `concurrency ${bestEnc.concurrency}, ${bestEnc.suite}` : "");
    const perEntry = Math.max(...cached.flatMap((m) => [m.encrypt.callsPerEntry, m.decrypt.callsPerEntry]));
    target("cache-calls", "KMS calls per cache entry (encrypt and decrypt, every concurrency)", perEntry, 1, "≤", "");
  }

  const json = { machine, taskMs, rounds: run.rounds, sizes, oneShot, throughput, rss, messages, profiles, targets };
  mkdirSync(reports, { recursive: true });
  writeFileSync(join(reports, "envelope.json"), JSON.stringify(json, null, 2) + "\n");

  // ---- charts ----
  const chartRows = (dir) => throughput.map((r) => ({ impl: r.short ?? r.label, group: r.group, size: sizeLabel(r.size), mbps: Number((dir === "encrypt" ? r.encryptMBps : r.decryptMBps).toFixed(1)) }));
  writeFileSync(join(reports, "envelope-encrypt.svg"), await throughputChart(chartRows("encrypt"), "Streamed encryption, MB/s (higher is better)"));
  writeFileSync(join(reports, "envelope-decrypt.svg"), await throughputChart(chartRows("decrypt"), "Streamed decryption, MB/s (higher is better)"));
  writeFileSync(
    join(reports, "envelope-messages.svg"),
    await messagesChart(messages.flatMap((m) => ["encrypt", "decrypt"].map((d) => ({ case: `${d}, concurrency ${m.concurrency}`, cache: m.cached ? "DataKeyCache" : "no cache", perSec: Math.round(m[d].perSec) })))),
  );

  // ---- markdown ----
  let md = `# Envelope benchmark\n\nGenerated by \`pnpm bench:envelope\` (bench/src/envelope.mjs) — do not edit. Messages ≤ 1 MiB repeat for ${taskMs} ms, larger ones run once per round; sizes up to 64 MiB are measured in ${run.rounds} interleaved rounds (best kept), 1 GiB in one.\n\n`;
  md += `## Machine\n\n| | |\n| --- | --- |\n` + Object.entries(machine).map(([k, v]) => `| ${k} | ${v} |`).join("\n") + "\n\n";
  md += `The machine is shared with other work (see loadAverage1m): absolute MB/s move between runs; the ratios compare rows measured in the same run.\n\n`;
  md += `## Targets (issue 10; reported, not asserted)\n\nRatios are of wall-clock MB/s (best of the interleaved rounds); "per CPU-second" is the same ratio of MB per CPU-second of the process, which other processes' load moves much less.\n\n| target | measured | per CPU-second | goal | status |\n| --- | ---: | ---: | ---: | --- |\n`;
  for (const t of targets) {
    const unit = t.key === "rss" || t.key.startsWith("cache") ? "" : "×";
    const status = t.value === undefined ? "not measured" : t.met ? "met" : t.cpuMet ? "**missed** (met per CPU-second)" : "**MISSED**";
    md += `| ${t.what}${t.detail ? ` (${t.detail})` : ""} | ${fmt(t.value, 2)}${unit} | ${t.cpuValue === undefined ? "–" : `${fmt(t.cpuValue, 2)}${unit}`} | ${t.cmp} ${t.goal}${unit} | ${status} |\n`;
  }
  const missed = targets.filter((t) => t.value !== undefined && !t.met);
  md += missed.length ? `\n**${missed.length} target(s) missed in this run.** Why, from this run's figures:\n\n` : "\nAll targets met in this run.\n\n";
  for (const t of missed) md += `- **${t.what}:** ${why(t.key, run, row)}\n`;
  md += "\n";

  md += `## Streamed throughput\n\nMB/s = 10^6 bytes of plaintext per second; source and sink in memory (data made on the fly, 64 KiB chunks); one thread.\n\n`;
  md += `![encryption MB/s](envelope-encrypt.svg)\n\n![decryption MB/s](envelope-decrypt.svg)\n\n`;
  md += `| implementation | ${sizes.map((s) => `${sizeLabel(s)} enc`).join(" | ")} | ${sizes.map((s) => `${sizeLabel(s)} dec`).join(" | ")} |\n| --- |${" ---: |".repeat(sizes.length * 2)}\n`;
  for (const id of [...new Set(throughput.map((r) => r.id))]) {
    const first = throughput.find((r) => r.id === id);
    md += `| ${first.label} | ${sizes.map((s) => fmt(row(id, s)?.encryptMBps)).join(" | ")} | ${sizes.map((s) => fmt(row(id, s)?.decryptMBps)).join(" | ")} |\n`;
  }
  md += `\nMB per CPU-second (the process's user + system CPU time, all its threads):\n\n| implementation | ${sizes.map((s) => `${sizeLabel(s)} enc`).join(" | ")} | ${sizes.map((s) => `${sizeLabel(s)} dec`).join(" | ")} |\n| --- |${" ---: |".repeat(sizes.length * 2)}\n`;
  for (const id of [...new Set(throughput.map((r) => r.id))]) {
    const first = throughput.find((r) => r.id === id);
    md += `| ${first.label} | ${sizes.map((s) => fmt(row(id, s)?.encryptCpuMBps)).join(" | ")} | ${sizes.map((s) => fmt(row(id, s)?.decryptCpuMBps)).join(" | ")} |\n`;
  }
  md += `\n### Ratios (same run)\n\n| OpenKMS envelope | peer | ${sizes.map((s) => `${sizeLabel(s)} enc`).join(" | ")} | ${sizes.map((s) => `${sizeLabel(s)} dec`).join(" | ")} |\n| --- | --- |${" ---: |".repeat(sizes.length * 2)}\n`;
  const pairs = [
    ["openkms-AES_256_GCM-64k", "node-aes-256-gcm"], ["openkms-AES_256_GCM-4k", "node-aes-256-gcm"],
    ["openkms-AES_256_GCM-64k", "esdk-4k"], ["openkms-AES_256_GCM-64k", "esdk-64k"], ["openkms-AES_256_GCM-4k", "esdk-4k"],
    ["openkms-SM4_GCM-64k", "node-sm4-ctr"], ["openkms-SM4_GCM-4k", "node-sm4-ctr"],
  ];
  for (const [a, b] of pairs) {
    const la = throughput.find((r) => r.id === a)?.label, lb = throughput.find((r) => r.id === b)?.label;
    if (!la || !lb) continue;
    const cell = (s, k) => (row(a, s) && row(b, s) ? `${(row(a, s)[k] / row(b, s)[k]).toFixed(2)}×` : "–");
    md += `| ${la} | ${lb} | ${sizes.map((s) => cell(s, "encryptMBps")).join(" | ")} | ${sizes.map((s) => cell(s, "decryptMBps")).join(" | ")} |\n`;
  }
  md += `\nThe AWS ESDK rows use its committing suite without signatures (ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY), the like-for-like peer of ours; its default suite adds an ECDSA P-384 signature over the message (row "default suite (signed, P-384)", measured up to 64 MiB).\n\n`;

  md += `### WASM SM4-GCM one-shot (the SM4 target's reference)\n\n| size | seal MB/s | open MB/s | prepared key seal MB/s | prepared key open MB/s |\n| --- | ---: | ---: | ---: | ---: |\n`;
  for (const o of oneShot) md += `| ${sizeLabel(o.size)} | ${fmt(o.sealMBps)} | ${fmt(o.openMBps)} | ${fmt(o.preparedSealMBps)} | ${fmt(o.preparedOpenMBps)} |\n`;

  md += `\n## Peak memory\n\nEach case in its own process: idle RSS after loading and a warm-up, then the peak (sampled every 10 ms) while the message streams through encrypt → decrypt in one pipeline.\n\n| implementation | message | idle RSS MiB | peak RSS MiB | above idle MiB | seconds |\n| --- | --- | ---: | ---: | ---: | ---: |\n`;
  for (const r of rss) md += `| ${throughput.find((t) => t.id === r.id)?.label ?? r.id} | ${sizeLabel(r.bytes)} | ${fmt(r.idleRss / MiB)} | ${fmt(r.peakRss / MiB)} | ${fmt(r.overIdle / MiB)} | ${fmt(r.ms / 1000)} |\n`;

  md += `\n## 1 KiB messages against a running server\n\n\`openkms serve\` in a child process (rate limits off), \`@openkms/client\` KmsClient, KmsKeyring over one CMK (${messages[0]?.suite}), one-shot \`encrypt\` then \`decrypt\` of those messages; with the cache an entry serves up to 10,000 messages (300 s). KMS calls counted at the client's fetch.\n\n![messages/s](envelope-messages.svg)\n\n`;
  md += `| concurrency | cache | encrypt msgs/s | KMS calls (encrypt) | calls per entry | decrypt msgs/s | KMS calls (decrypt) | calls per entry |\n| ---: | --- | ---: | --- | ---: | ---: | --- | ---: |\n`;
  const calls = (c) => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(", ") || "0";
  for (const m of messages) {
    md += `| ${m.concurrency} | ${m.cached ? "DataKeyCache" : "none"} | ${fmt(m.encrypt.perSec, 0)} | ${calls(m.encrypt.kmsCalls)} | ${fmt(m.encrypt.callsPerEntry, 2)} | ${fmt(m.decrypt.perSec, 0)} | ${calls(m.decrypt.kmsCalls)} | ${fmt(m.decrypt.callsPerEntry, 2)} |\n`;
  }

  md += `\n## Where the time goes (V8 CPU profiles, ${sizeLabel(profiles[0]?.bytes ?? 64 * MiB)} messages)\n\nSelf time as shares of the profile's time, by area (package or Node module) and by function; "(native)" is code without a script (node:crypto's bindings, which run OpenSSL), "(program)" other native work of V8 and Node.\n\n`;
  for (const p of profiles) {
    md += `**${throughput.find((t) => t.id === p.id)?.label ?? p.id}, ${p.direction}** — native ${pct(p.buckets.native)}, WASM ${pct(p.buckets.wasm)}, JavaScript ${pct(p.buckets.js)}, GC ${pct(p.buckets.gc)}, idle ${pct(p.buckets.idle)}.\n` +
      `By area: ${p.byArea.slice(0, 6).map((a) => `${a.name} ${pct(a.share)}`).join("; ")}.\n` +
      `By function: ${p.top.map((t) => `${t.fn} ${pct(t.share)}`).join("; ")}.\n\n`;
  }
  writeFileSync(join(reports, "envelope.md"), md);
  return { targets };
}

/** Why a target was missed, built from this run's figures. */
function why(key, run, row) {
  const { throughput, oneShot, rss, messages, profiles } = run;
  const prof = (id, dir) => profiles.find((p) => p.id === id && p.direction === dir);
  const profLine = (id, dir) => {
    const p = prof(id, dir);
    return p ? `profile of ${id} ${dir}: native ${pct(p.buckets.native)}, WASM ${pct(p.buckets.wasm)}, JS ${pct(p.buckets.js)}, GC ${pct(p.buckets.gc)}; top ${p.top.slice(0, 4).map((t) => `${t.fn} ${pct(t.share)}`).join(", ")}` : "";
  };
  const sizes = [...new Set(throughput.map((r) => r.size))];
  const biggest = Math.max(...sizes);
  const r = (id) => row(id, biggest);
  // Per-frame cost from the 4 KiB and 64 KiB rows (CPU-time rates, bytes per µs = MB/s): time per byte
  // t = a + c / frame, so c = (t4 − t64) / (1/4096 − 1/65536) µs per frame and a = t64 − c/65536 µs per byte.
  const perFrame = (id4, id64, dir) => {
    const k = dir === "encrypt" ? "encryptCpuMBps" : "decryptCpuMBps";
    const r4 = r(id4)?.[k], r64 = r(id64)?.[k];
    if (!r4 || !r64) return undefined;
    const t4 = 1 / r4, t64 = 1 / r64;
    const c = (t4 - t64) / (1 / 4096 - 1 / 65536);
    const a = t64 - c / 65536;
    return { c, a, share64: c / 65536 / t64 };
  };
  const frameLine = (id4, id64, dir, name) => {
    const f = perFrame(id4, id64, dir);
    return f ? `${name} ${dir}: ${fmt(f.c, 1)} µs fixed per frame + ${fmt(1 / f.a)} MB per CPU-second of streaming (the fixed part is ${pct(f.share64)} of a 64 KiB frame)` : "";
  };
  const ceilingCpu = (dir) => r("node-aes-256-gcm")?.[dir === "encrypt" ? "encryptCpuMBps" : "decryptCpuMBps"];
  switch (key) {
    case "aes-ceiling":
      return `at ${sizeLabel(biggest)} the envelope runs ${fmt(r("openkms-AES_256_GCM-64k")?.encryptMBps)} / ${fmt(r("openkms-AES_256_GCM-64k")?.decryptMBps)} MB/s (enc/dec) against the ceiling's ${fmt(r("node-aes-256-gcm")?.encryptMBps)} / ${fmt(r("node-aes-256-gcm")?.decryptMBps)} ` +
        `(per CPU-second ${fmt(r("openkms-AES_256_GCM-64k")?.encryptCpuMBps)} / ${fmt(r("openkms-AES_256_GCM-64k")?.decryptCpuMBps)} against ${fmt(ceilingCpu("encrypt"))} / ${fmt(ceilingCpu("decrypt"))}). ` +
        `The ceiling is one GCM operation over the whole stream; the envelope seals every frame separately (node:crypto has no reusable GCM key: a cipher object, key schedule and GHASH key per frame, plus the AAD, the tag and the frame prefix). ` +
        `From the 4 KiB and 64 KiB rows: ${frameLine("openkms-AES_256_GCM-4k", "openkms-AES_256_GCM-64k", "encrypt", "envelope")}; ${frameLine("openkms-AES_256_GCM-4k", "openkms-AES_256_GCM-64k", "decrypt", "envelope")}. ` +
        `Wall-clock figures on this machine also carry the other processes' load (compare the per-CPU-second column). ${profLine("openkms-AES_256_GCM-64k", "encrypt")}; ${profLine("openkms-AES_256_GCM-64k", "decrypt")}; ${profLine("node-aes-256-gcm", "encrypt")}.`;
    case "esdk-default":
    case "esdk-same":
      return `at ${sizeLabel(biggest)}: envelope AES 4 KiB ${fmt(r("openkms-AES_256_GCM-4k")?.encryptMBps)} / ${fmt(r("openkms-AES_256_GCM-4k")?.decryptMBps)} MB/s and 64 KiB ${fmt(r("openkms-AES_256_GCM-64k")?.encryptMBps)} / ${fmt(r("openkms-AES_256_GCM-64k")?.decryptMBps)}; AWS ESDK 4 KiB ${fmt(r("esdk-4k")?.encryptMBps)} / ${fmt(r("esdk-4k")?.decryptMBps)} and 64 KiB ${fmt(r("esdk-64k")?.encryptMBps)} / ${fmt(r("esdk-64k")?.decryptMBps)}. ` +
        `Both seal each frame with its own node:crypto cipher object, so what differs is the fixed cost around each frame: ${frameLine("openkms-AES_256_GCM-4k", "openkms-AES_256_GCM-64k", "encrypt", "envelope")}; ${frameLine("esdk-4k", "esdk-64k", "encrypt", "AWS ESDK")}; ${frameLine("openkms-AES_256_GCM-4k", "openkms-AES_256_GCM-64k", "decrypt", "envelope")}; ${frameLine("esdk-4k", "esdk-64k", "decrypt", "AWS ESDK")}. ` +
        `${profLine("esdk-4k", "encrypt")}; ${profLine("openkms-AES_256_GCM-64k", "encrypt")}.`;
    case "sm4-one-shot": {
      const o = oneShot.find((x) => x.size === 64 * KiB);
      return `WASM SM4-GCM one-shot on 64 KiB: seal ${fmt(o?.sealMBps)} (prepared ${fmt(o?.preparedSealMBps)}), open ${fmt(o?.openMBps)} (prepared ${fmt(o?.preparedOpenMBps)}) MB/s; the envelope at ${sizeLabel(biggest)}: ${fmt(r("openkms-SM4_GCM-64k")?.encryptMBps)} / ${fmt(r("openkms-SM4_GCM-64k")?.decryptMBps)} MB/s — ${profLine("openkms-SM4_GCM-64k", "encrypt")}; ${profLine("openkms-SM4_GCM-64k", "decrypt")}.`;
    }
    case "rss":
      return rss.map((x) => `${x.id}: ${fmt(x.overIdle / MiB)} MiB above an idle ${fmt(x.idleRss / MiB)} MiB`).join("; ") + ". Above-idle RSS includes the V8 heap's growth before a collection and the stream buffers (highWaterMark × stages).";
    case "cache-rate": {
      const c = messages.filter((m) => m.cached);
      const small = throughput.filter((t) => t.size === 1024 && t.group === "openkms");
      const usPer = (t) => 1e6 / ((t.encryptCpuMBps * 1e6) / 1024);
      return c.map((m) => `concurrency ${m.concurrency}: ${fmt(m.encrypt.perSec, 0)} encrypt / ${fmt(m.decrypt.perSec, 0)} decrypt msgs/s with ${fmt(m.encrypt.callsPerMessage, 4)} KMS calls per message`).join("; ") +
        `. With the cache no KMS call is left on the path, so the rate is the CPU cost of one 1 KiB message: in the streamed 1 KiB rows of this run (RawKeyring: its wrap included) a message costs ` +
        small.map((t) => `${fmt(usPer(t), 0)} µs of CPU (${t.label})`).join(", ") +
        ` — per message a random message id, an HKDF-SHA-256 derivation of the frame key and commitment, a header built and authenticated, and one frame sealed, each a node:crypto or WASM call. 20,000 msgs/s needs ≤ 50 µs per message on one core that is not shared; this machine's cores were also running the server process and other work (load above).`;
    }
    case "cache-calls":
      return messages.filter((m) => m.cached).map((m) => `concurrency ${m.concurrency}: encrypt ${fmt(m.encrypt.callsPerEntry, 2)}, decrypt ${fmt(m.decrypt.callsPerEntry, 2)} calls per entry`).join("; ") + ".";
    default:
      return "see the tables.";
  }
}
