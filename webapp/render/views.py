"""What one drawing of a grouped graph shows: the top level, or the inside of one group.

In: the graph JSON document (docs/graph-json.md, its `groups`) and a group id (None: the top
level). Out: a *view*, a document of the same shape that render.dot and render.svg draw as
they draw any graph, in which
- each group directly below the one drawn is one node (kind `group`, id the group's id: `g3`),
  its summary as its label lines (a series: `for i in range(145) × 145`, the first and the
  last iteration's value and grad);
- inside a group, each node outside it that an edge joins to the inside is a small port node
  (kind `port`, id `g3.n0`: node n0 as seen from inside g3);
- edges that touch a group node or a port are merged, one per pair of drawn ends (id
  `n0-g3`, `g3.n0-n5`), their `members` the real edges they stand for, their flow the sum of
  what flowed along them.
Every element keeps the timeline's numbering (`view_steps`: when each summary line appears), so
the page can place the inside of a group over its box and step through it (docs/svg.md,
Groups). Graphs of at most COLLAPSE_ABOVE_NODES nodes are drawn whole, exactly as before.
"""
from webapp.render.dot import format_number, format_value
from webapp.render.steps import text_steps

# The lecture's programs have at most ~30 nodes and a student's small loop or function a few
# dozen; drawn whole, 100 nodes still lay out in ~0.3 s and the page's legible region (14 px
# labels) covers a fair part of them. Above that the issue's own case, 149 nodes, already
# needs grouping to be read at all.
COLLAPSE_ABOVE_NODES = 100
PORT_FANOUT = 3


def is_grouped(doc):
    """Whether `doc` is drawn by groups (top level first) rather than whole."""
    return bool(doc.get("groups")) and len(doc["graph"]["nodes"]) > COLLAPSE_ABOVE_NODES


def view_of(doc, group=None):
    """The view of `group` (None: the top level) in `doc`; ValueError for an unknown group."""
    groups = {g["id"]: g for g in doc.get("groups", [])}
    if group is not None and group not in groups:
        raise ValueError(f"the graph has no group {group!r}")
    nodes = {node["id"]: node for node in doc["graph"]["nodes"]}
    inside = set(groups[group]["nodes"]) if group else set(nodes)
    shown = where_shown(doc, groups, group, inside)
    steps = text_steps(doc)
    view_nodes, view_steps, attributes = [], {}, {}
    for identifier in ordered_ends(shown, nodes):
        if identifier in groups:
            view_nodes.append(group_node(groups[identifier], nodes, doc))
            view_steps[identifier] = group_steps(groups[identifier], nodes, doc, steps)
        elif identifier in nodes:
            view_nodes.append(nodes[identifier])
    view_edges, merged = drawn_edges(doc, shown, inside, group)
    ports = {}
    for (source, target), members in spread_ports(merged).items():
        for end in (source, target):
            if "." in end and end not in ports:
                ports[end] = port_node(end, nodes[end.split(".")[1]])
        view_edges.append(merged_edge(source, target, members, nodes))
        identifier = view_edges[-1]["id"]
        attributes[identifier] = {"data-members": " ".join(e["id"] for e in members)}
        flow_steps = [steps.get(e["id"], {}).get("flow") for e in members]
        flow_steps = [s for s in flow_steps if s is not None]
        if flow_steps:
            view_steps[identifier] = {"flow": max(flow_steps)}
    for identifier, port in ports.items():
        attributes[identifier] = {"data-members": port["member"]}
    return {"version": doc.get("version", 1), "output": doc.get("output"),
            "timeline": doc.get("timeline", []), "view": group or "top",
            "graph": {"nodes": list(ports.values()) + view_nodes, "edges": view_edges},
            "view_steps": view_steps, "view_attributes": attributes}


def drawn_edges(doc, shown, inside, group):
    """The edges drawn as they are, and {(drawn source, drawn target): real edges} merged."""
    kept, merged = [], {}
    for edge in doc["graph"]["edges"]:
        ends = drawn_ends(edge, shown, inside, group)
        if ends is None:
            continue
        if ends == (edge["source"], edge["target"]):
            kept.append(edge)
        else:
            merged.setdefault(ends, []).append(edge)
    return kept, merged


def where_shown(doc, groups, group, inside):
    """{node id: what stands for it in this view}: itself, or the child group holding it."""
    shown = {identifier: identifier for identifier in inside}
    children = (groups[group]["children"] if group
                else [g["id"] for g in groups.values() if g["parent"] is None])
    for child in children:
        for identifier in groups[child]["nodes"]:
            shown[identifier] = child
    return shown


def ordered_ends(shown, nodes):
    """The drawn nodes and group nodes in the order of their first node (topological)."""
    seen, order = set(), []
    for identifier in nodes:
        end = shown.get(identifier)
        if end is not None and end not in seen:
            seen.add(end)
            order.append(end)
    return order


def drawn_ends(edge, shown, inside, group):
    """(source, target) as drawn in this view, None when the edge is not drawn here."""
    source, target = edge["source"], edge["target"]
    if source not in inside and target not in inside:
        return None
    a = shown[source] if source in inside else f"{group}.{source}"
    b = shown[target] if target in inside else f"{group}.{target}"
    return None if a == b else (a, b)


def spread_ports(merged):
    """The merged edges with a port read by more than PORT_FANOUT drawn nodes split into one
    port for each (`g3.n0.1`, `g3.n0.2`, ...): x read by every iteration of a series then
    draws beside each one, a chain, instead of one fan of long edges across the drawing."""
    readers = {}
    for source, _ in merged:
        readers[source] = readers.get(source, 0) + 1
    spread, seen = {}, {}
    for (source, target), members in merged.items():
        if "." in source and readers[source] > PORT_FANOUT:
            seen[source] = seen.get(source, 0) + 1
            source = f"{source}.{seen[source]}"
        spread[source, target] = members
    return spread


def merged_edge(source, target, members, nodes):
    constant = all(edge.get("constant") for edge in members)
    edge = {"id": f"{source}-{target}", "source": source, "target": target,
            "constant": constant, "local": None, "grad": None, "members": len(members)}
    flow = total_flow([e.get("grad") for e in members])
    if flow is not None and not constant:
        edge["lines"] = [("flow", flow_text(flow, len(members)))]
    else:
        edge["lines"] = []
    return edge


def total_flow(flows):
    """The sum of scalar flows (None when any is missing or not a number)."""
    if not flows or not all(isinstance(f, (int, float)) and not isinstance(f, bool)
                            for f in flows):
        return None
    return sum(flows)


def flow_text(flow, count):
    text = format_number(flow)
    return f"Σ {text} ({count})" if count > 1 else text


def port_node(identifier, node):
    """A small stand-in for a node outside the group drawn (its name, nothing else)."""
    label = node.get("name") or node.get("label") or node["id"]
    return {"id": identifier, "kind": "port", "label": label, "member": node["id"],
            "lines": [("label", label)], "shape": node.get("shape"), "value": None,
            "grad": None, "is_output": False}


def group_node(group, nodes, doc):
    """A group drawn as one box: its title, then its result's value and grad."""
    title = group["label"] + (f" × {group['count']}" if group["kind"] == "series" else "")
    if group["kind"] == "call":
        title = f"{group['label']}({', '.join(group.get('parameters', []))})"
    lines = [("label", title)]
    first, last = summary_nodes(group, nodes, doc)
    if last is not None:
        name = last.get("name")
        values = [format_value(n.get("value"), n.get("shape")) for n in (first, last) if n]
        text = " … ".join(dict.fromkeys(values)) if first is not last else values[-1]
        lines.append(("value", f"{name} = {text}" if name else text))
        grads = [n.get("grad") for n in (first, last) if n]
        if all(g is not None for g in grads):
            shown = [format_value(g, last.get("shape")) for g in grads]
            lines.append(("grad", "grad " + (" … ".join(shown) if first is not last
                                             else shown[-1])))
    return {"id": group["id"], "kind": "group", "group_kind": group["kind"], "label": title,
            "lines": lines, "is_output": doc.get("output") in group["nodes"],
            "shape": last.get("shape") if last else None, "value": None, "grad": None}


def summary_nodes(group, nodes, doc):
    """(first, last) result nodes shown in a group's box: a series' first and last
    iteration's result, else the group's result twice (None, None without one)."""
    groups = {g["id"]: g for g in doc.get("groups", [])}
    outputs = [nodes[i] for i in group.get("outputs", []) if i in nodes]
    if not outputs:
        return None, None
    last = outputs[-1]
    if group["kind"] == "series" and group.get("first") in groups:
        first_outputs = groups[group["first"]].get("outputs", [])
        first = nodes.get(first_outputs[-1]) if first_outputs else None
        return (first or last), last
    return last, last


def group_steps(group, nodes, doc, steps):
    """When a group box's value line and grad line appear: once every node inside has its
    value, once the results shown have their grads (the first iteration's comes last)."""
    value_steps = [steps.get(n, {}).get("value") for n in group.get("nodes", [])]
    grad_steps = [steps.get(n["id"], {}).get("grad")
                  for n in summary_nodes(group, nodes, doc) if n is not None]
    found = {}
    if any(s is not None for s in value_steps):
        found["value"] = max(s for s in value_steps if s is not None)
    if any(s is not None for s in grad_steps):
        found["grad"] = max(s for s in grad_steps if s is not None)
    return found
