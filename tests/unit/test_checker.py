"""The language checker: what is refused before anything runs, with line and column."""
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
    ("f = lambda x: x\n", "lambda", 1, 5),
    ("class A:\n    pass\n", "class", 1, 1),
    ("while True:\n    pass\n", "while", 1, 1),
    ("import os\n", "'os'", 1, 1),
    ("y = [i for i in range(3)]\n", "comprehensions", 1, 5),
    ("x = 1\ns = f'{x}'\n", "f-strings", 2, 5),
    ("s = '{}'.format(1)\n", ".format", 1, 5),
    ("x = torch.load('f')\n", "'.load'", 1, 5),
    ("try:\n    pass\nexcept:\n    pass\n", "try", 1, 1),
    ("with open('f') as g:\n    pass\n", "with", 1, 1),
    ("def f(*a):\n    return a\n", "positional", 1, 1),
    ("x = torch.ones(2, device='cpu')\n", "device=", 1, 19),
    ("ｘ = 1\ny = x.__dict__\n", "underscore", 2, 5),
    ("α = 1\n", "ASCII", 1, 1),
    ("x = torch.tensor(1.0)\nx.grad = None\n", "'.data'", 2, 1),
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
