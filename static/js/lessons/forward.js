// Forward mode on the same graph: from one chosen input entry (tangent 1) toward the output,
// each node's tangent is the sum over its incoming edges of local derivative × the source's
// tangent. Stepped node by node on the drawing, with the passes each mode needs.
import {$} from "../lib/dom.js";
import {postJson} from "../lib/fetch.js";
import {formatValue} from "../lib/format.js";
import {agrees} from "../lib/verdict.js";
import {nodeName} from "../graph/model.js";
import {t} from "../page/i18n.js";
import {LessonPanel, runInto} from "./panel.js";
import {RULE_TOLERANCE} from "./rule.js";

export class ForwardPanel extends LessonPanel {
  constructor(url, view) {
    super(url, "forward");
    this.view = view;
    this.select = $("forward-input");
    this.load(null, null);
  }

  load(index, source) {
    super.load(index, source);
    this.lesson = null;
    const options = (index?.inputs || []).map((n) => new Option(nodeName(n), n.id));
    this.select.replaceChildren(...options);
  }

  run() {
    const entry = Math.max(0, Math.trunc(Number($("forward-entry").value) || 0));
    return runInto(this.result, this.button, async () => {
      this.lesson = await postJson(this.url, {source: this.source,
        input: this.select.value || undefined, entry});
      this.show();
    });
  }

  show() {
    const lesson = this.lesson;
    const input = nodeName(this.index.nodes.get(lesson.input));
    const passes = document.createElement("p");
    passes.className = "forward-passes";
    passes.textContent = t("ui.forward_passes", {forward: lesson.passes.forward_mode,
      reverse: lesson.passes.reverse_mode});
    const list = document.createElement("ol");
    list.className = "forward-steps";
    lesson.timeline.forEach((step, i) => list.append(this.stepItem(step, i)));
    const check = document.createElement("p");
    check.className = "forward-check";
    const agree = agrees(lesson.output_tangent, lesson.grad, RULE_TOLERANCE);
    check.textContent = t("ui.forward_result", {name: input, entry: lesson.entry,
      tangent: formatValue(lesson.output_tangent), grad: formatValue(lesson.grad)})
      + (agree ? ` ✓ ${t("ui.forward_agrees")}` : "");
    this.result.replaceChildren(passes, list, check);
    this.highlight(lesson.timeline.length - 1);
  }

  stepItem(step, i) {
    const node = this.index.nodes.get(step.node);
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "forward-step";
    button.dataset.node = step.node;
    const terms = step.edges.map((id) => {
      const edge = this.index.edges.get(id);
      return `${formatValue(edge.local)} × ${formatValue(this.lesson.tangents[edge.source])}`;
    }).join(" + ");
    button.textContent = t("ui.forward_step", {name: nodeName(node), terms,
      tangent: formatValue(this.lesson.tangents[step.node], node.shape)});
    button.addEventListener("click", () => this.highlight(i));
    item.append(button);
    return item;
  }

  // Nodes up to step i are marked on the drawing; step i's node and edges are current.
  highlight(i) {
    if (!this.view.svg) return;
    this.view.svg.classList.add("forward-mode");
    for (const el of this.view.svg.querySelectorAll(".tangent-done, .tangent-current")) {
      el.classList.remove("tangent-done", "tangent-current");
    }
    this.view.element(this.lesson.input)?.classList.add("tangent-done");
    this.lesson.timeline.forEach((step, k) => {
      if (k > i) return;
      const mark = k === i ? "tangent-current" : "tangent-done";
      for (const id of [step.node, ...step.edges]) this.view.element(id)?.classList.add(mark);
    });
    for (const b of this.result.querySelectorAll(".forward-step")) {
      b.classList.toggle("current", b.dataset.node === this.lesson.timeline[i]?.node);
    }
  }
}
