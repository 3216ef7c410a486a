// Search by variable or op name: Enter jumps to the next node called that (Shift+Enter the
// one before), opening the groups it is in, centring the camera on it and marking it. A
// variable's name counts first, then the op's short label (`sin`) or autograd's name
// (`SinBackward0`), then names that start with the text, then names that contain it.
import {t} from "../page/i18n.js";
import {groupTitle} from "./group-steps.js";
import {nodeName} from "./model.js";

export class GraphSearch {
  constructor({form, input, status, view, groups, zoom}) {
    this.form = form;
    this.input = input;
    this.status = status;
    this.view = view;
    this.groups = groups;
    this.zoom = zoom;
    this.index = null;
    form.addEventListener("submit", (event) => event.preventDefault());
    input.addEventListener("input", () => { this.matches = null; });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      this.next(event.shiftKey ? -1 : 1);
    });
  }

  // shown: whether the drawing is large enough to be drawn by groups.
  load(index, shown) {
    this.index = index;
    this.matches = null;
    this.form.hidden = !(index && shown);
    this.status.textContent = "";
  }

  matchesFor(text) {
    const query = text.trim().toLowerCase();
    if (!query || !this.index) return [];
    const rank = (node) => {
      const name = (node.name ?? "").toLowerCase();
      const words = [node.label, node.op].filter(Boolean).map((w) => w.toLowerCase());
      if (name === query) return 0;
      if (words.includes(query)) return 1;
      if ([name, ...words].some((w) => w && w.startsWith(query))) return 2;
      if ([name, ...words].some((w) => w && w.includes(query))) return 3;
      return null;
    };
    return [...this.index.nodes.values()]
      .map((node, order) => ({node, order, score: rank(node)}))
      .filter((m) => m.score !== null)
      .sort((a, b) => a.score - b.score || a.order - b.order)
      .map((m) => m.node);
  }

  async next(direction) {
    if (!this.matches) {
      this.matches = this.matchesFor(this.input.value);
      this.at = direction > 0 ? -1 : 0;
    }
    if (!this.matches.length) {
      this.status.textContent = t("search.none", {text: this.input.value.trim()});
      return;
    }
    const count = this.matches.length;
    this.at = (this.at + direction + count) % count;
    const node = this.matches[this.at];
    if (node.group) await this.groups.expand(node.group);
    const el = this.view.element(node.id);
    for (const old of this.view.svg?.querySelectorAll("g.found") ?? []) old.classList.remove("found");
    if (!el) return;
    el.classList.add("found");
    this.zoom.centreOn(this.zoom.boxOf([el]));
    const where = this.groups.chains.get(node.id)?.map((id) => groupTitle(this.groups.groups.get(id)));
    this.status.textContent = t("search.found", {n: this.at + 1, count, name: nodeName(node),
      where: where?.length ? where.join(" › ") : "—"});
  }
}
