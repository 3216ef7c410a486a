"""What a timeline step shows: its duration, the elements it is about, when texts appear.

In: the graph JSON document (docs/graph-json.md) and a step index. Out: the ids a step marks
active, and for every element the step at which each of its label roles appears. Used by the
drawings (render.svg, render.animate, render.raster) and handed to the page (STEP_SECONDS and
ACTIVE_FIELDS in its page config), so that the player and the exports keep one rhythm and mark
the same elements.
"""
STEP_SECONDS = 1.1  # one step of the page's player at 1x, of the animated SVG and of the GIF

# The fields of a timeline entry that name the elements the step is about: forward/seed its
# node; backward its edge and that edge's source node; accumulate the node and the summed edges.
ACTIVE_FIELDS = {
    "forward": ("node",),
    "seed": ("node",),
    "backward": ("edge", "node"),
    "accumulate": ("node", "edges"),
}


def active_elements(doc, step):
    """The set of element ids timeline step `step` marks active (empty for None or out of range)."""
    timeline = doc.get("timeline", [])
    if step is None or not 0 <= step < len(timeline):
        return set()
    entry, ids = timeline[step], set()
    for field in ACTIVE_FIELDS.get(entry.get("phase"), ()):
        value = entry.get(field)
        ids.update(value if isinstance(value, list) else [value])
    return ids - {None}


def text_steps(doc):
    """{element id: {role: timeline index}} for the roles that appear at a step (docs/svg.md)."""
    steps = {}
    for index, step in enumerate(doc.get("timeline", [])):
        phase, node = step.get("phase"), step.get("node")
        if phase == "forward":
            steps.setdefault(node, {})["value"] = index
        elif phase in ("seed", "backward", "accumulate"):
            # The last of these into a node is when its grad is complete: seed for the output,
            # the accumulate step after several consumers, else its one backward step.
            steps.setdefault(node, {})["grad"] = index
        if phase == "backward":
            steps.setdefault(step.get("edge"), {}).update(local=index, flow=index)
    return steps


def page_steps():
    """The player's part of the page config: {"step_ms": int, "active_fields": ACTIVE_FIELDS}."""
    return {"step_ms": round(STEP_SECONDS * 1000), "active_fields": ACTIVE_FIELDS}
