// What quiz mode asks, and whether a typed answer is right.
// A question is a backward step (the gradient that flows along its edge) or an accumulate step
// (the node's gradient: the sum of what flowed in). The expected numbers are the graph JSON's
// own (edge.grad, node.grad), the same ones the drawing writes once the step is answered.
import {toNumber} from "../lib/format.js";

// A tensor with more entries than this is not asked (typing it would be the lesson): its step
// is shown as without the quiz.
export const MAX_TYPED_NUMBERS = 4;

// Tolerant to rounding: an answer is right when it is within a relative 1e-3 of the exact
// value (3 significant digits, e.g. 0.732 for 0.73169), or when it reads the same as the
// drawing's 4 significant digits (formatNumber: 1.234e-05 for 1.23449e-05), or within 1e-7
// of it (float32 round-off of what should be 0: cos(π/2) is −4.4e-8 in float32).
export const RELATIVE_TOLERANCE = 1e-3;
export const ABSOLUTE_TOLERANCE = 1e-7;

function flat(value) {
  if (typeof value === "number" || typeof value === "string") return [toNumber(value)];
  if (!Array.isArray(value)) return null;  // a summarised tensor ({shape, count, ...}) or null
  const numbers = value.flat(Infinity).map(toNumber);
  return numbers.every((x) => typeof x === "number") ? numbers : null;
}

function asked(expected) {
  return expected !== null && expected.length >= 1 && expected.length <= MAX_TYPED_NUMBERS;
}

// runs: the player's runs (groups drawn closed, player.js) or null. A step inside a closed
// group is stepped over with the group, so it is not asked.
function drawnAlone(runs, k) {
  if (!runs) return true;
  const run = runs.find((r) => r.start <= k && k <= r.end);
  return !run || (run.start === run.end && !run.group);
}

// Map<step index, question>: {k, kind: "backward"|"accumulate", edge, source, target, node,
// expected: [numbers]}, in timeline order.
export function questionsOf(index, runs) {
  const questions = new Map();
  index.timeline.forEach((step, k) => {
    if (!drawnAlone(runs, k)) return;
    if (step.phase === "backward") {
      const edge = index.edges.get(step.edge);
      const expected = edge && !edge.constant ? flat(edge.grad) : null;
      if (!asked(expected)) return;
      questions.set(k, {k, kind: "backward", edge, expected,
        source: index.nodes.get(edge.source), target: index.nodes.get(edge.target)});
    } else if (step.phase === "accumulate") {
      const node = index.nodes.get(step.node);
      const expected = node ? flat(node.grad) : null;
      if (!asked(expected)) return;
      questions.set(k, {k, kind: "accumulate", node, expected,
        edges: (step.edges || []).map((id) => index.edges.get(id)).filter(Boolean)});
    }
  });
  return questions;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const SPECIAL = {"inf": Infinity, "+inf": Infinity, "-inf": -Infinity, "∞": Infinity,
  "+∞": Infinity, "-∞": -Infinity, "nan": NaN, "infinity": Infinity, "-infinity": -Infinity};

// One typed number: 0.73, -2, 1e-3, 1/3, inf, nan. Never evaluated: a pattern, or two of them
// around one "/".
function readNumber(text) {
  const word = text.toLowerCase();
  if (word in SPECIAL) return SPECIAL[word];
  const [top, bottom, ...rest] = text.split("/");
  if (rest.length || !NUMBER.test(top)) return null;
  if (bottom === undefined) return Number(top);
  return NUMBER.test(bottom) ? Number(top) / Number(bottom) : null;
}

// The numbers a student typed, or null when it is not numbers. Japanese input is welcome:
// full-width digits and signs (NFKC), the minus sign "−", "、" between numbers; brackets and
// commas as Python prints a tensor (tensor([1., 2.]) too).
export function parseAnswer(typed) {
  const text = typed.normalize("NFKC").replace(/[−–]/g, "-").replace(/^\s*tensor\(/i, "")
    .replace(/\)\s*$/, "").replace(/[[\]]/g, " ").trim();
  if (!text) return null;
  const numbers = text.split(/[\s,、]+/).filter(Boolean).map(readNumber);
  return numbers.every((x) => x !== null) ? numbers : null;
}

function shownDigits(x) {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

function close(typed, exact) {
  if (Number.isNaN(exact)) return Number.isNaN(typed);
  if (typed === exact) return true;
  if (!Number.isFinite(typed) || !Number.isFinite(exact)) return false;
  const off = Math.abs(typed - exact);
  return off <= RELATIVE_TOLERANCE * Math.abs(exact) || off <= ABSOLUTE_TOLERANCE ||
    shownDigits(typed) === shownDigits(exact);
}

// "right", "wrong", or "count" (not as many numbers as the gradient has entries).
export function judge(numbers, expected) {
  if (numbers.length !== expected.length) return "count";
  return numbers.every((x, i) => close(x, expected[i])) ? "right" : "wrong";
}
