// What the current step of the timeline is, in words: "forward: z = mul(x, t) = 10",
// "backward along t → z: 1 × 2 = 2", "accumulate x: 5 + 2 = 7".
import {formatValue} from "../lib/format.js";
import {t} from "../page/i18n.js";
import {isScalar, nodeName} from "./model.js";

const MAX_TERMS = 4;  // an accumulation with more shows its first three, the count, the total

function forwardCaption(index, node) {
  const value = formatValue(node.value, node.shape);
  if (node.kind === "input") return t("caption.forward_input", {name: nodeName(node), value});
  if (node.kind === "constant") return t("caption.forward_constant", {name: node.label, value});
  const args = (index.incoming.get(node.id) || [])
    .map((e) => nodeName(index.nodes.get(e.source))).join(", ");
  const call = `${node.label}(${args})`;
  const shown = nodeName(node);  // its variable, or "add #2" when unnamed ops collide
  const name = shown !== node.label ? `${shown} = ${call}` : call;
  return t("caption.forward_op", {name, value});
}

function backwardCaption(index, step) {
  const edge = index.edges.get(step.edge);
  const source = index.nodes.get(edge.source);
  const target = index.nodes.get(edge.target);
  const along = `${nodeName(source)} → ${nodeName(target)}`;
  if (isScalar(source) && isScalar(target) && edge.local !== null && typeof edge.local !== "object") {
    return t("caption.backward_scalar", {
      along,
      upstream: formatValue(target.grad), local: formatValue(edge.local), flow: formatValue(edge.grad),
    });
  }
  return t("caption.backward_tensor", {along, flow: formatValue(edge.grad, source.shape)});
}

function accumulateCaption(index, step) {
  const node = index.nodes.get(step.node);
  // 2 + (−5): a negative term after the first in parentheses.
  // A long sum is bounded: its first terms, how many there are, and the total.
  const shown = step.edges.length > MAX_TERMS ? step.edges.slice(0, MAX_TERMS - 1) : step.edges;
  const parts = shown.map((id, i) => {
    const text = formatValue(index.edges.get(id).grad, node.shape);
    return i && text.startsWith("−") ? `(${text})` : text;
  });
  if (shown.length < step.edges.length) {
    parts.push(t("caption.more_terms", {count: step.edges.length}));
  }
  return t("caption.accumulate", {
    name: nodeName(node), terms: parts.join(" + "), total: formatValue(node.grad, node.shape),
  });
}

export function captionFor(index, k) {
  if (k < 0) return t("caption.start");
  const collapsed = index.collapsed?.caption(k);  // a closed group's steps as one (groups.js)
  if (collapsed) return collapsed;
  const step = index.timeline[k];
  if (!step) return "";
  let text;
  if (step.phase === "forward") text = forwardCaption(index, index.nodes.get(step.node));
  else if (step.phase === "seed") {
    const out = nodeName(index.nodes.get(step.node));
    text = t("caption.seed", {name: out});
  } else if (step.phase === "backward") text = backwardCaption(index, step);
  else if (step.phase === "accumulate") text = accumulateCaption(index, step);
  else text = step.phase;
  return text;
}

// The drawing's accessible name: how many nodes and edges, and which output.
export function drawingLabel(index) {
  return t("graph.drawing", {
    nodes: index.nodes.size, edges: index.edges.size,
    output: nodeName(index.nodes.get(index.doc.output)),
  });
}
