"""Reading torchviz's DOT (webapp/render/torchviz_view.py), in-process: anything make_dot does
not write is refused, and the rewritten DOT keeps labels under fresh ids."""
import pytest

from webapp.render import torchviz_view


@pytest.mark.parametrize("dot_source", [
    'digraph {\n\t1 [label=a image="/etc/passwd"]\n}\n',
    'digraph {\n\t1 [label=a shapefile="/etc/passwd"]\n}\n',
    'digraph {\n\t1 [label=a fillcolor="red\\" image=\\"x"]\n}\n',
    'digraph {\n\t1 -> 2 [URL="http://example.com"]\n}\n',
    'digraph {\n\t1 -> 2\n}\n',                      # edges to undefined nodes
    'digraph {\n\tsubgraph cluster { 1 }\n}\n',
    'graph {\n}\n',
])
def test_anything_make_dot_does_not_write_is_refused(dot_source):
    with pytest.raises(torchviz_view.TorchvizFormatError):
        torchviz_view.parse(dot_source)


def test_rewritten_dot_keeps_labels_and_renumbers_ids():
    parsed = torchviz_view.parse('digraph {\n\tgraph [size="12,12"]\n'
                                 '\t140 [label="w\n (2, 3)" fillcolor=lightblue]\n'
                                 '\t141 [label=MulBackward0]\n\t140 -> 141\n}\n')
    dot = torchviz_view.to_dot(parsed)
    assert '"t0" [id="t0", label="w\\n (2, 3)", fillcolor="lightblue"];' in dot
    assert '"t0" -> "t1";' in dot and "140" not in dot
