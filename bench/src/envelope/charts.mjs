// SVG charts for the envelope report, rendered server-side by Vega (vega-lite spec → vega view → toSVG, no canvas).
import * as vega from "vega";
import * as vl from "vega-lite";

async function render(spec) {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

const GROUP_COLORS = { domain: ["openkms", "ceiling", "esdk"], range: ["#2f6fb0", "#8c8c8c", "#e07b28"] };

/**
 * Horizontal bars of MB/s per implementation, one panel per message size (each with its own scale).
 * @param rows { impl, group, size (label), mbps }
 */
export function throughputChart(rows, title) {
  return render({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values: rows },
    facet: { row: { field: "size", type: "ordinal", sort: null, title: "message size", header: { labelAngle: 0, labelAlign: "left" } } },
    spec: {
      width: 420,
      height: { step: 14 },
      mark: { type: "bar" },
      encoding: {
        y: { field: "impl", type: "nominal", sort: null, title: null, axis: { labelLimit: 0 } },
        x: { field: "mbps", type: "quantitative", title: "MB/s (10^6 bytes/s)" },
        color: { field: "group", type: "nominal", scale: GROUP_COLORS, title: null },
        tooltip: [{ field: "mbps", format: ".1f" }],
      },
    },
    resolve: { scale: { x: "independent" } },
  });
}

/** Grouped bars of messages/s, per direction and concurrency, without and with the cache. */
export function messagesChart(rows) {
  return render({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "1 KiB messages/s against a running server (KmsKeyring)",
    data: { values: rows },
    width: 420,
    height: { step: 28 },
    mark: "bar",
    encoding: {
      y: { field: "case", type: "nominal", sort: null, title: null, axis: { labelLimit: 320 } },
      x: { field: "perSec", type: "quantitative", title: "messages/s" },
      yOffset: { field: "cache", type: "nominal", sort: ["no cache", "DataKeyCache"] },
      color: { field: "cache", type: "nominal", title: null, scale: { domain: ["no cache", "DataKeyCache"], range: ["#8c8c8c", "#2f6fb0"] } },
    },
  });
}
