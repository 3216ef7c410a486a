"""Pasted prompts: a REPL session (`>>> `, `... `) becomes the program typed into it.

`strip_prompts(text) -> (text, shifts)`: lines keep their numbers (output lines become empty)
so that errors point at the line the user sees; `shifts[i]` says how many characters line i
lost at its start, so that columns point there too.
"""
REPL_PROMPTS = (">>> ", ">>>", "... ", "...")


def strip_prompts(text):
    lines = text.split("\n")
    if not any(line.startswith(">>>") for line in lines):
        return text, [0] * len(lines)
    kept, shifts = [], []
    for line in lines:
        for prompt in REPL_PROMPTS:
            if line.startswith(prompt):
                kept.append(line[len(prompt):])
                shifts.append(len(prompt))
                break
        else:
            kept.append("")          # output printed by the REPL
            shifts.append(0)
    return "\n".join(kept), shifts
