// The drawing: parse the SVG from /api/graph.svg, import it into the page, and mark its
// elements for the current step (docs/svg.md): data-step > k hidden, step k "active", and
// the elements step k is about "active" too, by the server's rule (page config:
// steps.active_fields, the fields of a timeline entry that name them, per phase).
const SVG_NS = "http://www.w3.org/2000/svg";
const STYLE_ELEMENT = /<style\b[^>]*>([\s\S]*?)<\/style>/g;
const XML_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&"};

// The SVG text without its <style> elements, and their CSS (CDATA and entities undone).
function splitStyle(svgText) {
  const css = [];
  const markup = svgText.replace(STYLE_ELEMENT, (element, body) => {
    const text = body.replace(/^\s*<!\[CDATA\[/, "").replace(/\]\]>\s*$/, "");
    css.push(text.replace(/&(lt|gt|quot|apos|amp);/g, (entity) => XML_ENTITIES[entity]));
    return "";
  });
  return {markup, css: css.join("\n")};
}

// {root: the parsed <svg> element, css: its style} of an SVG text, or null if it is not SVG.
export function parseDrawing(svgText) {
  const {markup, css} = splitStyle(svgText);
  const parsed = new DOMParser().parseFromString(markup, "image/svg+xml");
  const root = parsed.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== "svg" ||
      parsed.getElementsByTagName("parsererror").length) {
    return null;
  }
  // Nothing executable may come in with the drawing, whatever the renderer sends.
  for (const el of root.querySelectorAll("script, foreignObject")) el.remove();
  return {root, css};
}

export class GraphView {
  constructor(container, {activeFields, onInputClick}) {
    this.container = container;
    this.svg = null;
    this.activeFields = activeFields;
    this.onInputClick = onInputClick;
  }

  // Returns false when the text is not an SVG document (nothing is inserted then).
  show(svgText) {
    const {root, css} = parseDrawing(svgText) ?? {};
    if (!root) return false;
    this.adoptStyle(css);
    const svg = document.importNode(root, true);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    svg.setAttribute("role", "img");
    svg.setAttribute("focusable", "false");
    this.container.replaceChildren(svg);
    this.svg = svg;
    this.refresh();
    this.markInputs();
    return true;
  }

  // What is drawn changed (a group opened or closed, groups.js): find the elements again.
  refresh() {
    this.stepped = [...this.svg.querySelectorAll("[data-step]")];
    this.ids = new Map([...this.svg.querySelectorAll("g[id]")].map((g) => [g.id, g]));
  }

  // The drawing's own style (its selectors all start with svg.autograd-graph or svg.theme-*)
  // as a constructed style sheet: a Content-Security-Policy without 'unsafe-inline' blocks a
  // <style> element, even in a parsed document, but not a CSSOM sheet.
  adoptStyle(css) {
    const sheets = document.adoptedStyleSheets.filter((sheet) => sheet !== this.sheet);
    this.sheet = new CSSStyleSheet();
    this.sheet.replaceSync(css);
    document.adoptedStyleSheets = [...sheets, this.sheet];
  }

  clear() {
    this.container.replaceChildren();
    this.svg = null;
    this.stepped = [];
    this.ids = new Map();
  }

  element(id) {
    return this.svg ? this.ids.get(id) ?? null : null;
  }

  markInputs() {
    for (const g of this.svg.querySelectorAll("g.node.input")) {
      g.classList.add("clickable");
      g.addEventListener("click", () => this.onInputClick?.(g.id));
    }
  }

  // k: the current step; step: the timeline entry; index: the graph lookups (model.js).
  setStep(k, index) {
    if (!this.svg) return;
    for (const el of this.stepped) {
      const s = Number(el.getAttribute("data-step"));
      el.classList.toggle("step-hidden", s > k);
      el.classList.toggle("active", s === k);
    }
    for (const el of this.svg.querySelectorAll("g.active, g.flowed, g.pending")) {
      el.classList.remove("active", "flowed", "pending");
    }
    index.timeline.forEach((step, i) => {
      if (step.phase === "forward" && i > k) this.element(step.node)?.classList.add("pending");
      if (step.phase === "backward" && i <= k) this.element(step.edge)?.classList.add("flowed");
    });
    const step = index.timeline[k];
    this.svg.dataset.phase = step ? step.phase : "start";
    const ids = step ? (this.activeFields[step.phase] || []).flatMap((field) => step[field] ?? []) : [];
    for (const id of ids) this.element(id)?.classList.add("active");
    this.onMarked?.(k, ids);  // groups.js: the boxes and merged edges standing for them
  }

  // The groups the current step is about (marked by setStep).
  activeElements() {
    return this.svg ? [...this.svg.querySelectorAll("g.node.active, g.edge.active")] : [];
  }

  // Highlight one path (its nodes and edges) or, with null, none.
  highlightPath(path) {
    if (!this.svg) return;
    this.svg.classList.toggle("path-mode", Boolean(path));
    for (const el of this.svg.querySelectorAll(".on-path")) el.classList.remove("on-path");
    if (!path) return;
    for (const id of [...path.nodes, ...path.edges]) this.element(id)?.classList.add("on-path");
  }

  markChosenInput(id) {
    if (!this.svg) return;
    for (const el of this.svg.querySelectorAll(".chosen")) el.classList.remove("chosen");
    if (id) this.element(id)?.classList.add("chosen");
  }
}
