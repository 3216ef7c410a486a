"""Local derivatives, as autograd's own nodes compute them.

Calling an autograd node with a one-hot upstream gradient gives one row of its Jacobian: the
derivative of that output element with respect to each of its inputs. The graph is kept
(retain_graph) until the trace is taken, so every node can still be called.
Runs inside the sandbox child.
"""
import torch

from webapp.core import limits


def node_jacobians(fn, output_template, input_templates):
    """For each of `fn`'s next functions, d output / d input as a tensor of shape
    output.shape + input.shape; None where it is unknown or has too many entries.

    `output_template` is a tensor shaped and typed like the node's output (its grad);
    `input_templates` are shaped like its inputs (what flowed back along each edge). Called
    alone, a node hands back a broadcast operand's gradient at the broadcast shape (autograd's
    engine sums it down afterwards): the templates' shapes say where to sum it to.
    """
    count = len(fn.next_functions)
    if output_template is None or output_template.numel() > limits.MAX_JACOBIAN_ENTRIES:
        return [None] * count
    rows = []
    try:
        for index in range(output_template.numel()):
            upstream = torch.zeros_like(output_template).reshape(-1)
            upstream[index] = 1
            grads = fn(upstream.reshape(output_template.shape))
            rows.append(grads if isinstance(grads, tuple) else (grads,))
    except Exception:                    # a node that cannot be called alone: say we do not know
        return [None] * count
    return [stack_rows([row[i] for row in rows], output_template.shape, template)
            for i, template in zip(range(count), input_templates)]


def stack_rows(rows, output_shape, input_template):
    """The rows d output_k / d input (one per output entry) as one Jacobian of shape
    output_shape + input shape, each row summed to the input's shape; None if any is missing
    or it has too many entries."""
    if input_template is None or any(row is None for row in rows):
        return None
    shape = input_template.shape
    jacobian = torch.stack([row.detach().sum_to_size(shape) if row.shape != shape
                            else row.detach() for row in rows])
    if jacobian.numel() > limits.MAX_JACOBIAN_ENTRIES:
        return None
    return jacobian.reshape(tuple(output_shape) + tuple(shape))


def merged_by_source(fn, per_input):
    """{source node: value} summing the entries of an operand used twice (x * x is 2x)."""
    merged = {}
    for (source, _), value in zip(fn.next_functions, per_input):
        if source is None:
            continue
        if source not in merged:
            merged[source] = value
        elif merged[source] is not None and value is not None:
            merged[source] = merged[source] + value
        else:
            merged[source] = None
    return merged
