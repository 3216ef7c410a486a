"""What a pool process can be asked to do, by name (the only code that runs there).

In: plain data (a graph document, options, DOT source). Out: str or bytes; render's errors
(RenderError and its kinds, ValueError) are raised as they are and travel back to the web
process pickled. Nothing here imports torch: the torchviz view's DOT is made in the sandbox
child, only its drawing is made here.
"""
import json

from webapp.render import drawing, exports, orientation, torchviz_view


def svg(doc, options):
    return drawing.to_svg(doc, **options)


def export(doc, kind, options):
    return exports.export(doc, kind, **options)[0]


def direction(doc, aspect, lang):
    return orientation.chosen_direction(doc, aspect, lang)


def torchviz_svg(dot_source):
    return torchviz_view.to_svg(dot_source)


def graph_json(doc):
    """The document as the API sends it: what Flask's jsonify writes (sorted keys, compact,
    ASCII, a final newline), as bytes."""
    text = json.dumps(doc, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("ascii")


JOBS = {
    "svg": svg,
    "export": export,
    "direction": direction,
    "torchviz-svg": torchviz_svg,
    "graph-json": graph_json,
}
