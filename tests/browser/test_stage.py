"""A steady stage and the keyboard (issue 12, items 2 and 3): the graph's frame keeps its place
and size at every step of a whole timeline (rule, caption and paths panel beside or over it),
a long accumulation's caption is bounded, captions name variables rather than ids, a choice in
a select hands the keys back to the stepper, Esc leaves the editor, and after Ctrl+Enter Space
plays."""
import pytest
from tests.browser.test_page import TWO_PATHS, api_graph, current_step, open_graph, share_link

pytestmark = pytest.mark.browser

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
# x reaches the output along 12 paths: its accumulation has 12 terms.
FAN_IN = ("x = torch.tensor(0.5, requires_grad=True)\n"
          + "".join(f"a{i} = x * {i + 1}\n" for i in range(12))
          + "y = " + " + ".join(f"a{i}" for i in range(12)) + "\ny.backward()\n")
FRAME = "JSON.stringify(document.querySelector('.graph-frame').getBoundingClientRect())"


@pytest.mark.parametrize("present", ["0", "1"])
def test_the_frame_keeps_its_place_and_size_at_every_step(page, live_server, screenshots,
                                                          present):
    page.set_viewport_size({"width": 1280, "height": 720})
    doc = api_graph(live_server, SIN_EXP)
    open_graph(page, share_link(live_server, SIN_EXP, input="x", present=present, lang="en"))
    page.keyboard.press("Home")
    first = page.evaluate(FRAME)
    phases = set()
    for k in range(len(doc["timeline"])):
        page.keyboard.press("ArrowRight")
        assert current_step(page) == k
        phases.add(doc["timeline"][k]["phase"])
        assert page.evaluate(FRAME) == first, (k, doc["timeline"][k]["phase"])
        if doc["timeline"][k]["phase"] == "backward" and k % 3 == 0:
            page.screenshot(path=screenshots / f"stage-present{present}-step{k}.png")
    assert phases == {"forward", "seed", "backward", "accumulate"}
    assert page.is_visible("#rule-panel") is False  # the last step accumulates: no rule


def test_a_long_accumulation_shows_its_first_terms_the_count_and_the_total(page, live_server):
    doc = api_graph(live_server, FAN_IN)
    last = len(doc["timeline"]) - 1
    assert doc["timeline"][last]["phase"] == "accumulate"
    assert len(doc["timeline"][last]["edges"]) == 12
    open_graph(page, share_link(live_server, FAN_IN, lang="en"))
    caption = page.text_content("#caption")
    assert caption.startswith("accumulate x: ") and "(12 terms in all)" in caption
    assert caption.count(" + ") == 3
    x = next(n for n in doc["graph"]["nodes"] if n["name"] == "x")
    assert caption.endswith(f"= {x['grad']:g}")
    height = page.eval_on_selector("#caption", "e => e.getBoundingClientRect().height")
    assert height <= page.eval_on_selector(".narration", "e => e.clientHeight")


def test_captions_name_variables_not_ids_and_say_which_when_names_collide(page, live_server):
    source = ("x = torch.tensor(1.0, requires_grad=True)\n"
              "y = torch.sin(x + 1) + torch.cos(x + 2)\ny.backward()\n")
    doc = api_graph(live_server, source)
    open_graph(page, share_link(live_server, source, lang="en"))
    page.keyboard.press("Home")
    captions = []
    for _ in doc["timeline"]:
        page.keyboard.press("ArrowRight")
        captions.append(page.text_content("#caption"))
    text = "\n".join(captions)
    assert "(e" not in text and " e1" not in text
    # x + 1 is "add", x + 2 "add #2" (the sum is y)
    assert "add #2 = add(x, 2)" in text and "cos(add #2)" in text and "sin(add)" in text
    assert "add #3" not in text


def test_after_choosing_an_input_the_arrows_step_and_the_input_stays(page, live_server):
    open_graph(page, share_link(live_server, TWO_PATHS, step="3", lang="en"))
    page.focus("#input-select")
    page.select_option("#input-select", label="x")
    page.keyboard.press("ArrowRight")
    assert current_step(page) == 4
    assert page.eval_on_selector("#input-select", "s => s.selectedOptions[0].textContent") == "x"
    page.select_option("#speed-select", "2")
    page.keyboard.press("ArrowLeft")
    assert current_step(page) == 3
    assert page.input_value("#speed-select") == "2"


def test_escape_leaves_the_editor_and_ctrl_enter_hands_the_keys_to_the_stepper(page,
                                                                              live_server):
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server + "/?lang=en")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("#play-pause", "aria-disabled") == "true"
    assert page.is_visible("#player-note")
    page.click("#play-pause", force=True)  # aria-disabled: Playwright would wait otherwise
    assert page.get_attribute("#play-pause", "data-playing") == "false"
    page.fill("#editor .cm-content", TWO_PATHS)
    page.press("#editor .cm-content", "Control+Enter")
    page.wait_for_selector("#graph svg g.node")
    assert page.get_attribute("#play-pause", "aria-disabled") == "false"
    assert not page.is_visible("#player-note")
    page.keyboard.press("Space")
    assert page.get_attribute("#play-pause", "data-playing") == "true"
    page.keyboard.press("Space")
    page.click("#editor .cm-content")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "graph-pane"
    page.keyboard.press("End")
    assert current_step(page) == len(api_graph(live_server, TWO_PATHS)["timeline"]) - 1
    page.keyboard.press("Home")
    assert current_step(page) == -1
