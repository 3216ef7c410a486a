"""Quiz mode on the page (static/js/quiz/): the gradients kept from the drawing until the
student types them, ✓ or the rule with its numbers then the answer, the player held at an
unanswered question, the score, the keyboard, Japanese, the share link. What the student types
comes from PyTorch run here directly (the gradient along each edge read by a hook on the
op's grad_fn), never from the app's own numbers."""
import io
import os
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import torch
from PIL import Image

from tests.browser.test_teaching_page import api_graph
from tests.support.paths import REPO

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")

# The README's picture (docs/pictures/quiz.png) is written by test_the_readme_picture when this
# is set: AUTOGRAD_README_PICTURES=1 .venv/bin/python -m pytest tests/browser/test_quiz.py -k picture
README_PICTURES = os.environ.get("AUTOGRAD_README_PICTURES") == "1"
PICTURE = REPO / "docs" / "pictures" / "quiz.png"
MAX_PICTURE_BYTES = 150_000

PROGRAM = "x = torch.tensor(0.5, requires_grad=True)\ny = torch.tensor(1.5, requires_grad=True)\n" \
          "u = x * y\nv = torch.sin(u)\nw = v + x\nw.backward()\n"


def torch_answers():
    """PyTorch's gradients for PROGRAM: {(source, target): what flowed along that edge} from
    hooks on each op's grad_fn (its grad_inputs, one per operand), and {leaf: .grad}."""
    x = torch.tensor(0.5, requires_grad=True)
    y = torch.tensor(1.5, requires_grad=True)
    u = x * y
    v = torch.sin(u)
    w = v + x
    flows = {}

    def record(operands, target):
        def hook(grad_inputs, grad_outputs):
            for name, grad in zip(operands, grad_inputs):
                flows[(name, target)] = float(grad)
        return hook
    w.grad_fn.register_hook(record(("v", "x"), "w"))
    v.grad_fn.register_hook(record(("u",), "v"))
    u.grad_fn.register_hook(record(("x", "y"), "u"))
    w.backward()
    return flows, {"x": float(x.grad), "y": float(y.grad)}


def questions(doc):
    """The quiz's questions in step order, from the graph JSON's structure (names and steps,
    not its numbers): [(step, (source, target)) for a backward step, (step, leaf) for an
    accumulate step]."""
    nodes = {n["id"]: n for n in doc["graph"]["nodes"]}
    edges = {e["id"]: e for e in doc["graph"]["edges"]}
    asked = []
    for k, step in enumerate(doc["timeline"]):
        if step["phase"] == "backward":
            edge = edges[step["edge"]]
            asked.append((k, (nodes[edge["source"]]["name"], nodes[edge["target"]]["name"])))
        elif step["phase"] == "accumulate":
            asked.append((k, nodes[step["node"]]["name"]))
    return asked


@pytest.fixture(scope="module")
def quiz(live_server):
    """(questions, expected answer of each) for PROGRAM: PyTorch's numbers."""
    flows, grads = torch_answers()
    asked = questions(api_graph(live_server, PROGRAM))
    expected = {k: flows[what] if isinstance(what, tuple) else grads[what] for k, what in asked}
    assert len(asked) == 6 and sum(isinstance(what, str) for _, what in asked) == 1
    return asked, expected


def open_quiz(page, base, lang="en", **params):
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base}/?{urlencode({'source': PROGRAM, 'quiz': '1', 'lang': lang, **params})}")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#graph svg g.node")


def step_shown(page):
    return int(page.text_content("#step-counter").split("/")[0]) - 1


def answer(page, text):
    """Type into the quiz field (the keys only) and press Enter."""
    assert page.evaluate("document.activeElement.id") == "quiz-answer"
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def drawing_texts(page):
    return page.eval_on_selector_all("#graph svg text, #minimap svg text",
                                     "els => els.map((e) => e.textContent)")


def gradient_words(value):
    """How the drawing and the captions write a number (4 significant digits)."""
    return f"{value:.4g}".replace("-", "−")


def test_a_right_answer_gets_a_check_and_enter_moves_on(page, live_server, quiz):
    asked, expected = quiz
    open_quiz(page, live_server)
    first, (source, target) = asked[0]
    assert step_shown(page) == first               # held at the first question
    assert page.text_content("#caption") == \
        f"backward along {source} → {target}: grad {target} = 1. What flows back to {source}?"
    page.keyboard.press("ArrowRight")               # typed into the field: not the player's
    page.keyboard.press("Space")
    assert step_shown(page) == first
    answer(page, f"{expected[first]:.4g}")
    assert page.text_content("#quiz-feedback").startswith("✓ Right")
    edge = page.locator("#graph svg g.edge.active text.flow")
    assert edge.text_content().endswith(f"= {gradient_words(expected[first])}")
    page.keyboard.press("Enter")
    assert step_shown(page) == asked[1][0]
    assert page.input_value("#quiz-answer") == ""
    assert page.text_content("#quiz-feedback").startswith("Type the number")


def test_a_wrong_answer_gets_the_rule_with_its_numbers_then_the_answer(page, live_server,
                                                                       quiz, screenshots):
    asked, expected = quiz
    open_quiz(page, live_server)
    k_sin = next(k for k, what in asked if what == ("u", "v"))
    for k, _ in asked:                               # right up to the edge into sin
        if k == k_sin:
            break
        answer(page, f"{expected[k]:.6g}")
        page.keyboard.press("Enter")
    assert step_shown(page) == k_sin
    upstream = gradient_words(expected[next(k for k, what in asked if what == ("v", "w"))])
    answer(page, "0.5")
    feedback = page.text_content("#quiz-feedback")
    assert feedback == f"✗ Not 0.5. Hint: grad v = {upstream} times this local derivative:"
    tex = page.get_attribute("#quiz-hint .quiz-hint-formula", "data-tex")
    local = torch.cos(torch.tensor(0.75)).item()      # the rule with its numbers: cos(0.75)
    assert r"\cos(a)" in tex and r"\cos(0.75)" in tex and f"{local:.4g}" in tex
    assert page.text_content("#quiz-hint .quiz-hint-legend").startswith("t = v, a = u: ")
    assert page.get_attribute("#quiz-hint .quiz-hint-legend [data-tex]", "data-tex") == \
        r"t = \sin(a)"
    assert page.locator("#quiz-hint .katex").count() == 2
    formula = page.locator("#quiz-hint .quiz-hint-formula")
    assert formula.evaluate("(e) => e.scrollWidth <= e.clientWidth")   # all of it on show
    page.screenshot(path=str(screenshots / "quiz-hint.png"))
    page.keyboard.press("ArrowRight")                # not past an unanswered question
    page.evaluate("document.getElementById('step-forward').click()")
    assert step_shown(page) == k_sin
    answer(page, "0.7")
    said = page.text_content("#quiz-feedback")
    assert said.startswith("✗ Not 0.7. The answer:") and \
        f"= {gradient_words(expected[k_sin])}." in said
    assert page.text_content("#graph svg g.edge.active text.flow").endswith(
        f"= {gradient_words(expected[k_sin])}")   # revealed on the drawing too
    page.keyboard.press("Enter")
    assert step_shown(page) == k_sin + 1


def test_the_score_counts_first_tries_hints_and_answers_shown(page, live_server, quiz):
    asked, expected = quiz
    open_quiz(page, live_server)
    plan = ["first", "hinted", "revealed", "first", "shown", "hinted"]
    for (k, _), how in zip(asked, plan):
        assert step_shown(page) == k
        right = f"{expected[k]:.4g}"
        if how == "hinted":
            answer(page, str(expected[k] * 1.1 + 1))
        if how == "revealed":
            answer(page, str(expected[k] + 2))
            answer(page, str(expected[k] + 3))
        elif how == "shown":                             # the button, by the keyboard
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "quiz-reveal"
            page.keyboard.press("Enter")
        else:
            answer(page, right)
        assert page.get_attribute("#quiz-band", "data-outcome") == \
            {"shown": "revealed"}.get(how, how)
        if k != asked[-1][0]:
            page.keyboard.press("Enter")
    score = page.text_content("#quiz-score")
    assert score == "Score: 2 of 6 right first try, 2 right after a hint, 2 answers shown."
    assert page.locator("#quiz-score").is_visible()
    assert page.locator("#paths-formula").is_visible()   # the sum over paths is back


def test_the_drawing_holds_no_gradient_before_it_is_answered(page, live_server, quiz):
    asked, expected = quiz
    flows, grads = torch_answers()
    open_quiz(page, live_server)
    texts = drawing_texts(page)
    numbers = {gradient_words(v) for v in [*flows.values(), *grads.values()]} - {"1"}
    assert numbers and not [t for t in texts if any(n in t for n in numbers)]
    grads_shown = page.eval_on_selector_all("#graph svg text.grad", "els => els.map((e) => e.textContent)")
    assert sorted(grads_shown) == ["grad 1"] + ["grad ?"] * 4   # only the output's seed
    assert set(page.eval_on_selector_all("#graph svg text.flow", "els => els.map((e) => e.textContent)")) == {"?"}
    assert "0.5" in texts and "0.75" in texts                   # the forward values are there
    assert page.locator("#rule-panel").is_hidden()                # the rule is the hint
    # The first answer gives back that edge's texts and only those.
    answer(page, f"{expected[asked[0][0]]:.4g}")
    assert len([t for t in drawing_texts(page) if "?" in t]) < len([t for t in texts if "?" in t])
    # Quiz mode off: every gradient is back, in the drawing's own words.
    page.keyboard.press("Escape")
    page.focus("#quiz-toggle")
    page.keyboard.press("Enter")
    assert not [t for t in drawing_texts(page) if "?" in t]
    assert page.get_attribute("#quiz-toggle", "aria-pressed") == "false"
    assert page.locator("#quiz-band").is_hidden()


def test_the_quiz_speaks_japanese(page, live_server, quiz):
    asked, expected = quiz
    open_quiz(page, live_server, lang="ja")
    k, (source, target) = asked[0]
    assert page.text_content("#caption") == f"逆伝播 {source} → {target}: {target} の勾配 = 1。{source} へ戻る勾配は？"
    assert page.text_content("#quiz-toggle") == "クイズ"
    assert page.text_content("#quiz-check") == "答え合わせ"
    answer(page, "9")
    assert page.text_content("#quiz-feedback").startswith("✗ 9 ではありません。ヒント:")
    full_width = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
    answer(page, f"{expected[k]:.4g}".translate(full_width))   # as a Japanese IME types it
    assert page.text_content("#quiz-feedback") == \
        f"✓ 正解: 1 × 1 = {gradient_words(expected[k])}。Enter で次へ。"
    assert "クイズ中は非表示" in page.text_content(".paths-pane")


def test_the_share_link_keeps_quiz_mode(page, live_server, quiz):
    asked, _ = quiz
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server}/?{urlencode({'source': PROGRAM, 'lang': 'en'})}")
    page.wait_for_selector("#graph svg g.node")
    assert "quiz" not in parse_qs(urlsplit(page.url).query)
    assert step_shown(page) == len(api_graph(live_server, PROGRAM)["timeline"]) - 1
    page.focus("#quiz-toggle")
    page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["quiz"] == ["1"]
    assert step_shown(page) == asked[0][0]            # back to the first question
    link = page.url
    other = page.context.new_page()
    other.emulate_media(reduced_motion="reduce")
    other.goto(link)
    other.wait_for_selector("#graph svg g.node")
    other.wait_for_selector("#quiz-band:not([hidden])")
    assert other.get_attribute("#quiz-toggle", "aria-pressed") == "true"
    assert re.fullmatch(r"backward along .*\?", other.text_content("#caption"))
    other.close()


def test_the_quiz_is_legible_when_projected(page, live_server, quiz, screenshots):
    open_quiz(page, live_server, present="1")
    answer(page, "3")
    sizes = page.evaluate("""() => Object.fromEntries(['#quiz-answer', '#quiz-feedback',
        '.quiz-hint-legend', '#caption'].map((s) => [s,
        parseFloat(getComputedStyle(document.querySelector(s)).fontSize)]))""")
    assert min(sizes.values()) >= 18, sizes
    box = page.locator("#quiz-band").bounding_box()
    formula = page.locator("#quiz-hint .quiz-hint-formula").bounding_box()
    assert formula["y"] + formula["height"] <= box["y"] + box["height"] + 1   # not clipped
    page.screenshot(path=str(screenshots / "quiz-present.png"))


def test_the_readme_picture(page, live_server, quiz, screenshots):
    """The quiz on a projector (1280x720, presentation mode): a miss on the edge into sin, its
    hint with cos(0.75) plugged in. Saved to tests/screenshots, and to docs/pictures when asked."""
    asked, expected = quiz
    page.set_viewport_size({"width": 1280, "height": 720})
    open_quiz(page, live_server, present="1")
    k_sin = next(k for k, what in asked if what == ("u", "v"))
    for k, _ in asked[:[k for k, _ in asked].index(k_sin)]:
        answer(page, f"{expected[k]:.4g}")
        page.keyboard.press("Enter")
    answer(page, "0.75")
    assert page.locator("#quiz-hint .katex").count() == 2
    shot = Image.open(io.BytesIO(page.locator("#graph-pane").screenshot()))
    shot = shot.convert("RGB").quantize(colors=64)     # flat colours: small, and still sharp
    out = io.BytesIO()
    shot.save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) <= MAX_PICTURE_BYTES
    (screenshots / "quiz-readme.png").write_bytes(out.getvalue())
    if README_PICTURES:
        PICTURE.parent.mkdir(parents=True, exist_ok=True)
        PICTURE.write_bytes(out.getvalue())
