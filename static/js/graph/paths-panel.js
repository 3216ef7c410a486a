// The sum-over-paths panel: for a chosen input u, every path from u to the output z,
// each highlighted in turn, and dz/du = sum over paths of the product of dt/ds, typeset
// with KaTeX beside autograd's own u.grad.
import {formatNumber, formatValue, texName, texNumber, texTerm} from "../lib/format.js";
import {agrees, verdictMark} from "../lib/verdict.js";
import {t} from "../page/i18n.js";
import {nodeName} from "./model.js";

const CYCLE_MS = 1800;
const MAX_TERMS_SHOWN = 4;
const SUM_TOLERANCE = 1e-6;  // the path sum against autograd's grad, relative

export class PathsPanel {
  constructor({select, formula, check, summary, list, view, onChange, reducedMotion}) {
    Object.assign(this, {select, formula, check, summary, list, view, onChange, reducedMotion});
    this.index = null;
    this.inputId = null;
    this.timer = null;
    select.addEventListener("change", () => this.choose(select.value || null, true));
  }

  load(index) {
    this.stopCycle();
    this.index = index;
    this.inputId = null;
    this.renderOptions();
    this.render();
  }

  renderOptions() {
    const none = new Option(t("paths.none"), "");
    const options = (this.index?.inputs || []).map((n) => new Option(nodeName(n), n.id));
    this.select.replaceChildren(none, ...options);
    this.select.value = this.inputId || "";
    this.select.disabled = !options.length;
  }

  inputIdByName(name) {
    return this.index?.inputs.find((n) => nodeName(n) === name)?.id ?? null;
  }

  choose(id, userAction = false) {
    if (!this.index || (id && !this.index.doc.paths[id])) id = null;
    this.inputId = id;
    this.select.value = id || "";
    this.render();
    if (userAction) this.onChange?.(id ? nodeName(this.index.nodes.get(id)) : null);
  }

  chosenName() {
    return this.inputId ? nodeName(this.index.nodes.get(this.inputId)) : null;
  }

  rerender() {
    if (!this.index) return;
    this.renderOptions();
    this.render();
  }

  render() {
    this.stopCycle();
    this.view.markChosenInput(this.inputId);
    this.view.highlightPath(null);
    const info = this.inputId ? this.index.doc.paths[this.inputId] : null;
    this.list.replaceChildren();
    this.formula.replaceChildren();
    this.formulaParts = null;
    this.check.textContent = "";
    this.check.className = "paths-check";
    this.summary.textContent = this.index && !info ? t("paths.prompt") : "";
    if (!info) return;
    const input = this.index.nodes.get(this.inputId);
    const output = this.index.nodes.get(this.index.doc.output);
    this.renderSummary(info);
    this.renderList(info);
    this.renderFormula(info, input, output);
    this.renderCheck(info, input);
    this.startCycle(info);
  }

  renderSummary(info) {
    const parts = [t("paths.count", {n: info.count})];
    if (info.truncated || info.paths.length < info.count) {
      parts.push(t("paths.truncated", {shown: info.paths.length}));
    }
    if (info.sum === null) parts.push(t("paths.jacobians"));
    this.summary.textContent = parts.join(" ");
  }

  pathText(path) {
    return path.nodes.map((id) => nodeName(this.index.nodes.get(id))).join(" → ");
  }

  localsOf(path) {
    return path.edges.map((id) => this.index.edges.get(id).local);
  }

  renderList(info) {
    info.paths.forEach((path, i) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "path-item";
      button.dataset.path = String(i);
      const route = document.createElement("span");
      route.className = "path-route";
      route.textContent = this.pathText(path);
      const product = document.createElement("span");
      product.className = "path-product";
      if (path.product !== null && path.product !== undefined) {
        const locals = this.localsOf(path).map((v) => formatValue(v)).join(" × ");
        product.textContent = `${locals} = ${formatNumber(path.product)}`;
      } else {
        product.textContent = t("paths.jacobian_product");
      }
      button.append(route, product);
      button.addEventListener("mouseenter", () => this.showPath(i, true));
      button.addEventListener("focus", () => this.showPath(i, true));
      button.addEventListener("click", () => this.showPath(i, true));
      item.append(button);
      this.list.append(item);
    });
  }

  showPath(i, userAction = false) {
    if (userAction) this.stopCycle();
    const info = this.index.doc.paths[this.inputId];
    const path = info?.paths[i];
    this.view.highlightPath(path || null);
    for (const b of this.list.querySelectorAll(".path-item")) {
      b.classList.toggle("current", Number(b.dataset.path) === i);
    }
    this.current = i;
  }

  startCycle(info) {
    if (!info.paths.length) return;
    this.showPath(0);
    if (info.paths.length < 2 || this.reducedMotion()) return;
    this.timer = setInterval(() => this.showPath((this.current + 1) % info.paths.length), CYCLE_MS);
  }

  stopCycle() {
    clearInterval(this.timer);
    this.timer = null;
  }

  // One line per step of the reasoning, aligned on "=": the general rule, each path's
  // product of local derivatives (one path a line; `perLine` factors a line when a product
  // is too wide), their values (one a line), and the sum.
  texFormula(info, input, output, perLine = Infinity) {
    const lhs = `\\frac{\\partial ${texName(nodeName(output))}}{\\partial ${texName(nodeName(input))}}`;
    const general = `\\sum_{p} \\prod_{(s \\to t) \\in p} \\frac{\\partial t}{\\partial s}`;
    if (info.sum === null) return `${lhs} = ${general}`;
    const shown = info.paths.slice(0, MAX_TERMS_SHOWN);
    const lines = [`${lhs} &= ${general}`];
    shown.forEach((p, i) => lines.push(...this.termLines(p, i ? "&\\quad + " : "&= ", perLine)));
    if (info.count > shown.length) lines.push("&\\quad + \\cdots");
    if (info.count === shown.length && shown.length > 1) {
      shown.forEach((p, i) => lines.push(i ? `&\\quad + ${texTerm(p.product)}` : `&= ${texNumber(p.product)}`));
    }
    lines.push(`&= ${texNumber(info.sum)}`);
    return `\\begin{aligned} ${lines.join(" \\\\ ")} \\end{aligned}`;
  }

  // One path's product, on one line or, `perLine` factors at a time, on several.
  termLines(path, lead, perLine) {
    const locals = this.localsOf(path);
    if (locals.some((v) => typeof v === "object" && v !== null)) return [lead + texTerm(path.product)];
    const factors = locals.map((v) => texTerm(v));
    if (factors.length === 1) return [lead + factors[0]];
    const chunks = [];
    for (let i = 0; i < factors.length; i += perLine) chunks.push(factors.slice(i, i + perLine).join(" \\cdot "));
    return chunks.map((chunk, i) => (i === 0 ? `${lead}(${chunk}` : `&\\qquad \\cdot ${chunk}`)
      + (i === chunks.length - 1 ? ")" : ""));
  }

  renderFormula(info, input, output) {
    this.formulaParts = {info, input, output};
    this.fitFormula();
  }

  typeset(tex) {
    this.formula.dataset.tex = tex;
    if (window.katex) {
      window.katex.render(tex, this.formula, {throwOnError: false, displayMode: true});
    } else {
      this.formula.textContent = tex;
    }
  }

  // A formula wider than the panel wraps: fewer factors a line, down to one. Only if even
  // that is too wide is it typeset smaller (down to 80%: it stays legible on a projector).
  fitFormula() {
    const box = this.formula;
    box.style.fontSize = "";
    if (!this.formulaParts) return;
    const {info, input, output} = this.formulaParts;
    for (const perLine of [Infinity, 4, 3, 2, 1]) {
      this.typeset(this.texFormula(info, input, output, perLine));
      if (!box.firstChild || box.scrollWidth <= box.clientWidth) return;
    }
    const scale = Math.max(box.clientWidth / box.scrollWidth, 0.8);
    box.style.fontSize = `${scale * parseFloat(getComputedStyle(box).fontSize)}px`;
  }

  // The check against autograd's grad: of the program's own backward call, or, when the
  // program never called .backward() on the output, of the call it would make (the
  // document's `backward`, docs/graph-json.md).
  renderCheck(info, input) {
    const name = nodeName(input);
    const grad = formatValue(info.grad, input.shape);
    const called = this.index.doc.backward?.called !== false;
    const output = this.index.nodes.get(this.index.doc.output);
    const call = output.name ? `${output.name}.backward()` : t("paths.output_backward");
    const line = document.createElement("span");
    line.className = "grad-line";
    line.textContent = called ? t("paths.autograd", {name, grad})
      : t("paths.would_give", {name, grad, call});
    this.check.append(line);
    if (info.sum === null) return;
    const ok = agrees(info.sum, info.grad, SUM_TOLERANCE) === true;
    const [yes, no] = called ? [t("paths.agrees"), t("paths.differs")]
      : [t("paths.agrees_would", {call}), t("paths.differs_would", {call})];
    this.check.append(verdictMark(ok, yes, no));
    this.check.classList.add(ok ? "ok" : "bad");
  }
}
