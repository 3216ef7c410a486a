"""The long-lived dot: one process for many layouts, replaced after a timeout."""
import subprocess

import pytest

from webapp.render.dot_process import DotProcess

SMALL = 'digraph g { a -> b [label="local 2"]; }'


@pytest.fixture
def dot():
    process = DotProcess(1 << 30)
    yield process
    process.stop()


def test_one_process_lays_out_graph_after_graph(dot):
    first = dot.layout(SMALL, timeout=10)
    pid = dot.process.pid
    second = dot.layout(SMALL.replace("local 2", "local 3"), timeout=10)
    assert first.rstrip().endswith("</svg>") and "local 2" in first
    assert "local 3" in second and "local 2" not in second
    assert dot.process.pid == pid


def test_a_timeout_costs_the_process_and_the_next_layout_gets_a_new_one(dot):
    dot.layout(SMALL, timeout=10)
    pid = dot.process.pid
    huge = "digraph g {" + " ".join(f"n{i} -> n{i + 1};" for i in range(3000)) + "}"
    with pytest.raises(subprocess.TimeoutExpired):
        dot.layout(huge, timeout=0.001)
    assert dot.process is None
    assert "local 2" in dot.layout(SMALL, timeout=10)
    assert dot.process.pid != pid
