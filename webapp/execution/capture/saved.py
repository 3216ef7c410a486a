"""What autograd saved for the backward pass, node by node (`grad_fn._saved_*`).

Each op node keeps what its derivative formula needs: `MulBackward0` the two operands (the
derivative with respect to one is the other), `ExpBackward0` its own result, `SumBackward0`
only the operand's shape. `saved_of(fn, owners)` lists them as plain data: for a tensor its
shape, dtype, size in bytes, the storage it lives in and which graph node's value it is (an
operand of the op, the op's own output, another node of the graph, or none); for a number or
a shape its value. A tensor is told apart by its storage, offset, shape, strides and version,
not by the Python object or the storage alone: `a * a` saves `a` twice, as `self` and as
`other`, and a view saves a tensor that shares its base's storage (pytorchviz issue #69
merges such tensors into one drawing). Taken while the graph's leaves hold their values of the
backward call the graph shows (capture/trace.py). Runs inside the sandbox child (torch).
"""
import torch

from webapp.core import limits
from webapp.execution.capture.derivative_uses import uses_of
from webapp.execution.capture.nodes import is_leaf_node, plain, snapshots_in

PREFIX = "_saved_"


def identity(tensor):
    """What makes two tensors the same saved value: where their elements are and when."""
    return (tensor.untyped_storage().data_ptr(), tensor.storage_offset(), tuple(tensor.shape),
            tuple(tensor.stride()), tensor.dtype, tensor._version)


class Owners:
    """Which trace node each tensor of the graph is (by `identity`), and the storages seen
    (numbered `s0`, `s1`... in the order met)."""

    def __init__(self, key_of):
        self.key_of = key_of              # autograd node -> trace key
        self.by_identity = {}
        self.storages = {}                # storage data_ptr -> [id, bytes]
        self.budget = limits.MAX_SAVED_LISTED_ELEMENTS

    def note(self, tensor, key):
        if isinstance(tensor, torch.Tensor):
            self.by_identity.setdefault(identity(tensor), key)

    def note_graph(self, fns, constant_keys_of):
        """Every node's value: op results, leaves, and the constants their calls used."""
        for fn in fns:
            if is_leaf_node(fn):
                self.note(fn.variable, self.key_of[fn])
            elif "value" in fn.metadata:
                self.note(fn.metadata["value"], self.key_of[fn])
        for tensor, key in constant_keys_of:
            self.note(tensor, key)

    def storage(self, tensor):
        """(storage id, its bytes) of `tensor`'s storage."""
        storage = tensor.untyped_storage()
        entry = self.storages.setdefault(storage.data_ptr(),
                                         [f"s{len(self.storages)}", storage.nbytes()])
        return entry[0], entry[1]

    def listed(self, tensor):
        """The tensor's values as plain data, or None once the answer's budget is spent."""
        if tensor.numel() > limits.MAX_SAVED_VALUE_ELEMENTS or tensor.numel() > self.budget:
            return None
        self.budget -= tensor.numel()
        return plain(tensor)


def saved_of(fn, owners):
    """The plain-data list of what the op node `fn` saved (see docs/graph-json.md, "Saved")."""
    names = sorted(name for name in dir(fn) if name.startswith(PREFIX))
    operands = [owners.key_of.get(source) if source is not None else None
                for source, _ in fn.next_functions]
    entries = []
    for attribute in names:
        name = attribute[len(PREFIX):]
        try:
            value = getattr(fn, attribute)
        except RuntimeError:          # freed, or changed in place since it was saved
            entries.append(entry(name, "unavailable", None))
            continue
        item = describe_saved(name, value, fn, owners, operands)
        item["uses"] = uses_of(fn.name(), name, operands)
        entries.append(item)
    return entries


def entry(name, kind, value):
    return {"name": name, "kind": kind, "value": value, "shape": None, "dtype": None,
            "bytes": None, "storage": None, "storage_bytes": None, "role": None, "node": None,
            "summary": None}


def describe_saved(name, value, fn, owners, operands):
    """One saved attribute as plain data."""
    if isinstance(value, torch.Tensor):
        return tensor_entry(name, value, fn, owners, operands)
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, torch.Tensor)
                                                           for v in value):
        return entry(name, "tensors", [tensor_entry(f"{name}[{i}]", v, fn, owners, operands)
                                       for i, v in enumerate(value)])
    if value is None or isinstance(value, (bool, int, float, str)):
        return entry(name, "none" if value is None else "scalar", value)
    if isinstance(value, (tuple, list)) and all(isinstance(v, (int, float, bool)) for v in value):
        return entry(name, "sizes", [int(v) if isinstance(v, int) else v for v in value])
    return entry(name, "scalar", str(value))       # a SymInt, a dtype, a layout


def tensor_entry(name, tensor, fn, owners, operands):
    """A saved tensor: shape, dtype, bytes, storage, and whose value it is."""
    item = entry(name, "tensor", None)
    storage, storage_bytes = owners.storage(tensor)
    key = owners.by_identity.get(identity(tensor))
    own = owners.key_of.get(fn)
    role = "output" if key == own and key is not None else "input" if key in operands \
        and key is not None else "graph" if key is not None else "other"
    item.update(shape=list(tensor.shape), dtype=str(tensor.dtype).removeprefix("torch."),
                bytes=tensor.numel() * tensor.element_size(), storage=storage,
                storage_bytes=storage_bytes, role=role, node=key,
                value=owners.listed(tensor.detach()), summary=summary(tensor.detach()))
    return item


def summary(tensor):
    """min, max and mean of a floating tensor with more elements than are listed (else None)."""
    if tensor.numel() <= limits.MAX_SAVED_VALUE_ELEMENTS or not tensor.is_floating_point():
        return None
    return {"min": tensor.min().item(), "max": tensor.max().item(),
            "mean": tensor.mean().item()}


def attach(fns, builder, result):
    """Put `saved` and `saved_bytes` on every op node of `result` (TraceBuilder's output)."""
    owners = Owners(builder.key_of)
    owners.note_graph(fns, constant_tensors(fns, builder, result))
    by_key = {node["key"]: node for node in result["nodes"]}
    everything = {}
    for fn in fns:
        if is_leaf_node(fn):
            continue
        node = by_key[builder.key_of[fn]]
        node["saved"] = saved_of(fn, owners)
        storages = dict(storages_in(node["saved"]))
        everything.update(storages)
        node["saved_bytes"] = sum(storages.values())
    result["saved_memory"] = {"bytes": sum(everything.values()), "storages": len(everything),
                              "tensors": sum(1 for node in by_key.values()
                                             for _ in tensors_in(node.get("saved") or []))}


def tensors_in(entries):
    for item in entries:
        if item["kind"] == "tensor":
            yield item
        elif item["kind"] == "tensors":
            yield from item["value"]


def storages_in(entries):
    """(storage id, bytes) of every saved tensor in `entries`: shared storage counted once."""
    for item in tensors_in(entries):
        yield item["storage"], item["storage_bytes"]


def constant_tensors(fns, builder, result):
    """(tensor, key) of the constant tensors the trace drew: the k-th constant edge into an
    op is its k-th argument that needs no grad (TraceBuilder.add_constants' order)."""
    constant_keys = {}
    for edge in result["edges"]:
        if edge["constant"]:
            constant_keys.setdefault(edge["target"], []).append(edge["source"])
    found = []
    for fn in fns:
        call = None if is_leaf_node(fn) else fn.metadata.get("call")
        keys = constant_keys.get(builder.key_of[fn], [])
        tensors = [s.value for s in snapshots_in(call[1]) if not s.requires_grad] if call else []
        found.extend(zip(tensors, keys))
    return found
