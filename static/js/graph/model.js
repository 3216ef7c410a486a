// Plain helpers over the graph JSON (docs/graph-json.md): lookups and names.

export function indexGraph(doc) {
  const nodes = new Map(doc.graph.nodes.map((n) => [n.id, n]));
  const edges = new Map(doc.graph.edges.map((e) => [e.id, e]));
  const incoming = new Map();
  for (const e of doc.graph.edges) {
    if (!incoming.has(e.target)) incoming.set(e.target, []);
    incoming.get(e.target).push(e);
  }
  const inputs = doc.graph.nodes.filter((n) => n.kind === "input");
  nameCollisions(doc.graph.nodes);
  return {doc, nodes, edges, incoming, inputs, timeline: doc.timeline};
}

// Words for nodes whose names collide (two unnamed "add"s, a reassigned variable): "add #2",
// numbered in the graph's order; the first keeps its plain name.
const SHOWN_NAMES = new WeakMap();

function nameCollisions(nodes) {
  const seen = new Map();
  for (const node of nodes) {
    if (node.kind === "constant") continue;
    const base = plainName(node);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    if (count > 1) SHOWN_NAMES.set(node, `${base} #${count}`);
  }
}

function plainName(node) {
  return node.name || node.label || node.id;
}

export function nodeName(node) {
  return SHOWN_NAMES.get(node) ?? plainName(node);
}

export function isScalar(node) {
  return node && Array.isArray(node.shape) && node.shape.length === 0;
}
