// The rule on the current edge: while the gradient flows back along s → t, the op's symbolic
// local derivative (edge.rule from the graph JSON), the same with the numbers plugged in, its
// value, and whether it equals the local derivative autograd computed (edge.local).
import {formatValue, texNumber} from "../lib/format.js";
import {agrees, verdictMark} from "../lib/verdict.js";
import {nodeName} from "../graph/model.js";
import {t} from "../page/i18n.js";
import {stepNote} from "../page/step-note.js";

// A rule's value (or a forward-mode tangent) against autograd's own number, relative.
export const RULE_TOLERANCE = 1e-5;

// The rule in two lines of TeX: t = expression, and ∂t/∂a = derivative = (numbers plugged
// in) = value. The quiz's hint writes them too.
export function ruleLines(rule) {
  const wrt = rule.operand.split(",")[0].trim();
  const scalar = !Array.isArray(rule.value) && rule.value !== null;
  const chain = [`\\frac{\\partial t}{\\partial ${wrt}} = ${rule.derivative}`];
  if (rule.at) chain.push(rule.at);
  if (scalar) chain.push(texNumber(rule.value));
  return [`t = ${rule.expression}`, chain.join(" = ")];
}

function ruleTex(rule) {
  const [first, second] = ruleLines(rule).map((line) => line.replace("=", "&="));
  return `\\begin{aligned} ${first} \\\\ ${second} \\end{aligned}`;
}

export class RulePanel {
  // box: the rule's place in the narration; noteBox: what is said there when there is no
  // rule (page/step-note.js), so the band is never blank.
  constructor(box, noteBox) {
    this.box = box;
    this.noteBox = noteBox;
  }

  clear() {
    this.box.replaceChildren();
    this.box.hidden = true;
    this.showNote("");
  }

  showNote(text) {
    this.noteBox.textContent = text;
    this.noteBox.hidden = !text;
  }

  show(index, k) {
    const step = index?.timeline[k];
    const edge = step?.phase === "backward" ? index.edges.get(step.edge) : null;
    if (!edge || !edge.rule) {
      this.clear();
      this.showNote(stepNote(index, k));
      return;
    }
    this.showNote("");
    const source = index.nodes.get(edge.source);
    const target = index.nodes.get(edge.target);
    this.box.replaceChildren(this.heading(), ...this.body(edge, source, target));
    this.box.hidden = false;
  }

  heading() {
    const heading = document.createElement("p");
    heading.className = "rule-heading";
    heading.textContent = t("caption.rule_heading");
    return heading;
  }

  body(edge, source, target) {
    const rule = edge.rule;
    if (!rule.known) {
      const note = document.createElement("p");
      note.className = "rule-unknown";
      note.textContent = t("caption.rule_unknown", {op: rule.op, local: formatValue(edge.local)});
      return [note];
    }
    const legend = document.createElement("p");
    legend.className = "rule-legend";
    legend.textContent = t("caption.rule_legend", {
      target: nodeName(target), operand: rule.operand, source: nodeName(source),
    });
    const formula = document.createElement("div");
    formula.className = "rule-formula";
    formula.dataset.tex = ruleTex(rule);
    if (window.katex) {
      window.katex.render(formula.dataset.tex, formula, {throwOnError: false, displayMode: true});
    } else {
      formula.textContent = formula.dataset.tex;
    }
    return [legend, formula, this.verdict(rule, edge, source)];
  }

  verdict(rule, edge, source) {
    const line = document.createElement("p");
    line.className = "rule-check";
    const value = document.createElement("span");
    value.textContent = t("caption.rule_value", {value: formatValue(rule.value, source.shape)});
    line.append(value);
    const ok = rule.value === null || edge.local === null ? null
      : agrees(rule.value, edge.local, RULE_TOLERANCE);
    if (ok !== null) line.append(verdictMark(ok, t("caption.rule_agrees"), t("caption.rule_differs")));
    return line;
  }
}
