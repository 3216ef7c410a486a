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
  return {doc, nodes, edges, incoming, inputs, timeline: doc.timeline};
}

export function nodeName(node) {
  return node.name || node.label || node.id;
}

export function isScalar(node) {
  return node && Array.isArray(node.shape) && node.shape.length === 0;
}
