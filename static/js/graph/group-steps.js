// The timeline as the player steps it when groups are drawn collapsed (groups.js): every run
// of consecutive steps inside one collapsed group is one step, in each direction (its
// forward values; its backward flow), and a group drawn open is stepped into as before.
// A visible step is {start, end, group, backward}: the timeline's steps start..end, and the
// collapsed group they are inside (null: one step of the timeline, shown as it is).
import {formatValue} from "../lib/format.js";
import {t} from "../page/i18n.js";
import {nodeName} from "./model.js";

// owner(nodeId): the collapsed group that hides the node (null when it is drawn).
export function visibleSteps(timeline, edges, owner) {
  const steps = [];
  timeline.forEach((step, i) => {
    const backward = step.phase !== "forward";
    // A backward step belongs where the gradient comes from: the edge's target.
    const where = step.phase === "backward" ? edges.get(step.edge)?.target : step.node;
    const group = where ? owner(where) : null;
    const last = steps[steps.length - 1];
    if (group && last && last.group === group && last.backward === backward) {
      last.end = i;
    } else {
      steps.push({start: i, end: i, group, backward});
    }
  });
  return steps;
}

// The visible step holding timeline step `full` (-1 stays -1: before the first step).
export function visibleIndex(steps, full) {
  if (full < 0) return -1;
  let low = 0;
  let high = steps.length - 1;
  while (low < high) {  // the first visible step ending at or after `full`
    const mid = (low + high) >> 1;
    if (steps[mid].end < full) low = mid + 1;
    else high = mid;
  }
  return Math.max(low, 0);
}

// Words for a collapsed step: "forward through for i in range(37) × 37: 148 steps, y =
// 1.508" or "backward through ...: into x Σ 1.068".
export function groupCaption(index, group, visible) {
  const name = groupTitle(group);
  const count = visible.end - visible.start + 1;
  if (!visible.backward) {
    const last = index.nodes.get(group.outputs?.[group.outputs.length - 1]);
    const value = last ? `${nodeName(last)} = ${formatValue(last.value, last.shape)}` : "";
    return t("caption.group_forward", {name, count, value});
  }
  const inside = new Set(group.nodes);
  const flows = new Map();
  for (let i = visible.start; i <= visible.end; i++) {
    const step = index.timeline[i];
    const edge = step.phase === "backward" ? index.edges.get(step.edge) : null;
    if (!edge || inside.has(edge.source) || typeof edge.grad !== "number") continue;
    flows.set(edge.source, (flows.get(edge.source) ?? 0) + edge.grad);
  }
  const into = [...flows].map(([id, flow]) =>
    `${nodeName(index.nodes.get(id))} Σ ${formatValue(flow)}`).join(", ");
  return t("caption.group_backward", {name, count, flows: into || "—"});
}

export function groupTitle(group) {
  if (group.kind === "series") return `${group.label} × ${group.count}`;
  if (group.kind === "call") return `${group.label}(${(group.parameters ?? []).join(", ")})`;
  return group.label;
}
