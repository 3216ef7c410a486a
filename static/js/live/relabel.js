// New numbers into the drawing on show, in place: the same SVG, every element where it was,
// only the texts of values, gradients, local derivatives and flows changed (labels.js writes
// them as the server would). When the new graph would be drawn differently (another node or
// edge, another line in a label: the graph's shape changed) nothing is touched and the
// caller asks for a new drawing.
import {edgeLines, nodeLines} from "./labels.js";

const ROLES = ["name", "label", "value", "grad", "local", "flow"];
const BOX_PADDING = 4;  // px of the node's outline kept free on each side of a squeezed text

function textsOf(g) {
  return [...g.children].filter((el) => el.localName === "text" &&
    ROLES.some((role) => el.classList.contains(role)));
}

function roleOf(text) {
  return ROLES.find((role) => text.classList.contains(role));
}

// [[text element, new text]] for every labelled element of `doc`, or null if the drawing
// `svg` does not have exactly those lines (another shape, or a grouped view).
export function plannedTexts(svg, doc, lang) {
  const nodes = new Map(doc.graph.nodes.map((node) => [node.id, node]));
  const wanted = [
    ...doc.graph.nodes.map((node) => [node.id, nodeLines(node, lang)]),
    ...doc.graph.edges.map((edge) => [edge.id, edgeLines(edge, nodes.get(edge.target)?.grad, lang)]),
  ];
  const drawn = svg.querySelectorAll("g.node[id], g.edge[id]");
  if (drawn.length !== wanted.length) return null;
  const plan = [];
  for (const [id, lines] of wanted) {
    const g = svg.getElementById ? svg.querySelector(`g[id="${CSS.escape(id)}"]`) : null;
    if (!g) return null;
    const texts = textsOf(g);
    if (texts.length !== lines.length) return null;
    for (let i = 0; i < lines.length; i++) {
      const [role, text] = lines[i];
      if (roleOf(texts[i]) !== role) return null;
      if ((role === "name" || role === "label") && texts[i].textContent !== text) return null;
      plan.push([texts[i], text]);
    }
  }
  return plan;
}

// A node's text wider than its outline is squeezed to fit it (the layout was made for the
// numbers the drawing first showed); an edge's text has no outline to keep to.
function fitToOutline(text) {
  text.removeAttribute("textLength");
  text.removeAttribute("lengthAdjust");
  const outline = text.parentElement.querySelector(":scope > polygon, :scope > path, :scope > ellipse");
  if (!outline || !text.parentElement.classList.contains("node")) return;
  const room = outline.getBBox().width - 2 * BOX_PADDING;
  if (room > 0 && text.getComputedTextLength() > room) {
    text.setAttribute("textLength", String(room));
    text.setAttribute("lengthAdjust", "spacingAndGlyphs");
  }
}

// Write `plan` (plannedTexts) into the drawing; returns how many texts changed.
export function applyTexts(plan) {
  let changed = 0;
  for (const [text, content] of plan) {
    if (text.textContent === content) continue;
    text.textContent = content;
    fitToOutline(text);
    changed += 1;
  }
  return changed;
}
