// What differentiating a gradient's graph gives: the second derivatives (issue 15, item 3),
// each written as ∂²y/∂x∂u with autograd's number (the input's grad in the gradient's graph)
// and the check the page makes for first derivatives: the sum over this graph's paths agrees.
// Also marks the drawing: the nodes the backward pass recorded (create_graph=True) and the
// node that is the gradient.
import {nodeName} from "../graph/model.js";
import {formatValue, texName} from "../lib/format.js";
import {agrees, verdictMark} from "../lib/verdict.js";
import {t} from "../page/i18n.js";
import {derivativeText} from "./gradient-tabs.js";

const SUM_TOLERANCE = 1e-6;  // as the paths panel's check

// TeX of d/du of the gradient `entry` (g = ∂of/∂wrt): ∂²of/∂wrt², ∂²of/∂u∂wrt, or, for a
// gradient that is not a scalar (seeded with ones), ∂(Σ g)/∂u.
export function secondDerivativeTex(entry, inputName) {
  const u = texName(inputName);
  const scalar = Array.isArray(entry.shape) && entry.shape.length === 0;
  if (!scalar || !entry.of || !entry.wrt) {
    const g = texName(entry.name ?? "g");
    return scalar ? `\\frac{\\partial ${g}}{\\partial ${u}}`
      : `\\frac{\\partial \\left(\\sum ${g}\\right)}{\\partial ${u}}`;
  }
  const of = texName(entry.of);
  const wrt = texName(entry.wrt);
  if (inputName === entry.wrt) return `\\frac{\\partial^2 ${of}}{\\partial ${wrt}^2}`;
  return `\\frac{\\partial^2 ${of}}{\\partial ${u}\\,\\partial ${wrt}}`;
}

function typeset(element, tex) {
  element.dataset.tex = tex;
  if (window.katex) window.katex.render(tex, element, {throwOnError: false});
  else element.textContent = tex;
}

export class SecondDerivatives {
  constructor(panel) {
    this.panel = panel;
  }

  clear() {
    this.panel.hidden = true;
    this.panel.replaceChildren();
  }

  // The graph on show (index, model.js) and its tab (gradient-tabs.js; null: no tabs).
  show(index, tab) {
    this.clear();
    if (!index || !tab || tab.kind === "first") return;
    const heading = document.createElement("h3");
    heading.textContent = t("views.second_heading");
    const about = document.createElement("p");
    about.className = "hint";
    about.textContent = tab.entry
      ? t("views.second_about", {name: tab.entry.name ?? "g", derivative: derivativeText(tab.entry)})
      : t("views.second_about_program", {name: tab.name ?? "?"});
    const list = document.createElement("ul");
    list.className = "second-derivatives";
    for (const input of index.inputs) list.append(this.row(index, tab, input));
    const legend = document.createElement("p");
    legend.className = "hint";
    legend.textContent = t("views.second_legend");
    this.panel.append(heading, about, list, legend);
    this.panel.hidden = false;
  }

  row(index, tab, input) {
    const item = document.createElement("li");
    item.dataset.input = nodeName(input);
    const formula = document.createElement("span");
    formula.className = "second-formula";
    const name = nodeName(input);
    typeset(formula, tab.entry ? secondDerivativeTex(tab.entry, name)
      : `\\frac{\\partial ${texName(tab.name ?? "?")}}{\\partial ${texName(name)}}`);
    const value = document.createElement("span");
    value.className = "second-value";
    value.textContent = ` = ${formatValue(input.grad, input.shape)}`;
    item.append(formula, value);
    const info = index.doc.paths?.[input.id];
    const called = index.doc.backward?.called !== false;
    const source = document.createElement("span");
    source.className = "second-source";
    const gradient = tab.entry?.name ?? "g";
    const scalar = !tab.entry || (Array.isArray(tab.entry.shape) && !tab.entry.shape.length);
    source.textContent = called ? t("views.second_autograd", {name})  // else seeded with ones:
      : t("views.second_would", {name, gradient: scalar ? gradient : `${gradient}.sum()`});
    item.append(source);
    if (info && info.sum !== null && info.sum !== undefined) {
      const ok = agrees(info.sum, input.grad, SUM_TOLERANCE) === true;
      item.append(verdictMark(ok, t("views.second_agrees"), t("views.second_differs")));
      item.classList.add(ok ? "ok" : "bad");
    }
    return item;
  }
}

// The drawing's marks: the backward pass's operations and the gradient node (CSS: views.css).
export function markGradientNodes(view, index) {
  if (!view.svg || !index) return;
  for (const node of index.doc.graph.nodes) {
    const element = view.element(node.id);
    if (!element) continue;
    element.classList.toggle("from-backward", node.backward_pass != null);
    element.classList.toggle("is-gradient", node.gradient != null);
  }
}
