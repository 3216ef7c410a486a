// The drawing's label texts, written here exactly as webapp/render/dot.py writes them
// (format_number, format_value, node_lines, edge_lines), so that live inputs can put new
// numbers into the drawing on the page without asking for a new layout.

const WORDS = {en: {grad: "grad", local: "local"}, ja: {grad: "勾配", local: "局所微分"}};
const SPECIAL_NUMBERS = {NaN: "NaN", Infinity: "∞", "-Infinity": "−∞"};
const SHOWN_TENSOR_VALUES = 3;
const WHOLE_TENSOR_MAX = 4;

// The four significant digits Python's "{:.4g}" keeps, and the exponent: JavaScript rounds an
// exact tie up (1.5625 -> 1.563), Python to even (1.562); a tie is exact when the fifth digit
// is 5 and every digit after it 0 in a 21-digit expansion (a double has 17 at most).
function significant(magnitude) {
  const [mantissa, exponent] = magnitude.toExponential(3).split("e");
  const [wideMantissa, wideExponent] = magnitude.toExponential(20).split("e");
  const wide = wideMantissa.replace(".", "");
  const tie = /^\d{4}50+$/.test(wide);
  if (tie && Number(wide[3]) % 2 === 0) return [wide.slice(0, 4), Number(wideExponent)];
  return [mantissa.replace(".", ""), Number(exponent)];
}

function trimmed(integer, fraction) {
  const kept = fraction.replace(/0+$/, "");
  return kept ? `${integer}.${kept}` : integer;
}

// format_number: a scalar rounded to 4 significant digits, as the drawing shows it.
export function formatNumber(number) {
  if (number === null || number === undefined) return "—";
  if (typeof number === "string") return SPECIAL_NUMBERS[number] ?? number.slice(0, 16);
  if (typeof number === "boolean") return String(number);
  if (number === 0) return "0";
  const sign = number < 0 ? "-" : "";
  const [digits, exponent] = significant(Math.abs(number));
  if (exponent < -4 || exponent >= 4) {
    return `${sign}${trimmed(digits[0], digits.slice(1))}e${exponent}`;
  }
  if (exponent >= 0) {
    return sign + trimmed(digits.slice(0, exponent + 1), digits.slice(exponent + 1));
  }
  return sign + trimmed("0", "0".repeat(-exponent - 1) + digits);
}

function flatten(value) {
  const shape = [];
  for (let level = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  return {entries: value.flat(Infinity), shape};
}

// format_value: a value abbreviated for a label.
export function formatValue(value, shape = null) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    shape = value.shape || shape;
    value = Array.isArray(value.first) ? value.first : null;
  }
  if (!Array.isArray(value)) {
    if (value === null && shape && shape.length) return `${shape.join("×")} tensor`;
    return formatNumber(value);
  }
  const {entries, shape: nestedShape} = flatten(value);
  shape = shape && shape.length ? shape : nestedShape;
  if (shape.length === 1 && entries.length <= WHOLE_TENSOR_MAX) {
    return `[${entries.map(formatNumber).join(", ")}]`;
  }
  const shown = entries.slice(0, SHOWN_TENSOR_VALUES).map(formatNumber).join(", ");
  const more = entries.length > SHOWN_TENSOR_VALUES ? ", …" : "";
  return `${shape.join("×")} [${shown}${more}]`;
}

const isScalar = (value) => value !== null && value !== undefined && !Array.isArray(value);

// node_lines: [[role, text]] of one node, in drawing order.
export function nodeLines(node, lang) {
  const label = node.label || node.name || node.id;
  const lines = [];
  if (node.name && node.name !== label) lines.push(["name", node.name]);
  lines.push(["label", label]);
  const valueText = formatValue(node.value ?? null, node.shape);
  if (!(node.kind === "constant" && valueText === label)) lines.push(["value", valueText]);
  if (node.kind !== "constant" && node.grad !== null && node.grad !== undefined) {
    lines.push(["grad", `${WORDS[lang].grad} ${formatValue(node.grad, node.shape)}`]);
  }
  return lines;
}

// edge_lines: [[role, text]] of one edge; `upstream` is the grad of its target node.
export function edgeLines(edge, upstream, lang) {
  if (edge.constant) return [];
  const {local, grad: flow} = edge;
  const lines = [];
  if (local !== null && local !== undefined) {
    lines.push(["local", `${WORDS[lang].local} ${formatValue(local)}`]);
  }
  if (flow !== null && flow !== undefined) {
    lines.push(["flow", isScalar(upstream) && isScalar(local) && isScalar(flow)
      ? `${formatNumber(upstream)} × ${formatNumber(local)} = ${formatNumber(flow)}`
      : formatValue(flow)]);
  }
  return lines;
}
