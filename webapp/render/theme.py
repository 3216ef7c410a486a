"""The drawing's colours: one table per theme, the one place they are declared.

In: nothing. Out: THEMES, {theme name: {role: CSS colour}}. render.dot paints the DOT with the
shape and line roles (bg ... output_line), render.svg writes the stylesheet of the text roles
(value_text, grad_text, local_text) and of `active` (the step being shown), and render.animate
highlights with `active` too. The page's own palette (static/css/app.css) is separate: it
colours the page around the drawing and the marks the page adds to it.
"""
THEMES = {
    "light": {
        "bg": "white", "fg": "#111111", "edge": "#333333", "muted": "#6b6b6b",
        "input_fill": "#dcf3dc", "input_line": "#1b5e20",
        "op_fill": "#e6edf8", "op_line": "#1a3570", "group_fill": "#fff4d6",
        "output_line": "#b3261e",
        "value_text": "#0b3d91", "grad_text": "#b3261e", "local_text": "#4a4a4a",
        "active": "#e65100",
    },
    "dark": {
        "bg": "#121212", "fg": "#f2f2f2", "edge": "#dddddd", "muted": "#a0a0a0",
        "input_fill": "#173d1c", "input_line": "#8fd694",
        "op_fill": "#1b2838", "op_line": "#9cc3ff", "group_fill": "#3a3115",
        "output_line": "#ff8a80",
        "value_text": "#9cc3ff", "grad_text": "#ff8a80", "local_text": "#d0d0d0",
        "active": "#ffd54f",
    },
}
