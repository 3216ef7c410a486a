// Forward mode drawn on the graph, the way the backward pass draws gradients: each node's
// tangent where its grad is written, each used edge's part of it (local × the source's tangent)
// where the backward flow is written, shown step by step. The drawing's own grad and flow
// texts are hidden meanwhile (teaching.css, svg.forward-mode); leaving takes it all away.
import {formatValue} from "../lib/format.js";
import {t} from "../page/i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const LINE_GAP = 13;  // the drawing's line height at its 12 pt node font, in SVG units

// A text like `like` (its font, anchor and x), at y = like's y + dy, with data-tangent-step.
function textLike(like, dy, text, step, className) {
  const el = document.createElementNS(SVG_NS, "text");
  for (const name of ["x", "font-size", "text-anchor"]) {
    if (like.hasAttribute(name)) el.setAttribute(name, like.getAttribute(name));
  }
  el.setAttribute("y", String(Number(like.getAttribute("y")) + dy));
  el.setAttribute("class", className);
  el.dataset.tangentStep = String(step);
  el.textContent = text;
  return el;
}

// In the node's box, where its grad is written (under its last line if it has none); a label
// wider than the box (the box was sized for "grad 2") is narrowed to fit it.
function nodeLabel(group, text, step) {
  const grad = group.querySelector("text.grad");
  const texts = group.querySelectorAll("text");
  const like = grad || texts[texts.length - 1];
  if (!like) return;
  const el = textLike(like, grad ? 0 : LINE_GAP, text, step, "tangent");
  group.append(el);
  const shape = group.querySelector(":scope > :is(ellipse, polygon, path, rect)");
  const room = shape ? shape.getBBox().width - 6 : Infinity;
  const width = el.getComputedTextLength();
  if (width > room && room > 0) {
    el.setAttribute("font-size", (Number(like.getAttribute("font-size") || 12) * room / width).toFixed(2));
  }
}

// On the edge: at its flow text, else under its local text, else at the middle of its path.
function edgeLabel(group, text, step) {
  const flow = group.querySelector("text.flow");
  const local = group.querySelector("text.local");
  if (flow || local) {
    group.append(textLike(flow || local, flow ? 0 : LINE_GAP - 2, text, step, "tangent-flow"));
    return;
  }
  const path = group.querySelector("path");
  if (!path?.getTotalLength) return;
  const middle = path.getPointAtLength(path.getTotalLength() / 2);
  const el = textLike(path, 0, text, step, "tangent-flow");
  el.setAttribute("x", String(middle.x));
  el.setAttribute("y", String(middle.y - 4));
  el.setAttribute("text-anchor", "middle");
  el.setAttribute("font-size", "10.00");
  group.append(el);
}

// What the edge adds to its target's tangent: "local × ṫ = part" for scalars.
export function flowText(edge, lesson, shape) {
  const part = lesson.flows?.[edge.id];
  const source = lesson.tangents[edge.source];
  if (!Array.isArray(part) && !Array.isArray(source) && !Array.isArray(edge.local)) {
    return `${formatValue(edge.local)} × ${formatValue(source)} = ${formatValue(part)}`;
  }
  return formatValue(part, shape);
}

// Put the labels on the drawing: the seeded input at step -1, step k's node and edges at k.
export function drawTangents(view, lesson, index) {
  clearTangents(view);
  const svg = view.svg;
  if (!svg) return;
  svg.classList.add("forward-mode");
  const input = index.nodes.get(lesson.input);
  const tangent = (id) => t("graph.tangent", {value: formatValue(lesson.tangents[id],
    index.nodes.get(id)?.shape)});
  const group = (id) => view.element(id);
  if (group(input.id)) nodeLabel(group(input.id), tangent(input.id), -1);
  lesson.timeline.forEach((step, k) => {
    const target = index.nodes.get(step.node);
    if (group(step.node)) nodeLabel(group(step.node), tangent(step.node), k);
    for (const id of step.edges) {
      const edge = index.edges.get(id);
      if (group(id)) edgeLabel(group(id), flowText(edge, lesson, target?.shape), k);
    }
  });
}

// Step k (-1: only the seed): labels up to k shown, step k's node and edges current.
export function showTangentStep(view, lesson, k) {
  const svg = view.svg;
  if (!svg) return [];
  for (const el of svg.querySelectorAll("[data-tangent-step]")) {
    const s = Number(el.dataset.tangentStep);
    el.classList.toggle("step-hidden", s > k);
    el.classList.toggle("active", s === k);
  }
  for (const el of svg.querySelectorAll(".tangent-done, .tangent-current")) {
    el.classList.remove("tangent-done", "tangent-current");
  }
  const current = [];
  const input = view.element(lesson.input);
  input?.classList.add(k < 0 ? "tangent-current" : "tangent-done");
  if (k < 0 && input) current.push(input);
  lesson.timeline.forEach((step, i) => {
    if (i > k) return;
    const mark = i === k ? "tangent-current" : "tangent-done";
    for (const id of [step.node, ...step.edges]) {
      const el = view.element(id);
      el?.classList.add(mark);
      if (el && i === k) current.push(el);
    }
  });
  return current;
}

export function clearTangents(view) {
  const svg = view.svg;
  if (!svg) return;
  svg.classList.remove("forward-mode");
  for (const el of svg.querySelectorAll("[data-tangent-step]")) el.remove();
  for (const el of svg.querySelectorAll(".tangent-done, .tangent-current")) {
    el.classList.remove("tangent-done", "tangent-current");
  }
}
