// New numbers into the drawing on show, in place: the same SVG, every element where it was,
// only the texts of values, gradients, local derivatives and flows changed (labels.js writes
// them as the server would). When the new graph would be drawn differently (another node or
// edge, another line in a label: the graph's shape changed) nothing is touched and the
// caller asks for a new drawing.
import {edgeLines, nodeLines} from "./labels.js";

const ROLES = ["name", "label", "value", "grad", "local", "flow"];
const BOX_PADDING = 4;  // px of the node's outline kept free on each side of a squeezed text
const MIN_EDGE_SCALE = 0.6;

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
    ...doc.graph.edges.map((edge) =>
      [edge.id, edgeLines(edge, nodes.get(edge.target)?.grad, lang)]),
  ];
  const drawn = svg.querySelectorAll("g.node[id], g.edge[id]");
  if (drawn.length !== wanted.length) return null;
  const plan = [];
  for (const [id, lines] of wanted) {
    const g = svg.querySelector(`g[id="${CSS.escape(id)}"]`);
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
// numbers the drawing first showed).
function fitToOutline(text) {
  text.removeAttribute("textLength");
  text.removeAttribute("lengthAdjust");
  const outline = text.parentElement.querySelector(
    ":scope > polygon, :scope > path, :scope > ellipse");
  if (!outline) return;
  const room = outline.getBBox().width - 2 * BOX_PADDING;
  if (room > 0 && text.getComputedTextLength() > room) {
    text.setAttribute("textLength", String(room));
    text.setAttribute("lengthAdjust", "spacingAndGlyphs");
  }
}

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// An edge's text that grew past the width the layout gave it and now runs into another text
// is written smaller (down to MIN_EDGE_SCALE of its size), back to that width if it can be.
function fitEdgeTexts(texts, all) {
  for (const text of texts) {
    text.style.fontSize = "";
    const room = Number(text.dataset.room);
    const length = text.getComputedTextLength();
    if (length <= room) continue;
    const box = text.getBBox();
    const near = (other) => other.parentElement !== text.parentElement &&
      overlaps(box, other.getBBox());
    if (!all.some(near)) continue;
    const size = parseFloat(getComputedStyle(text).fontSize);
    text.style.fontSize = `${size * Math.max(MIN_EDGE_SCALE, room / length)}px`;
  }
}

// Write `plan` (plannedTexts) into the drawing; returns how many texts changed.
export function applyTexts(plan) {
  const edgeTexts = [];
  let changed = 0;
  for (const [text, content] of plan) {
    if (text.textContent === content) continue;
    if (!text.dataset.room) text.dataset.room = String(text.getComputedTextLength());
    text.textContent = content;
    if (text.parentElement.classList.contains("node")) fitToOutline(text);
    else edgeTexts.push(text);
    changed += 1;
  }
  if (edgeTexts.length) fitEdgeTexts(edgeTexts, plan.map(([text]) => text));
  return changed;
}
