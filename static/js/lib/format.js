// Numbers as the graph JSON writes them (NaN and infinities as strings), for text and for TeX.

export function toNumber(v) {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v;
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

// Names become TeX: identifiers only ever hold [A-Za-z0-9_]; anything else is dropped.
export function texName(text) {
  const clean = String(text).replace(/[^A-Za-z0-9_[\]]/g, "");
  return `\\mathit{${clean.replace(/_/g, "\\_")}}`;
}

export function texNumber(v) {
  return formatNumber(v).replace("−", "-").replace("∞", "\\infty ");
}

// A number inside a product or after "+": negative ones in parentheses, 1 · (−2).
export function texTerm(v) {
  const text = texNumber(v);
  return text.startsWith("-") ? `(${text})` : text;
}
