// What the narration says beside the caption when the step has no rule to show (rule.js):
// what this phase of the algorithm does, so the band is never blank.
import {nodeName} from "../graph/model.js";
import {t} from "./i18n.js";

function forwardNote(node) {
  if (node.kind === "input") return t("caption.note_input", {name: nodeName(node)});
  if (node.kind === "constant") return t("caption.note_constant", {name: nodeName(node)});
  return t("caption.note_forward", {name: nodeName(node), label: node.label || node.op,
    op: node.op || node.label});
}

// index: the graph lookups (model.js); k: the step (-1 before the first).
export function stepNote(index, k) {
  const step = index?.timeline[k];
  if (!step) return index ? t("caption.note_start") : "";
  const node = index.nodes.get(step.node);
  if (step.phase === "forward" && node) return forwardNote(node);
  if (step.phase === "seed") return t("caption.note_seed", {name: nodeName(node)});
  if (step.phase === "accumulate") {
    return t("caption.note_accumulate", {name: nodeName(node), count: step.edges?.length ?? 2});
  }
  if (step.phase === "backward") {
    const edge = index.edges.get(step.edge);
    return t("caption.note_backward", {name: nodeName(index.nodes.get(edge?.source))});
  }
  return "";
}
