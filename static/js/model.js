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

// Six significant digits, no trailing zeros: 10 -> "10", -218.46250915527344 -> "-218.463".
export function formatNumber(v) {
  if (typeof v === "string") return v === "Infinity" ? "∞" : v === "-Infinity" ? "−∞" : v;
  if (typeof v !== "number") return "?";
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v).replace("-", "−");
  const text = Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4)
    ? v.toExponential(4).replace(/\.?0+e/, "e")
    : String(Number(v.toPrecision(6)));
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
