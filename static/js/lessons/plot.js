// Small SVG line plots for the lecture's panels (no plotting library, no server): lines and
// points on linear or log10 axes, with ticks, axis labels and a legend. Colours come from
// classes styled in css/teaching.css (the page's CSP allows no inline styles).
import {formatNumber} from "../lib/format.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 420;
const HEIGHT = 280;
const MARGIN = {left: 62, right: 14, top: 14, bottom: 62};

function el(name, attributes = {}, text = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

// A scale from data to pixels; log scales drop values that are not positive.
function scale(values, low, high, log) {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0)).map((v) => (log ? Math.log10(v) : v));
  let min = Math.min(...usable);
  let max = Math.max(...usable);
  if (!usable.length) [min, max] = [0, 1];
  if (min === max) [min, max] = [min - 1, max + 1];
  const map = (v) => low + ((log ? Math.log10(v) : v) - min) / (max - min) * (high - low);
  const ticks = log
    ? Array.from({length: Math.floor(max) - Math.ceil(min) + 1}, (_, i) => 10 ** (Math.ceil(min) + i))
    : Array.from({length: 5}, (_, i) => min + (max - min) * i / 4);
  const usableValue = (v) => Number.isFinite(v) && (!log || v > 0);
  return {map, ticks: log && ticks.length > 7 ? ticks.filter((_, i) => i % 2 === 0) : ticks, usableValue};
}

function tickLabel(v, log) {
  if (log) return `1e${Math.round(Math.log10(v))}`.replace("-", "−");
  return formatNumber(Number(v.toPrecision(3)));
}

// series: [{label, points: [[x, y], ...], kind: "line" | "points" | "both", className}]
export function linePlot({series, xLabel, yLabel, xLog = false, yLog = false, marks = [], title}) {
  const xs = series.flatMap((s) => s.points.map((p) => p[0])).concat(marks.map((m) => m.x));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const x = scale(xs, MARGIN.left, WIDTH - MARGIN.right, xLog);
  const y = scale(ys, HEIGHT - MARGIN.bottom, MARGIN.top, yLog);
  const svg = el("svg", {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "plot", role: "img", "aria-label": title});
  svg.append(el("title", {}, title));
  const axes = el("g", {class: "plot-axes"});
  axes.append(el("line", {x1: MARGIN.left, y1: HEIGHT - MARGIN.bottom, x2: WIDTH - MARGIN.right, y2: HEIGHT - MARGIN.bottom}));
  axes.append(el("line", {x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: HEIGHT - MARGIN.bottom}));
  for (const t of x.ticks) {
    const px = x.map(t);
    axes.append(el("line", {class: "plot-grid", x1: px, y1: MARGIN.top, x2: px, y2: HEIGHT - MARGIN.bottom}));
    axes.append(el("text", {x: px, y: HEIGHT - MARGIN.bottom + 16, "text-anchor": "middle"}, tickLabel(t, xLog)));
  }
  for (const t of y.ticks) {
    const py = y.map(t);
    axes.append(el("line", {class: "plot-grid", x1: MARGIN.left, y1: py, x2: WIDTH - MARGIN.right, y2: py}));
    axes.append(el("text", {x: MARGIN.left - 6, y: py + 4, "text-anchor": "end"}, tickLabel(t, yLog)));
  }
  axes.append(el("text", {x: (MARGIN.left + WIDTH - MARGIN.right) / 2, y: HEIGHT - MARGIN.bottom + 32, "text-anchor": "middle", class: "plot-label"}, xLabel));
  axes.append(el("text", {x: 14, y: (MARGIN.top + HEIGHT - MARGIN.bottom) / 2, "text-anchor": "middle", class: "plot-label",
    transform: `rotate(-90 14 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2})`}, yLabel));
  svg.append(axes);
  for (const mark of marks) {
    const px = x.map(mark.x);
    const g = el("g", {class: "plot-mark"});
    g.append(el("line", {x1: px, y1: MARGIN.top, x2: px, y2: HEIGHT - MARGIN.bottom}));
    g.append(el("text", {x: px + 4, y: MARGIN.top + 12}, mark.label));
    svg.append(g);
  }
  series.forEach((s, i) => svg.append(drawSeries(s, x, y, i)));
  return svg;
}

function drawSeries(s, x, y, i) {
  const g = el("g", {class: `plot-series ${s.className || `series-${i}`}`, "data-series": s.label});
  const points = s.points.filter(([px, py]) => x.usableValue(px) && y.usableValue(py));
  if (s.kind !== "points" && points.length > 1) {
    g.append(el("polyline", {points: points.map(([px, py]) => `${x.map(px).toFixed(1)},${y.map(py).toFixed(1)}`).join(" ")}));
  }
  if (s.kind !== "line") {
    for (const [px, py] of points) g.append(el("circle", {cx: x.map(px).toFixed(1), cy: y.map(py).toFixed(1), r: 3}));
  }
  const legend = el("g", {class: "plot-legend"});
  // The legend in a row under the x axis, one slot per series.
  const left = MARGIN.left + i * 170;
  legend.append(el("line", {x1: left, y1: HEIGHT - 10, x2: left + 20, y2: HEIGHT - 10}));
  legend.append(el("text", {x: left + 26, y: HEIGHT - 6}, s.label));
  g.append(legend);
  return g;
}
