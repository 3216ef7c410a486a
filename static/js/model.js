// Plain helpers over the graph JSON (docs/graph-json.md): lookups and number formatting.

export function indexGraph(doc) {
  const nodes = new Map(doc.graph.nodes.map((n) => [n.id, n]));
  const edges = new Map(doc.graph.edges.map((e) => [e.id, e]));
  const incoming = new Map();
  for (const e of doc.graph.edges) {
    if (!incoming.has(e.target)) incoming.set(e.target, []);
    incoming.get(e.target).push(e);
  }
  const inputs = doc.graph.nodes.filter((n) => n.kind === "input");
  return {doc, nodes, edges, incoming, inputs, timeline: doc.timeline};
}

export function nodeName(node) {
  return node.name || node.label || node.id;
}

export function isNumber(v) {
  return typeof v === "number" || v === "NaN" || v === "Infinity" || v === "-Infinity";
}

// Four significant digits like the drawing's labels: 10 -> "10", -218.46250915527344 -> "−218.5".
export function formatNumber(v) {
  if (typeof v === "string") return v === "Infinity" ? "∞" : v === "-Infinity" ? "−∞" : v;
  if (typeof v !== "number") return "?";
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "−∞";
  // Python's "{:.4g}": an exponent below 1e-4 and from 1e4 up.
  const exponent = Math.floor(Math.log10(Math.abs(v)));
  const text = exponent < -4 || exponent >= 4
    ? v.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e")
    : String(Number(v.toPrecision(4)));
  return text.replace("-", "−");
}

const MAX_LISTED = 8;

// A value for a caption: a number, a short list, or the shape of a larger tensor.
export function formatValue(v, shape) {
  if (v === null || v === undefined) return shape && shape.length ? `[${shape.join("×")}]` : "?";
  if (!Array.isArray(v)) return formatNumber(v);
  const flat = v.flat(Infinity);
  if (flat.length > MAX_LISTED) return `tensor[${(shape || [flat.length]).join("×")}]`;
  const inner = (x) => (Array.isArray(x) ? `[${x.map(inner).join(", ")}]` : formatNumber(x));
  return inner(v);
}

export function isScalar(node) {
  return node && Array.isArray(node.shape) && node.shape.length === 0;
}

export function toNumber(v) {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v;
}

// Agreement of the path sum with autograd's grad: relative 1e-6.
export function agrees(sum, grad) {
  const a = toNumber(sum);
  const b = toNumber(grad);
  if (typeof a !== "number" || typeof b !== "number") return false;
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}
