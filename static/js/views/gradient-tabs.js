// The graph of a gradient (issue 15, item 3). A program that made a gradient with
// create_graph=True has more than one graph to show (docs/graph-json.md, "Higher order"):
// - the first pass: the function and its first derivatives (the main document, or, when the
//   program differentiated the gradient again, the same program drawn for `output` = the
//   differentiated variable);
// - the gradient's own graph, the backward pass recorded as forward operations, differentiated
//   again: its inputs' grads are second derivatives (the main document when the program
//   differentiated it itself, else the JSON's higher_order[N].document, drawn with gradient=N).
// A tab a graph; choosing one puts that graph on the page (drawing, player, paths, rule) on its
// own timeline. The drawing is the API's: /api/graph.svg with `gradient` or `output`.
import {postJson} from "../lib/fetch.js";
import {language, t} from "../page/i18n.js";

// The graphs a document offers: [{key, kind: "first" | "gradient" | "program", ...}].
export function graphTabs(doc) {
  const entries = doc.higher_order ?? [];
  if (!entries.some((entry) => entry.document)) return [];
  const mainIsGradient = doc.graph.nodes.some((node) => node.backward_pass != null);
  const output = doc.graph.nodes.find((node) => node.id === doc.output);
  const mainEntry = entries.find((entry) => entry.node !== null && entry.node === doc.output);
  const tabs = [];
  if (!mainIsGradient) {
    tabs.push({key: "main", kind: "first", of: output?.name ?? entries[0].of, wrt: entries[0].wrt});
  } else {
    const first = entries.find((entry) => entry.of);
    if (first) tabs.push({key: "first", kind: "first", of: first.of, output: first.of, wrt: first.wrt});
    tabs.push(mainEntry ? {key: "main", kind: "gradient", entry: mainEntry}
      : {key: "main", kind: "program", name: output?.name ?? output?.label});
  }
  entries.forEach((entry, number) => {
    if (!entry.document || (mainIsGradient && entry === mainEntry)) return;
    tabs.push({key: `gradient-${number}`, kind: "gradient", entry, number});
  });
  return tabs;
}

// "∂y/∂x" of an entry, in words for a tab (names: the user's, or "?" when unnamed).
export function derivativeText(entry) {
  return `∂${entry.of ?? "?"}/∂${entry.wrt ?? "?"}`;
}

export function tabLabel(tab) {
  if (tab.kind === "first") return t("views.tab_first", {of: tab.of ?? "?"});
  if (tab.kind === "program") return t("views.tab_program", {name: tab.name ?? "?"});
  const {entry} = tab;
  const name = entry.name ?? t("views.unnamed_gradient");
  return t("views.tab_gradient", {name, derivative: derivativeText(entry)});
}

export class GradientTabs {
  // bar: the tab list's element; urls: the page config's; source(): the program on show;
  // fetchDrawing(): its drawing with the page's options (this tab's among them);
  // onShow(tab, doc, svgText): a graph to put on the page; onProblem(error): it failed.
  constructor({bar, urls, source, fetchDrawing, onShow, onProblem}) {
    Object.assign(this, {bar, urls, source, fetchDrawing, onShow, onProblem});
    this.tabs = [];
    this.current = null;
    this.mainDoc = null;
    this.asked = 0;
  }

  // A new run's document (null: none): its tabs, the main one chosen.
  load(doc) {
    this.mainDoc = doc;
    this.tabs = doc && doc.graph.nodes.length ? graphTabs(doc) : [];
    this.current = this.tabs.find((tab) => tab.key === "main") ?? null;
    this.render();
  }

  // Back to the program's own graph (a new run starts).
  leave() {
    this.current = null;
    this.asked += 1;
  }

  // The drawing parameters of the graph on show.
  options() {
    if (!this.current || this.current.key === "main") return {};
    if (this.current.output) return {output: this.current.output};
    return {gradient: String(this.current.number)};
  }

  render() {
    this.bar.replaceChildren();
    this.bar.hidden = this.tabs.length < 2;
    this.bar.closest(".views-bar").hidden = this.bar.hidden;
    for (const tab of this.tabs) {
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("role", "tab");
      button.dataset.tab = tab.key;
      button.className = `graph-tab ${tab.kind}`;
      button.textContent = tabLabel(tab);
      const chosen = tab === this.current;
      button.setAttribute("aria-selected", String(chosen));
      button.tabIndex = chosen ? 0 : -1;
      button.addEventListener("click", () => this.choose(tab.key));
      button.addEventListener("keydown", (event) => this.onKey(event, tab));
      this.bar.append(button);
    }
  }

  // Arrow keys move between the tabs (the tab list pattern); the stepping keys stay the page's.
  onKey(event, tab) {
    const moves = {ArrowRight: 1, ArrowLeft: -1};
    if (!(event.key in moves)) return;
    event.preventDefault();
    event.stopPropagation();
    const i = (this.tabs.indexOf(tab) + moves[event.key] + this.tabs.length) % this.tabs.length;
    const key = this.tabs[i].key;
    this.choose(key).then(() => this.bar.querySelector(`[data-tab="${key}"]`)?.focus());
  }

  // Put the graph of tab `key` on the page.
  async choose(key) {
    const tab = this.tabs.find((candidate) => candidate.key === key);
    if (!tab || !this.mainDoc) return;
    const asked = ++this.asked;
    const previous = this.current;
    this.current = tab;
    this.render();
    try {
      const doc = await this.documentOf(tab);
      const svgText = await this.fetchDrawing();
      if (asked !== this.asked) return;
      this.onShow(tab, doc, svgText);
    } catch (error) {
      if (asked !== this.asked) return;
      this.current = previous;
      this.render();
      this.onProblem(error);
    }
  }

  // The graph document of a tab: the page keeps the program's printed output and warnings.
  async documentOf(tab) {
    const main = this.mainDoc;
    const kept = {stdout: main.stdout, warnings: main.warnings, higher_order: main.higher_order};
    if (tab.key === "main") return main;
    if (tab.output) {
      const body = {source: this.source(), lang: language(), output: tab.output};
      const doc = await postJson(this.urls.graph, body);
      return {...doc, ...kept};
    }
    return {...tab.entry.document, ...kept};
  }
}
