"""f-strings and str.format (webapp/execution/interpreter/formatting.py): Python's own
formatting of numbers, strings and tensors, and the bounds on specs (width, precision) and on
the strings made. Python is the oracle for what each program prints or raises."""
import pytest

from webapp.core import limits
from tests.support.documents import problem
from tests.support.python_oracle import (assert_fails_like_python, assert_prints_like_python,
                                         without_checker)

LOSS = "loss = torch.tensor(0.123456789)\nw = torch.tensor([1.5, -2.25])\n"


@pytest.mark.parametrize("source", [
    "x = 1.5\nprint(f'{x!r:>8}|{-3:+05d}|{1234567:,}|{0.000123:.2e}|{0.25:.1%}|{255:#x}')\n",
    "print(f'{\"ab\":*^7}|{3.14159:10.4f}|{True}|{None!s:>5}|{[1, 2]}|{7:b}|{65:c}')\n",
    "x = 2\nprint(f'{x=}', f'{x * 3 = }', f'{x!r}', f'{\"q\"!r}', f'{x!s:>3}')\n",
    "epoch, total = 3, 10\nprint(f'epoch {epoch:>3}/{total}: {epoch / total:.2%}')\n",
    LOSS + "print(f'loss = {loss.item():.3f}', f'{loss:.4f}', f'{loss}', f'{w}')\n",
    LOSS + "print(f'{loss:>12.2e}|{loss!r}|{w.tolist()}|{w[0]:+.1f}')\n",
    LOSS + "print('{:.3f} {}'.format(loss.item(), w))\n",
    "print('{} + {} = {}'.format(1, 2, 1 + 2), '{1}{0}{1}'.format('a', 'b'))\n",
    "print('{name}: {value:.2f}'.format(name='lr', value=0.015), '{:>6}'.format('ab'))\n",
    "print('{0!r:>5} {0!s}'.format('x'), '{:,}'.format(10 ** 9), '{{}} {}'.format(1))\n",
    "for i in range(3):\n    print('step {:3d}: {:8.4f}'.format(i, 1 / (i + 1)))\n",
    "s = ''\nfor i in range(5):\n    s = s + f'{i},'\nprint(s)\n",
])
def test_formatting_is_pythons(source):
    assert_prints_like_python(source)


@pytest.mark.parametrize("source", [
    "print('{1}'.format(1))\n",
    "print('{}{0}'.format(1))\n",
    "print('{0}{}'.format(1))\n",
    "print('{:d}'.format(1.5))\n",
    "print(f'{1.5:d}')\n",
    "x = torch.ones(2)\nprint(f'{x:.3f}')\n",
])
def test_formatting_errors_are_pythons_own(source):
    assert_fails_like_python(source)


W, P = limits.MAX_FORMAT_WIDTH, limits.MAX_FORMAT_PRECISION


@pytest.mark.parametrize("spec, past, words", [
    (f">{W}", f">{W + 1}", f"widths are limited to {W}"),
    (f"{W}.2f", f"{W + 1}.2f", f"widths are limited to {W}"),
    (f"*^{W}", f"*^{W + 1}", f"widths are limited to {W}"),
    (f".{P}f", f".{P + 1}f", f"precisions are limited to {P}"),
    (f"{W}.{P}e", f"{W}.{P + 1}e", f"precisions are limited to {P}"),
])
def test_widths_and_precisions_at_their_limits(spec, past, words, monkeypatch):
    source = f"print(f'{{1.5:{spec}}}', '{{:{spec}}}'.format(2.5))\n"
    refused = [f"print(f'{{1.5:{past}}}')\n", f"print('{{:{past}}}'.format(1.5))\n"]
    assert_prints_like_python(source)
    for program in refused:                       # by the checker, before anything runs
        body = problem(program)
        assert body["status"] == 400 and words in body["detail"].lower(), body
    without_checker(monkeypatch)                 # and by the interpreter itself
    assert_prints_like_python(source)
    for program in refused + [f"spec = '{past}'\nprint(f'{{1.5:{{spec}}}}')\n",
                              f"t = '{{:{past}}}'\nprint(t.format(1.5))\n"]:
        body = problem(program)
        assert body["status"] == 422 and words in body["detail"].lower(), body


@pytest.mark.parametrize("source", [
    "width, digits = 10, 3\nprint(f'[{3.14159:{width}.{digits}f}]', f'[{\"a\":>{width}}]')\n",
    "t, u = '{:{}}|', '{:.{}f}'\nprint(t.format(3, 5), u.format(3.14159, 2))\n",
    "t = '{0!a}'\nprint(f'{\"é\"!a}', t.format('ü'))\n",
])
def test_the_interpreter_alone_formats_what_the_checker_refuses_as_python(source,
                                                                          monkeypatch):
    without_checker(monkeypatch)
    assert_prints_like_python(source)


@pytest.mark.parametrize("source", [
    "t = '{:{:{}}}'\nprint(t.format(1, 2, 3))\n",
    "t = '{:abc}'\nprint(t.format('a'))\n",
    "t = '{!x}'\nprint(t.format('a'))\n",
    "print('{x}'.format(y=1))\n",
    "print('{'.format(1))\n",
    "print(f'{\"a\":abc}')\n",
])
def test_the_interpreter_alone_fails_as_python(source, monkeypatch):
    without_checker(monkeypatch)
    assert_fails_like_python(source)


def test_a_huge_width_computed_at_run_time_is_refused_before_it_is_made(monkeypatch):
    assert problem("w = 999999999\nprint(f'{1:{w}}')\n")["status"] == 400
    without_checker(monkeypatch)
    for source in ("w = 999999999\nprint(f'{1:{w}}')\n",
                   "w = '>' + '9' * 50\nprint(('{:' + w + '}').format(1))\n",
                   "w = '9' * 50\nprint(('{:' + w + '}').format(1))\n"):
        body = problem(source)
        assert body["status"] == 422 and f"limited to {limits.MAX_FORMAT_WIDTH}" in \
            body["detail"], body


@pytest.mark.parametrize("template", ["{0.__class__}", "{0[0]}", "{0.real}", "{a.b}",
                                      "{0[__class__]}"])
def test_format_fields_reach_no_attribute_or_item(template, monkeypatch):
    source = f"print('{template}'.format([1], a=1))\n"
    body = problem(source)
    assert body["status"] == 400 and body["line"] == 1, body
    without_checker(monkeypatch)
    body = problem(f"t = '{template}'\nprint(t.format([1], a=1))\n")
    assert body["status"] == 400 and "attribute or index" in body["detail"], body
    assert body["line"] == 2


def test_strings_the_program_builds_are_bounded():
    limit = limits.MAX_BUILT_STRING_CHARS
    assert_prints_like_python(f"s = 'a' * {limit // 2}\nt = f'{{s}}{{s}}'\nprint(len(t))\n")
    body = problem(f"s = 'a' * {limit // 2}\nt = f'{{s}}{{s}}!'\n")
    assert body["status"] == 422 and f"{limit:,} characters" in body["detail"]
    body = problem(f"s = 'a' * {limit // 2}\nt = '{{0}}{{0}}{{0}}'.format(s)\n")
    assert body["status"] == 422 and f"{limit:,} characters" in body["detail"]
    body = problem("s = 'ab'\nwhile True:\n    s = s + s\n")
    assert body["status"] == 422 and "too long" in body["detail"]
