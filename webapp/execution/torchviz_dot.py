"""torchviz's own drawing of a graph, for the torchviz view (it needs the real tensors, so it
is made here, in the sandbox child).
"""
import warnings as python_warnings

import torch
from torchviz import make_dot

from webapp.core.errors import LimitExceeded


def torchviz_source(target, scope):
    """torchviz's `make_dot` DOT source (a string) for the tensor `target`, leaves named after
    the program's variables in `scope` (name -> value)."""
    leaves = {name: value for name, value in scope.items()
              if isinstance(value, torch.Tensor) and value.is_leaf and value.requires_grad}
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("ignore")   # torchviz 0.0.3 compares versions via distutils
        try:
            return make_dot(target, params=leaves).source
        except RecursionError:                   # make_dot walks the graph recursively
            raise LimitExceeded("The graph is too deep for torchviz's drawing.") from None
