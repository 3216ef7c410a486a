"""The autograd graph visualiser, one package per stage of DESIGN.md (arrows point down):

    web        Flask: pages, /api, parameters, problem responses, OpenAPI, protection
    pipeline   the one way to the sandbox, and the result cache
    render     graph JSON -> DOT, SVG, animated SVG, PNG, PDF, GIF   (no torch, no flask)
    graph      sandbox trace -> graph JSON (groups, bounds); forward mode (no torch, no flask)
    sandbox    fork server, single-use children, the wire protocol  (torch only through the
               entry point it is given)
    execution  the interpreter under torch, capture, rules, lessons (the sandbox child only)
    language   the checker and the names it allows                   (no torch)
    core       errors, limits, settings, JSON-safe numbers           (no torch, flask, networkx)

`create_app` is imported lazily, so that importing any stage (the sandbox child imports
`webapp.execution`) does not import Flask.
"""


def create_app(test_config=None):
    """The Flask application (see webapp.web.app)."""
    from webapp.web.app import create_app as create
    return create(test_config)
