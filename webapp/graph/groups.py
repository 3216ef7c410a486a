"""Groups from the program's structure: calls of its functions, loop iterations, and series of
identical iterations, as docs/graph-json.md ("Groups") describes them.

`groups_of(nodes, sources, output, described)` takes the document's nodes in id order (each
with the trace's `group` key, absent for a node the interpreter did not record), the sources
of each node by index, the output's index and the trace's groups (capture/groups.py), and
returns (groups, innermost group id of each node). Plain data in and out, no torch.

Where a node belongs: an op in the call or iteration it ran in; an input (a leaf) at the top,
never inside a group (gradients land there: it stays visible); a constant or an op made
inside a library call in the innermost group holding all its consumers.
"""
# Two equal iterations in a row are already a series: a loop of two draws as one box "× 2".
MIN_SERIES_ITERATIONS = 2


def groups_of(nodes, sources, output, described):
    """(groups in pre-order with ids g0..., each node's innermost group id or None)."""
    if not described:
        return [], [None] * len(nodes)
    tree = GroupTree(described)
    where = tree.place(nodes, consumers_of(sources, len(nodes)))
    tree.add_series(nodes, sources, where)
    return tree.emit(nodes, sources, output, where)


def consumers_of(sources, count):
    consumers = [[] for _ in range(count)]
    for target, operands in enumerate(sources):
        for source in operands:
            consumers[source].append(target)
    return consumers


class GroupTree:
    """The trace's groups by key, with parents, children and the nodes placed in them."""

    def __init__(self, described):
        self.info = {g["key"]: dict(g) for g in described}
        self.parent = {g["key"]: g["parent"] for g in described}
        self.depth = {}
        for key in self.info:
            self.depth[key] = self.depth_of(key)
        self.children = {None: []}

    def depth_of(self, key):
        depth = 0
        while key is not None:
            depth, key = depth + 1, self.parent[key]
        return depth

    def common(self, a, b):
        """The innermost group holding both groups `a` and `b` (None: the top)."""
        while a != b:
            if self.depth.get(a, 0) >= self.depth.get(b, 0):
                a = self.parent[a]
            else:
                b = self.parent[b]
        return a

    def place(self, nodes, consumers):
        """Each node's group key: its recorded group, None for inputs, else the innermost
        group of all its consumers (consumers have higher ids: placed first)."""
        where = [None] * len(nodes)
        for index in range(len(nodes) - 1, -1, -1):
            node = nodes[index]
            if node["kind"] == "input":
                continue
            if "group" in node:
                where[index] = node["group"]
                continue
            users = consumers[index]
            key = where[users[0]] if users else None
            for user in users[1:]:
                key = self.common(key, where[user])
            where[index] = key
        return where

    def members(self, where):
        """{group key: indices of the nodes directly in it}, and the tree's children."""
        direct = {key: [] for key in self.info}
        for index, key in enumerate(where):
            if key is not None:
                direct[key].append(index)
        self.children = {None: []}
        for key in self.info:
            self.children.setdefault(key, [])
        for key, parent in self.parent.items():
            self.children.setdefault(parent, []).append(key)
        return direct

    def descendants(self, key, direct):
        """Indices of every node in group `key` and its sub-groups, in id order."""
        found, stack = [], [key]
        while stack:
            group = stack.pop()
            found.extend(direct.get(group, ()))
            stack.extend(self.children.get(group, ()))
        return sorted(found)

    def add_series(self, nodes, sources, where):
        """Wrap each run of at least MIN_SERIES_ITERATIONS consecutive iterations of one loop
        with the same signature in a series group (their new parent)."""
        direct = self.members(where)
        runs = {}
        for key, info in self.info.items():
            if info["kind"] == "iteration":
                runs.setdefault((self.parent[key], info["loop"]), []).append(key)
        for (parent, loop), keys in runs.items():
            if len(keys) < MIN_SERIES_ITERATIONS:
                continue
            keys.sort(key=lambda k: self.info[k]["index"])
            marks = [self.signature(k, nodes, sources, where, direct) for k in keys]
            start = 0
            for end in range(1, len(keys) + 1):
                if end == len(keys) or marks[end] != marks[start] or \
                        self.info[keys[end]]["index"] != self.info[keys[end - 1]]["index"] + 1:
                    if end - start >= MIN_SERIES_ITERATIONS:
                        self.wrap(parent, keys[start:end])
                    start = end

    def wrap(self, parent, keys):
        first = self.info[keys[0]]
        key = f"s{len(self.info)}"
        self.info[key] = {"key": key, "kind": "series", "parent": parent,
                          "label": first["header"], "loop": first["loop"],
                          "header": first["header"], "line": first["line"],
                          "count": len(keys), "iterations": keys}
        self.parent[key] = parent
        for member in keys:
            self.parent[member] = key

    def signature(self, key, nodes, sources, where, direct):
        """What must be equal for two iterations to be one series: their nodes in order
        (kind, op, shape, dtype and the sub-group each is in) and the edges between them."""
        inside = self.descendants(key, direct)
        position = {index: p for p, index in enumerate(inside)}
        return tuple((node["kind"], node["op"], tuple(node["shape"] or ()), node["dtype"],
                      self.path_below(key, where[index]),
                      tuple(position.get(s, -1) for s in sources[index]))
                     for index, node in ((i, nodes[i]) for i in inside))

    def path_below(self, top, key):
        """The groups from `top` (excluded) down to `key`, as (kind, function or index)."""
        path = []
        while key is not None and key != top:
            info = self.info[key]
            path.append((info["kind"], info.get("function"), info.get("index")))
            key = self.parent[key]
        return tuple(path)

    def run_parent(self, key):
        """The group a loop ran in, for one of its iterations or series."""
        parent = self.parent[key]
        if parent is not None and self.info[parent]["kind"] == "series" and \
                self.info[key]["kind"] == "iteration":
            parent = self.parent[parent]
        return parent

    def emit(self, nodes, sources, output, where):
        """The groups as the document lists them, ids in pre-order."""
        direct = self.members(where)
        every = {key: self.descendants(key, direct) for key in self.info}
        order, stack = [], sorted(self.children[None], key=lambda k: every[k][:1], reverse=True)
        while stack:
            key = stack.pop()
            order.append(key)
            stack.extend(sorted(self.children[key], key=lambda k: every[k][:1], reverse=True))
        ids = {key: f"g{number}" for number, key in enumerate(order)}
        ids[None] = None
        loops = {}
        consumers = consumers_of(sources, len(nodes))
        groups = [self.document_group(key, ids, loops, every[key], sources, consumers, output)
                  for key in order]
        return groups, [ids[key] for key in where]

    def document_group(self, key, ids, loops, inside, sources, consumers, output):
        info = self.info[key]
        members = set(inside)
        inputs = sorted({s for i in inside for s in sources[i] if s not in members})
        outputs = [i for i in inside if i == output or
                   any(c not in members for c in consumers[i])]
        group = {"id": ids[key], "kind": info["kind"], "label": info["label"],
                 "parent": ids[self.parent[key]],
                 "children": [ids[c] for c in sorted(self.children[key], key=order_of(ids))],
                 "nodes": [f"n{i}" for i in inside],
                 "inputs": [f"n{i}" for i in inputs], "outputs": [f"n{i}" for i in outputs],
                 "line": info["line"]}
        if info["kind"] == "call":
            group.update(function=info["function"], parameters=info["parameters"])
        else:
            run = (self.run_parent(key), info["loop"])        # one run of the loop statement
            group.update(loop=loops.setdefault(run, len(loops)), header=info["header"])
            if info["kind"] == "iteration":
                group["index"] = info["index"]
            else:
                group.update(count=info["count"], first=ids[info["iterations"][0]],
                             last=ids[info["iterations"][-1]])
        return group


def order_of(ids):
    return lambda key: int(ids[key][1:])
