// What autograd saves (issue 15, item 4). The drawing's select has a toggle, "Saved tensors
// too", that asks for the drawing with saved=1: every op
// node then lists its grad_fn._saved_* with their sizes (written by the server into the node,
// webapp/render/saved_view.py, so the layout makes room and nothing is overlaid). Beside the
// graph: the total memory (the document's saved_memory, each storage once), and what the
// current step is about: at a forward step what the op saved, at a backward step which saved
// values the edge's local derivative uses, those lines marked in the drawing (`saved-used`).
import {nodeName} from "../graph/model.js";
import {formatValue} from "../lib/format.js";
import {t} from "../page/i18n.js";

const UNITS = [[1 << 20, "MiB"], [1 << 10, "KiB"]];

// Bytes as the drawing writes them: 12 B, 3.9 KiB, 1.5 MiB.
export function sizeText(count) {
  for (const [unit, name] of UNITS) {
    if (count >= unit) return `${(count / unit).toFixed(1)} ${name}`;
  }
  return `${count} B`;
}

// One saved entry in words: "other = b (4 B)", "exponent = 3", "other = None".
export function entryWords(entry, node, index) {
  if (entry.kind === "scalar") return `${entry.name} = ${formatValue(entry.value)}`;
  if (entry.kind === "sizes") return `${entry.name} = (${(entry.value ?? []).join(", ")})`;
  if (entry.kind === "none") return `${entry.name} = None`;
  if (entry.kind !== "tensor") return entry.name;
  const whose = entry.node === node.id ? t("views.saved_itself")
    : entry.node ? nodeName(index.nodes.get(entry.node)) : t("views.saved_outside");
  return `${entry.name} = ${whose} (${sizeText(entry.bytes ?? 0)})`;
}

export class SavedView {
  // select: the drawing's select, whose "saved" option is the toggle; panel: this view's
  // part beside the graph (total, note).
  constructor({select, panel, total, note}) {
    Object.assign(this, {select, panel, total, note});
    this.index = null;
    select.addEventListener("change", () => this.render());  // main.js redraws
  }

  get on() {
    return this.select.value === "saved";
  }

  options() {
    return this.on ? {saved: "1"} : {};
  }

  // The graph on show (index, model.js; null: none).
  load(index) {
    this.index = index;
    this.render();
  }

  render() {
    const memory = this.index?.doc.saved_memory;
    this.panel.hidden = !this.on || !memory;
    if (this.panel.hidden) return;
    this.total.textContent = t("views.saved_total", {size: sizeText(memory.bytes),
      storages: memory.storages, tensors: memory.tensors});
  }

  // Step k on the drawing `view`: the note, and the saved lines its derivative uses marked.
  step(k, view) {
    for (const el of view.svg?.querySelectorAll("text.saved-used") ?? []) {
      el.classList.remove("saved-used");
    }
    this.note.textContent = "";
    if (!this.on || !this.index) return;
    const step = this.index.timeline[k];
    if (step?.phase === "forward") this.note.textContent = this.forwardNote(step.node);
    if (step?.phase === "backward") this.note.textContent = this.backwardNote(step.edge, view);
  }

  forwardNote(id) {
    const node = this.index.nodes.get(id);
    if (!node || node.saved == null) return "";
    if (!node.saved.length) return t("views.saved_forward_none", {op: node.op ?? nodeName(node)});
    return t("views.saved_forward", {op: node.op ?? nodeName(node),
      list: node.saved.map((entry) => entryWords(entry, node, this.index)).join(", "),
      size: sizeText(node.saved_bytes ?? 0)});
  }

  // Which of the target's saved values d target / d source uses (each entry's `uses`), marked.
  backwardNote(edgeId, view) {
    const edge = this.index.edges.get(edgeId);
    const target = edge && this.index.nodes.get(edge.target);
    if (!target || target.saved == null) return "";
    const words = {op: target.op ?? nodeName(target), target: nodeName(target),
      source: nodeName(this.index.nodes.get(edge.source))};
    if (target.saved.some((entry) => entry.uses === null)) return t("views.saved_unknown", words);
    const used = target.saved.map((entry, i) => [entry, i])
      .filter(([entry]) => entry.uses.includes(edge.source));
    const lines = view.element(target.id)?.querySelectorAll("text.saved") ?? [];
    for (const [, i] of used) lines[i]?.classList.add("saved-used");
    if (!used.length) return t("views.saved_uses_none", words);
    return t("views.saved_uses", {...words,
      list: used.map(([entry]) => entryWords(entry, target, this.index)).join(", ")});
  }
}
