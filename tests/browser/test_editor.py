"""The editor (issue 12, item 5): CodeMirror 6 from static/vendor (in a shadow root, which
Playwright's selectors enter and page scripts reach through .shadowRoot), Python highlighting, the
server's error marked as a diagnostic at its line and column, Japanese typed through an input
method (real composition events, through Chromium's DevTools protocol), Ctrl+Enter runs."""
import pytest
import requests
from tests.browser.test_page import NOT_ALLOWED, share_link
from tests.support.browser import wait_until

pytestmark = pytest.mark.browser

PROGRAM = "x = torch.tensor(2.0, requires_grad=True)\ny = x * 3\ny.backward()\n"
# The colour of the first token with this text, and the editor's own text colour.
TOKEN_COLOUR = """(text) => {
  const spans = [...document.querySelector('#editor .code-editor').shadowRoot.querySelectorAll('.cm-line span')];
  const span = spans.find((s) => s.textContent === text);
  const base = getComputedStyle(document.querySelector('#editor .code-editor').shadowRoot.querySelector('.cm-content')).color;
  return span ? [getComputedStyle(span).color, base] : null;
}"""
THEME_COLOUR = """(name) => { const probe = document.createElement('span');
  probe.style.color = `var(${name})`; document.body.append(probe);
  const colour = getComputedStyle(probe).color; probe.remove(); return colour; }"""
# Where the error diagnostic sits: its 1-based line and column in the editor.
MARK = """() => {
  const mark = document.querySelector('#editor .code-editor').shadowRoot.querySelector('.cm-lintRange-error');
  if (!mark) return null;
  const line = mark.closest('.cm-line');
  const lines = [...document.querySelector('#editor .code-editor').shadowRoot.querySelectorAll('.cm-line')];
  const range = document.createRange();
  range.setStart(line, 0);
  range.setEndBefore(mark);
  return {line: lines.indexOf(line) + 1, column: range.toString().length + 1};
}"""


def open_editor(page, url):
    page.emulate_media(reduced_motion="reduce")
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#editor .cm-content")


def test_python_is_highlighted_and_the_textarea_is_only_the_fallback(page, live_server,
                                                                     screenshots):
    open_editor(page, share_link(live_server, PROGRAM, lang="en"))
    assert not page.is_visible("#source")
    assert page.get_attribute("#editor .cm-content", "contenteditable") == "true"
    assert page.get_attribute("#editor .cm-content", "aria-label") == "PyTorch program"
    number, base = page.evaluate(TOKEN_COLOUR, "2.0")
    assert number == page.evaluate(THEME_COLOUR, "--code-number") and number != base
    keyword = page.evaluate(TOKEN_COLOUR, "True")
    assert keyword and keyword[0] != base
    page.locator("#editor").screenshot(path=screenshots / "editor-highlighting.png")


def test_a_refused_construct_is_marked_at_its_line_and_column(page, live_server,
                                                              browser_problems, screenshots):
    browser_problems.allow_console_error(r"status of 400")
    problem = requests.post(f"{live_server}/api/graph", json={"source": NOT_ALLOWED},
                            timeout=30).json()
    open_editor(page, share_link(live_server, NOT_ALLOWED, lang="en"))
    page.wait_for_selector("#editor .cm-lintRange-error")
    assert page.evaluate(MARK) == {"line": problem["line"], "column": problem["column"]}
    assert page.locator("#editor .cm-lint-marker-error").count() == 1
    page.locator(".editor-pane").screenshot(path=screenshots / "editor-diagnostic.png")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("z = 1\n")
    wait_until(page, "!document.querySelector('#editor .code-editor').shadowRoot.querySelector('.cm-lintRange-error')")


def test_japanese_typed_through_an_input_method_and_ctrl_enter_runs(page, live_server,
                                                                    screenshots):
    open_editor(page, live_server + "/?lang=ja")
    page.evaluate("""() => { window.compositions = [];
      for (const type of ['compositionstart', 'compositionend'])
        document.querySelector('#editor .code-editor').shadowRoot.querySelector('.cm-content').addEventListener(type,
          (e) => window.compositions.push(type)); }""")
    page.fill("#editor .cm-content", PROGRAM)
    page.click("#editor .cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("# ")
    ime = page.context.new_cdp_session(page)
    for typed in ("に", "にほ", "にほん", "にほんご"):
        ime.send("Input.imeSetComposition", {"text": typed, "selectionStart": len(typed),
                                             "selectionEnd": len(typed)})
    ime.send("Input.insertText", {"text": "日本語"})
    page.keyboard.type("のコメント")
    wait_until(page, "document.querySelector('#source').value.endsWith('# 日本語のコメント')")
    assert page.evaluate("window.compositions") == ["compositionstart", "compositionend"]
    assert page.input_value("#source") == PROGRAM + "# 日本語のコメント"
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#graph svg g.node")
    assert page.evaluate("document.activeElement.id") == "graph-pane"
    page.locator(".editor-pane").screenshot(path=screenshots / "editor-japanese.png")
