"""How a value looks when a program prints or formats it: Python's own text, without the
memory addresses Python puts in the text of functions, methods and other objects.

An address says where the fork server's child happened to put an object: it changes from run to
run (so the same program would print differently each time, and a cached answer would disagree
with a fresh one), and it tells a hostile program where things lie in the sandbox's memory.
`<function relu at 0x7f...>` prints as `<function relu>`, `<zip object at 0x7f...>` as
`<zip object>`; everything else is Python's text unchanged. Runs inside the sandbox child.
"""
import re

# " at 0x..." right before the ">" that closes Python's <...> text of an object.
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+(?=>)")


def without_addresses(text):
    return ADDRESS.sub("", text) if "0x" in text else text


def text_of(value):
    """`str(value)` as the program sees it."""
    return value if type(value) is str else without_addresses(str(value))


def repr_of(value):
    """`repr(value)` as the program sees it."""
    return without_addresses(repr(value))
