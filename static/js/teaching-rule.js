// The rule on the current edge: while the gradient flows back along s → t, the op's symbolic
// local derivative (edge.rule from the graph JSON), the same with the numbers plugged in, its
// value, and whether it equals the local derivative autograd computed (edge.local).
import {t} from "./i18n.js";
import {formatNumber, formatValue, nodeName, toNumber} from "./model.js";

function texNumber(v) {
  return formatNumber(v).replace("−", "-").replace("∞", "\\infty ");
}

function flat(v) {
  return Array.isArray(v) ? v.flat(Infinity) : [v];
}

// The rule's value and autograd's local agree entry by entry (relative 1e-5). autograd's node,
// called alone, may hand back a broadcast operand's gradient before it is summed: then the
// counts differ and no verdict is given.
export function ruleAgrees(value, local) {
  const a = flat(value).map(toNumber);
  const b = flat(local).map(toNumber);
  if (a.length !== b.length) return null;
  return a.every((x, i) => x === b[i] ||
    Math.abs(x - b[i]) <= 1e-5 * Math.max(1, Math.abs(x), Math.abs(b[i])));
}

export class RulePanel {
  constructor(box) {
    this.box = box;
  }

  clear() {
    this.box.replaceChildren();
    this.box.hidden = true;
  }

  show(index, k) {
    const step = index?.timeline[k];
    const edge = step?.phase === "backward" ? index.edges.get(step.edge) : null;
    if (!edge || !edge.rule) {
      this.clear();
      return;
    }
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
    formula.dataset.tex = this.tex(rule);
    if (window.katex) {
      window.katex.render(formula.dataset.tex, formula, {throwOnError: false, displayMode: true});
    } else {
      formula.textContent = formula.dataset.tex;
    }
    return [legend, formula, this.verdict(rule, edge, source)];
  }

  // t = expression, then ∂t/∂a = derivative = (numbers plugged in) = value.
  tex(rule) {
    const wrt = rule.operand.split(",")[0].trim();
    const scalar = !Array.isArray(rule.value) && rule.value !== null;
    const chain = [`\\frac{\\partial t}{\\partial ${wrt}} = ${rule.derivative}`];
    if (rule.at) chain.push(rule.at);
    if (scalar) chain.push(texNumber(rule.value));
    return `\\begin{aligned} t &= ${rule.expression} \\\\ ${chain.join(" = ").replace("=", "&=")} \\end{aligned}`;
  }

  verdict(rule, edge, source) {
    const line = document.createElement("p");
    line.className = "rule-check";
    const value = document.createElement("span");
    value.textContent = t("caption.rule_value", {value: formatValue(rule.value, source.shape)});
    line.append(value);
    const agrees = rule.value === null || edge.local === null ? null : ruleAgrees(rule.value, edge.local);
    if (agrees !== null) {
      const mark = document.createElement("span");
      mark.className = agrees ? "check-ok" : "check-bad";
      mark.textContent = agrees ? ` ✓ ${t("caption.rule_agrees")}` : ` ✗ ${t("caption.rule_differs")}`;
      line.append(mark);
    }
    return line;
  }
}
