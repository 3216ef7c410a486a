// Groups drawn collapsed, opened on demand (docs/svg.md, Groups). A large graph's drawing is
// its top level, each group one box; a click or Enter on a box opens it: the inside of that
// group (laid out on its own by the server, /api/graph.svg?group=gN) is placed over the box,
// in a panel of its own, and nothing else moves: every other node keeps its place, the
// drawing only grows where the panel reaches past it. The panel's title (or Enter on the box
// again) closes it, and the groups opened inside it. The player then steps over each closed
// group as one step and into each open one (group-steps.js).
import {t} from "../page/i18n.js";
import {parseDrawing} from "./graph-view.js";
import {groupCaption, groupTitle, visibleIndex, visibleSteps} from "./group-steps.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const PAD = 8;       // drawing units around a panel's inside
const HEADER = 20;   // the panel's title line

export class GroupDrawing {
  // fetchGroup(id) -> the SVG text of that group's inside; onChange(opened): what is drawn
  // changed (opened: the id of the group just opened, or null).
  constructor({view, fetchGroup, onChange}) {
    this.view = view;
    this.fetchGroup = fetchGroup;
    this.onChange = onChange;
    this.open = new Map();  // group id -> its panel
    this.steps = [];
  }

  load(index, svg) {
    this.index = index;
    this.svg = svg;
    this.open = new Map();
    this.groups = new Map((index?.doc.groups ?? []).map((g) => [g.id, g]));
    this.grouped = Boolean(svg?.querySelector("g.node.group"));
    this.chains = new Map();  // node id -> its groups, outermost first
    for (const node of index?.doc.graph.nodes ?? []) {
      const chain = [];
      for (let g = node.group; g; g = this.groups.get(g)?.parent) chain.unshift(g);
      this.chains.set(node.id, chain);
    }
    this.firstStep = new Map();  // element id -> the first timeline step about it
    index?.timeline.forEach((step, i) => {
      for (const id of [step.node, step.edge]) if (id && !this.firstStep.has(id)) this.firstStep.set(id, i);
    });
    this.groupFirst = new Map([...this.groups.values()].map((g) =>
      [g.id, Math.min(...g.nodes.map((n) => this.firstStep.get(n) ?? 0))]));
    if (svg) this.wire(svg);
    this.rebuild();
  }

  // The closed group that hides node `id` (null when the node is drawn).
  owner(id) {
    if (!this.grouped) return null;
    for (const group of this.chains.get(id) ?? []) if (!this.open.has(group)) return group;
    return null;
  }

  rebuild() {
    this.steps = this.index
      ? visibleSteps(this.index.timeline, this.index.edges, (id) => this.owner(id)) : [];
    this.members = new Map();  // real element id -> drawn stand-ins (ports, merged edges)
    for (const el of this.svg?.querySelectorAll("g[data-members]") ?? []) {
      for (const id of el.dataset.members.split(" ")) {
        if (!this.members.has(id)) this.members.set(id, []);
        this.members.get(id).push(el);
      }
    }
  }

  // The visible step ending at timeline step `full`, if it is a closed group's run.
  run(full) {
    if (!this.grouped || full < 0) return null;
    const step = this.steps[visibleIndex(this.steps, full)];
    return step?.group && step.end === full ? step : null;
  }

  caption(full) {
    const step = this.run(full);
    return step ? groupCaption(this.index, this.groups.get(step.group), step) : null;
  }

  // After GraphView.setStep: the boxes, ports and merged edges standing for what timeline
  // step `full` marks.
  markStep(full, activeIds) {
    if (!this.grouped || !this.svg) return;
    for (const box of this.svg.querySelectorAll("g.node.group")) {
      box.classList.toggle("pending", (this.groupFirst.get(box.id) ?? 0) > full);
    }
    for (const [id, stand] of this.members) {  // an edge's only step is its backward one
      if (id.startsWith("e") && (this.firstStep.get(id) ?? Infinity) <= full) {
        for (const el of stand) el.classList.add("flowed");
      }
    }
    const step = this.run(full);
    if (step) {
      this.view.element(step.group)?.classList.add("active");
      return;
    }
    for (const id of activeIds) {
      for (const el of this.members.get(id) ?? []) el.classList.add("active");
      const node = this.index.edges.get(id)?.target ?? id;
      const box = this.owner(node);
      if (box) this.view.element(box)?.classList.add("active");
    }
  }

  // Make the boxes under `root` open on a click, Enter or Space.
  wire(root) {
    for (const box of root.querySelectorAll("g.node.group")) {
      const group = this.groups.get(box.id);
      if (!group) continue;
      box.classList.add("clickable");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "button");
      box.setAttribute("aria-expanded", "false");
      box.setAttribute("aria-label", t("groups.open", {name: groupTitle(group)}));
      box.addEventListener("click", () => this.toggle(box.id));
      box.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        this.toggle(box.id);
      });
    }
  }

  toggle(id) {
    return this.open.has(id) ? this.collapse(id) : this.expand(id);
  }

  // Open group `id` (and the groups around it first); resolves when it is drawn.
  async expand(id) {
    const group = this.groups.get(id);
    if (!this.grouped || !group || this.open.has(id)) return;
    if (group.parent && !this.open.has(group.parent)) await this.expand(group.parent);
    const box = this.view.element(id);
    if (!box) return;
    this.open.set(id, null);  // opening: a second click meanwhile does not open it twice
    let parsed = null;
    try {
      parsed = parseDrawing(await this.fetchGroup(id));
    } finally {
      if (!parsed) this.open.delete(id);
    }
    if (!parsed || !this.svg?.contains(box)) return;
    const panel = this.panel(group, box, parsed.root);
    this.svg.append(panel);
    this.open.set(id, panel);
    box.setAttribute("aria-expanded", "true");
    this.wire(panel);
    this.changed(id);
  }

  collapse(id) {
    for (const [other, panel] of [...this.open]) {
      if (other === id || this.isInside(other, id)) {
        panel?.remove();
        this.open.delete(other);
      }
    }
    this.view.element(id)?.setAttribute("aria-expanded", "false");
    this.changed();
    this.view.element(id)?.focus?.();
  }

  isInside(id, ancestor) {
    for (let g = this.groups.get(id)?.parent; g; g = this.groups.get(g)?.parent) {
      if (g === ancestor) return true;
    }
    return false;
  }

  // opened: the group just opened (null: one was closed).
  changed(opened = null) {
    this.view.refresh();
    this.rebuild();
    this.onChange(opened);
  }

  // The box of group `id`'s open panel in the drawing's units (null when it is closed).
  panelBox(id) {
    const r = this.open.get(id)?.querySelector("rect.group-panel");
    if (!r) return null;
    const [x, y, w, h] = ["x", "y", "width", "height"].map((a) => Number(r.getAttribute(a)));
    return {x, y, w, h};
  }

  // The panel holding a group's inside, over its box: its left edge on the box's (top edge,
  // top to bottom), centred on it the other way.
  panel(group, box, inner) {
    const at = this.boxInRoot(box);
    const viewBox = inner.viewBox.baseVal;
    const w = viewBox.width + 2 * PAD;
    const h = viewBox.height + 2 * PAD + HEADER;
    const topToBottom = this.svg.dataset.direction === "TB";
    const x = topToBottom ? at.x + at.w / 2 - w / 2 : at.x;
    const y = topToBottom ? at.y : at.y + at.h / 2 - h / 2;
    const panel = element("g", {class: "group-open", "data-group": group.id});
    panel.append(element("rect", {class: "group-panel", x, y, width: w, height: h, rx: 6}));
    // The title where the box was: its left (left to right) or the middle (top to bottom).
    const title = element("text", {class: "group-title", x: topToBottom ? x + w / 2 : x + PAD,
      y: y + HEADER - 5, "text-anchor": topToBottom ? "middle" : "start",
      tabindex: 0, role: "button", "aria-expanded": "true"});
    title.textContent = `▾ ${groupTitle(group)}`;
    title.setAttribute("aria-label", t("groups.close", {name: groupTitle(group)}));
    title.addEventListener("click", () => this.collapse(group.id));
    title.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      this.collapse(group.id);
    });
    panel.append(title);
    const inside = element("g", {class: "group-inside",
      transform: `translate(${x + PAD - viewBox.x} ${y + PAD + HEADER - viewBox.y})`});
    for (const child of [...inner.children]) {
      if (child.id) child.removeAttribute("id");  // graphviz's graph group: one per drawing
      inside.append(document.importNode(child, true));
    }
    panel.append(inside);
    return panel;
  }

  // An element's box in the drawing's own units (the root <svg>'s user space).
  boxInRoot(el) {
    const matrix = this.svg.getScreenCTM().inverse().multiply(el.getScreenCTM());
    const b = el.getBBox();
    const corners = [[b.x, b.y], [b.x + b.width, b.y + b.height]]
      .map(([px, py]) => new DOMPoint(px, py).matrixTransform(matrix));
    return {x: corners[0].x, y: corners[0].y, w: corners[1].x - corners[0].x,
      h: corners[1].y - corners[0].y};
  }

  // The drawing's extent with the open panels: `base` and every panel's box.
  extent(base) {
    let {x, y, w, h} = base;
    let x1 = x + w;
    let y1 = y + h;
    for (const id of this.open.keys()) {
      const box = this.panelBox(id);
      if (!box) continue;
      x = Math.min(x, box.x); y = Math.min(y, box.y);
      x1 = Math.max(x1, box.x + box.w); y1 = Math.max(y1, box.y + box.h);
    }
    return {x, y, w: x1 - x, h: y1 - y};
  }
}

function element(name, attributes) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  return el;
}
