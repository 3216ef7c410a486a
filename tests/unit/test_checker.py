"""The language checker: what is refused before anything runs, with line and column."""
import json

import pytest

from webapp import language
from webapp.core import limits
from webapp.core.errors import NotAllowed, SourceTooLarge, SyntaxProblem


def refused(source):
    with pytest.raises((NotAllowed, SyntaxProblem, SourceTooLarge)) as caught:
        language.check(source)
    return caught.value


def test_lecture_programs_pass_the_check(lecture_examples):
    for example in lecture_examples:
        assert language.check(example["source"]).tree.body, example["id"]


@pytest.mark.parametrize("source, message, line, column", [
    ("x = 1\ny = x.__class__\n", "underscore", 2, 5),
    ("f = lambda *a: a\n", "*args", 1, 5),
    ("class A:\n    pass\n", "class", 1, 1),
    ("while True:\n    pass\nelse:\n    pass\n", "else after a loop", 4, 5),
    ("import os\n", "'os'", 1, 1),
    ("y = {i for i in range(3)}\n", "sets", 1, 5),
    ("x = 1\ns = f'{x:{x}}'\n", "format spec", 2, 5),
    ("s = '{0.__class__}'.format(1)\n", "inside braces", 1, 5),
    ("s = 'a'\nt = s.format(1)\n", "string literal", 2, 5),
    ("x = torch.load('f')\n", "'.load'", 1, 5),
    ("try:\n    pass\nexcept:\n    pass\n", "try", 1, 1),
    ("with open('f') as g:\n    pass\n", "with", 1, 1),
    ("def f(*a):\n    return a\n", "*args", 1, 1),
    ("def f(x, /, y):\n    return x\n", "positional-only", 1, 1),
    ("x = torch.ones(2, device='cpu')\n", "device=", 1, 19),
    ("ｘ = 1\ny = x.__dict__\n", "underscore", 2, 5),
    ("α = 1\n", "ASCII", 1, 1),
    ("x = torch.tensor(1.0)\nx.grad = x\n", "x.grad = None", 2, 1),
    ("x = torch.tensor(1.0)\nx.shape = 1\n", "'.shape' cannot be assigned", 2, 1),
    ("print(*[1, 2], **{})\n", "'**'", 1, 16),
    ("x = 1\ndel x\n", "del", 2, 1),
    ("global x\n", "global", 1, 1),
    ("x = b'bytes'\n", "bytes", 1, 5),
])
def test_refused_constructs_name_themselves_with_position(source, message, line, column):
    problem = refused(source)
    assert message.lower() in problem.detail.lower()
    assert (problem.line, problem.column) == (line, column)


def test_syntax_errors_carry_position():
    problem = refused("x = (1 +\n")
    assert isinstance(problem, SyntaxProblem)
    assert problem.line == 1 and problem.column >= 1


def test_repl_output_lines_keep_line_numbers():
    problem = refused(">>> x = torch.tensor(2.0)\n>>> x\ntensor(2.)\n>>> y = x +\n")
    assert isinstance(problem, SyntaxProblem) and problem.line == 4


def test_repl_error_columns_count_the_prompt():
    problem = refused(">>> x = 1\n>>> y = x.__class__\n")
    assert (problem.line, problem.column) == (2, 9)


def test_repl_paste_parses():
    program = language.check(">>> def f(x):\n...     return x + 1\n...\n>>> f(2)\n3\n")
    assert program.pasted_from_repl
    assert [type(s).__name__ for s in program.tree.body] == ["FunctionDef", "Expr"]


def test_full_width_characters_are_normalised():
    program = language.check("ｘ　＝　ｔｏｒｃｈ．ｔｅｎｓｏｒ（２．０）\n")
    assert "x = torch.tensor(2.0)" in program.text


def test_source_length_limit():
    assert isinstance(refused("x = 1\n" * (limits.MAX_SOURCE_CHARS // 6 + 1)), SourceTooLarge)


def test_statement_limit():
    problem = refused("x=1\n" * (limits.MAX_STATEMENTS + 1))
    assert isinstance(problem, SourceTooLarge) and "statements" in problem.detail


def test_nesting_limit_without_recursion():
    deep = "x = " + "-" * (limits.MAX_NESTING_DEPTH + 5) + "1\n"
    assert "nested too deeply" in refused(deep).detail


def test_very_deep_parentheses_are_refused_not_crashing():
    assert refused("x = " + "(" * 1990 + "1" + ")" * 1990).status == 400


def test_string_literal_limit():
    assert "characters" in refused(f"s = '{'a' * (limits.MAX_STRING_CHARS + 1)}'\n").detail


def test_integer_literal_limit():
    assert "too large" in refused(f"n = {10 ** 1300}\n").detail


STUDENT_CONSTRUCTS = """
import torch
import torch.nn as nn
import torch.optim
import torchviz
from math import exp
x = torch.tensor(2.0, requires_grad=True)
opt = torch.optim.SGD([x], lr=0.1, momentum=0.9)
losses = []
for step in range(10):
    opt.zero_grad()
    loss = (x - 3) ** 2
    loss.backward(retain_graph=True)
    opt.step()
    losses.append(loss.item())
with torch.no_grad():
    x -= 0.1 * x.grad
    x.data -= 0.1
x.grad = None
h = torch.zeros(3)
h[0] = x * 2
h[1:] += 1
sq = [v ** 2 for v in losses if v > 0]
d = {k: v for k, v in enumerate(sq)}
g = sum(v for v in sq)
f = lambda t, k=2: t ** k
print(f(3, k=3), f"{g:.3f} {x!r}", "{:>8.2f} {name}".format(g, name=1))
def outer(a, b=1):
    def inner(c):
        return a * c + b
    return inner
print(outer(2, b=3)(4))
while g > 1:
    g /= 2
    if g < 3:
        break
assert g > 0, "positive"
for i, (a, b) in enumerate(zip([1], [2])):
    print(*[a, b], sep=',')
torchviz.make_dot(loss)
model = nn.Sequential(nn.Linear(2, 1), nn.ReLU())
criterion = nn.MSELoss(reduction='mean')
ps = list(model.parameters())
print(model[0].weight, torch.autograd.grad(loss, [x], create_graph=True, allow_unused=True))
"""


def test_what_students_write_passes_the_check():
    assert len(language.check(STUDENT_CONSTRUCTS).tree.body) > 20


@pytest.mark.parametrize("source, message", [
    ("with torch.no_grad() as g:\n    pass\n", "torch.no_grad()"),
    ("with torch.no_grad(), torch.enable_grad():\n    pass\n", "one at a time"),
    ("with torch.autograd.set_grad_enabled(False):\n    pass\n", "torch.no_grad()"),
    ("x = torch.optim.RMSprop([])\n", "SGD"),
    ("x = torch.nn.Conv2d(1, 1, 3)\n", "Linear"),
    ("def f(x, scale=0.1):\n    return x\ng = f\nprint(f(1, scale=2), g(1, scale=2))\n",
     "'scale='"),
    ("def f(x, device=0):\n    return x\nprint(torch.ones(2, device='cpu'))\n", "device="),
    ("def f(device):\n    return device\nf = torch.ones\nf(2, device='cpu')\n", "device="),
    ("s = f'{1:>101}'\n", "widths are limited to 100"),
    ("s = '{:.21f}'.format(1.0)\n", "precisions are limited to 20"),
    ("a, *b = [1, 2]\n", "'*' is allowed only"),
    ("x.grad += 1\n", "x.grad = None"),
    ("make_dot(y).render('graph')\n", "Leave out .render"),
])
def test_the_new_constructs_keep_their_bounds(source, message):
    assert message in refused(source).detail


THREE_REFUSED = ("x = torch.tensor(2.0, requires_grad=True)\n"
                 "try:\n    y = x.__class__\nexcept:\n    pass\n"
                 "opt = torch.optim.RMSprop([x], lr=0.1)\n")


def test_every_refused_construct_comes_in_one_answer_by_position():
    problem = refused(THREE_REFUSED)
    errors = problem.to_dict()["errors"]
    assert [(e["line"], e["column"], e["message"]) for e in errors] == [
        (2, 1, "no-try"), (3, 9, "underscore-name"), (6, 7, "not-in-optim")]
    assert (problem.line, problem.column, problem.detail) == (2, 1, errors[0]["detail"])
    assert "Adam, SGD" in errors[2]["detail"]


def test_the_answer_comes_in_japanese_when_asked():
    problem = refused(THREE_REFUSED).to_dict("ja")
    assert [e["detail"] for e in problem["errors"]] == [
        "try は使えません。エラーはそのまま行番号付きで表示されます。事前に if で確かめてください。",
        "アンダースコアで始まる名前は使えません: '__class__'。",
        "torch.optim の '.RMSprop' は使えません。使える最適化手法は Adam, SGD です。"]
    assert problem["detail"] == problem["errors"][0]["detail"]


def test_the_answer_survives_the_trip_through_the_sandbox_and_the_cache():
    from webapp.core.errors import ProblemError
    original = refused(THREE_REFUSED)
    restored = ProblemError.from_dict(json.loads(json.dumps(original.to_dict())))
    assert type(restored) is NotAllowed
    assert restored.to_dict("ja") == original.to_dict("ja")


def test_at_most_the_limit_is_listed_and_all_are_counted():
    source = "".join(f"x{i} = y.__a\n" for i in range(limits.MAX_REPORTED_PROBLEMS + 5))
    problem = refused(source).to_dict()
    assert len(problem["errors"]) == limits.MAX_REPORTED_PROBLEMS
    assert problem["errors_total"] == limits.MAX_REPORTED_PROBLEMS + 5
    at_limit = "".join(f"x{i} = y.__a\n" for i in range(limits.MAX_REPORTED_PROBLEMS))
    assert "errors_total" not in refused(at_limit).to_dict()


@pytest.mark.parametrize("spec, accepted", [
    (f">{limits.MAX_FORMAT_WIDTH}", True), (f">{limits.MAX_FORMAT_WIDTH + 1}", False),
    (f".{limits.MAX_FORMAT_PRECISION}f", True), (f".{limits.MAX_FORMAT_PRECISION + 1}f", False),
    ("+08,.3f", True), ("*^20s", True), ("10.4e", True), ("%", True), ("Q", False),
])
def test_format_specs_are_bounded_in_f_strings_and_format(spec, accepted):
    for source in (f"x = 1.5\ns = f'{{x:{spec}}}'\n", f"s = '{{:{spec}}}'.format(1.5)\n"):
        if accepted:
            language.check(source)
        else:
            assert refused(source).line >= 1


NOTEBOOK = ("[1]: import torch\n"
            "[2]: x = torch.tensor(2.0, requires_grad=True)\n"
            "[3]: def f(x):\n"
            ":         return x ** 2 + 1\n"
            ":\n"
            "[4]: y = f(x)\n"
            "     y.backward()\n"
            "[5]: x.grad\n"
            "[5]: tensor(4.)\n")


def test_jupyter_prompts_are_pasted_like_the_repl():
    program = language.check(NOTEBOOK)
    assert program.pasted_from_repl
    assert [type(s).__name__ for s in program.tree.body] == [
        "Import", "Assign", "FunctionDef", "Assign", "Expr"]


def test_ipython_prompts_and_outputs():
    program = language.check("In [1]: def f(x):\n   ...:     return x + 1\n   ...: \n\n"
                             "In [2]: f(2)\nOut[2]: 3\n")
    assert [type(s).__name__ for s in program.tree.body] == ["FunctionDef", "Expr"]


def test_jupyter_error_positions_count_the_prompt():
    problem = refused("[1]: x = 1\n[2]: y = x.__class__\n")
    assert (problem.line, problem.column) == (2, 10)
    problem = refused("In [1]: x = 1\n   ...: y = x.__dict__\n")
    assert (problem.line, problem.column) == (2, 13)


def test_a_program_with_a_list_in_brackets_is_not_a_notebook():
    assert language.check("x = [1]\nprint(x)\n").column_shift == (0, 0, 0)


@pytest.mark.parametrize("source, line, column", [
    ("return 1\n", 1, 1),
    ("for i in range(3):\n    pass\nbreak\n", 3, 1),
    ("def f():\n    continue\n", 2, 5),
    ("for i in range(3):\n    def f():\n        break\n", 3, 9),
])
def test_misplaced_return_break_continue_get_python_s_own_words(source, line, column):
    try:
        compile(source, "<program>", "exec")       # the test's own text, as Python sees it
    except SyntaxError as error:
        expected = error.msg
    problem = refused(source)
    assert (problem.detail, problem.line, problem.column) == (expected, line, column)


def test_return_break_and_continue_in_place_pass():
    language.check("def f(x):\n    while x > 0:\n        x -= 1\n        if x == 2:\n"
                   "            break\n        continue\n    return x\n")
