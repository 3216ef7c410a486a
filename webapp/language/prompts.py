"""Pasted prompts: a REPL session or a notebook's cells become the program typed into them.

Two kinds of paste are recognised, each by its first prompt:
- Python's REPL: `>>> ` starts a statement, `... ` continues it;
- Jupyter and IPython: `[1]: ` or `In [1]: ` starts a cell, `: ` or `   ...: ` continues it,
  and `Out[1]: ` starts what the cell printed or showed (as does a second `[1]: ` after the
  cell `[1]: `: JupyterLab numbers a cell's output as the cell).
Every other line of such a paste is output (what the REPL or the notebook printed) and is
dropped. `strip_prompts(text) -> (text, shifts)`: lines keep their numbers (output lines
become empty) so that errors point at the line the user sees; `shifts[i]` says how many
characters line i lost at its start, so that columns point there too.
"""
import re

REPL = re.compile(r">>> ?|\.\.\. ?")
NOTEBOOK = re.compile(r"(?:In ?)?\[\d*\]: ?|[ \t]*\.\.\.: ?|: ?")
NOTEBOOK_CELL = re.compile(r"(?:In ?)?\[(\d*)\]:")
NOTEBOOK_OUTPUT = re.compile(r"Out ?\[\d*\]:")


def paste_kind(lines):
    """The prompt pattern of a pasted session (`REPL` or `NOTEBOOK`), or None for a program
    typed as it is."""
    for line in lines:
        if line.startswith(">>>"):
            return REPL
        if NOTEBOOK_CELL.match(line):
            return NOTEBOOK
    return None


def strip_prompts(text):
    lines = text.split("\n")
    prompt = paste_kind(lines)
    if prompt is None:
        return text, [0] * len(lines)
    kept, shifts, cell = [], [], None
    for line in lines:
        match = None if is_output(line, cell) else prompt.match(line)
        if prompt is NOTEBOOK and NOTEBOOK_CELL.match(line):
            cell = NOTEBOOK_CELL.match(line).group(1)
        if match:
            kept.append(line[match.end():])
            shifts.append(match.end())
        else:
            kept.append("")          # output printed by the REPL or the notebook
            shifts.append(0)
    return "\n".join(kept), shifts


def is_output(line, cell):
    """Whether `line` starts a notebook cell's output (`Out[2]:`, or `[2]:` again after the
    cell `[2]:`)."""
    if NOTEBOOK_OUTPUT.match(line):
        return True
    again = NOTEBOOK_CELL.match(line)
    return bool(again and cell and not line.startswith("In") and again.group(1) == cell)
