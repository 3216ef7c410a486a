"""The exports in the browser: the animated SVG plays in an <img>, the page's export row
follows the view, a slow export shows its progress, the embed snippet, the torchviz view."""
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.support.images import differs, image
from webapp.render import animate

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")


@pytest.mark.browser
def test_animated_svg_plays_in_an_img(page, live_server):
    """Two screenshots of the SVG in an <img>, a few steps apart, differ: it plays."""
    url = f"{live_server}/api/graph.svg?" + urlencode({"animate": "1", "source": SIN_EXP})
    page.set_content(f'<img id="drawing" src="{url.replace("&", "&amp;")}">')
    page.wait_for_function("document.getElementById('drawing').complete && "
                           "document.getElementById('drawing').naturalWidth > 0")
    drawing = page.locator("#drawing")
    page.wait_for_timeout(300)
    early = drawing.screenshot()
    page.wait_for_timeout(round(animate.STEP_SECONDS * 3000))
    later = drawing.screenshot()
    assert image(early).size == image(later).size
    assert differs(image(early), image(later)) > 0


# The page's export row ------------------------------------------------------------------------

TWO_PATHS = ("x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)"
             "\nt = x + y\nz = x * t\nz.backward()\n")


def open_page(page, live_server, **params):
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server}/?" + urlencode({"source": TWO_PATHS, **params}))
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#graph svg g.node")


def query_of(page, selector):
    return parse_qs(urlsplit(page.get_attribute(selector, "href")).query)


@pytest.mark.browser
def test_page_export_links_follow_the_view(page, live_server):
    open_page(page, live_server, step="3", lang="ja", theme="dark")
    png = query_of(page, "#export-png")
    assert png["step"] == ["3"] and png["scale"] == ["2"] and png["lang"] == ["ja"]
    assert png["theme"] == ["dark"] and png["source"] == [TWO_PATHS]
    assert "step" not in query_of(page, "#export-gif")
    assert query_of(page, "#export-animated-svg")["animate"] == ["1"]
    assert query_of(page, "#export-pdf-steps")["pages"] == ["steps"]
    expected = {"#export-png": "image/png", "#export-pdf": "application/pdf",
                "#export-gif": "image/gif", "#export-animated-svg": "image/svg+xml",
                "#export-pdf-steps": "application/pdf", "#export-dot": "text/vnd.graphviz"}
    for selector, media_type in expected.items():
        response = requests.get(live_server + page.get_attribute(selector, "href"), timeout=60)
        assert response.status_code == 200, (selector, response.text[:200])
        assert response.headers["content-type"].startswith(media_type), selector
    page.click("#step-forward")
    assert query_of(page, "#export-png")["step"] == ["4"]


@pytest.mark.browser
def test_a_slow_export_shows_progress_then_saves(page, live_server):
    open_page(page, live_server)
    held = []
    page.route("**/api/graph.gif?*", lambda route: held.append(route))   # held until we look
    with page.expect_download() as download_info:
        page.click("#export-gif")
        page.wait_for_selector("#export-progress", state="visible")
        assert page.text_content("#export-status") == "Making the GIF…"
        assert page.get_attribute("#export-gif", "aria-busy") == "true"
        while not held:
            page.wait_for_timeout(50)
        held[0].continue_()
    download = download_info.value
    assert download.suggested_filename == "graph-z.gif"
    with open(download.path(), "rb") as saved:
        assert saved.read(6) == b"GIF89a"
    page.wait_for_selector("#export-progress", state="hidden")
    assert page.text_content("#export-status") == "The GIF is saved."
    assert page.get_attribute("#export-gif", "aria-busy") is None


@pytest.mark.browser
def test_embed_snippet_for_slides(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    open_page(page, live_server, step="2")
    snippet = page.input_value("#embed-snippet")
    assert snippet.startswith(f'<img src="{live_server}/api/graph.svg?') and "animate=1" in snippet
    page.select_option("#embed-kind", "markdown-png")
    snippet = page.input_value("#embed-snippet")
    assert snippet.startswith("![Autograd computation graph](" + live_server + "/api/graph.png?")
    assert "step=2" in snippet
    page.click("#embed-copy")
    page.wait_for_selector("#export-status:has-text('Copied.')")
    assert page.evaluate("() => navigator.clipboard.readText()") == snippet
    image_url = snippet[snippet.index("(") + 1:-1]
    assert requests.get(image_url, timeout=60).headers["content-type"] == "image/png"


@pytest.mark.browser
def test_torchviz_view_on_the_page(page, live_server):
    open_page(page, live_server)
    page.select_option("#style-select", "torchviz")
    page.wait_for_selector("#graph svg.torchviz-graph")
    texts = page.locator("#graph svg text").all_text_contents()
    assert "MulBackward0" in texts and "AddBackward0" in texts
    page.select_option("#style-select", "autograd")
    page.wait_for_selector("#graph svg.autograd-graph g.node")


@pytest.mark.browser
def test_exports_at_a_chosen_scale_a_slide_framing_and_the_final_picture(page, live_server):
    """Issue 12 item 6: the GIF and PNG at the scale chosen, a 16:9 slide framing, the last
    step exported as the final picture (no step highlighted), and file names counting steps
    as the page does."""
    open_page(page, live_server, step="3", lang="en")
    page.select_option("#export-scale", "3")
    assert query_of(page, "#export-png")["scale"] == ["3"]
    assert query_of(page, "#export-gif")["scale"] == ["3"]
    page.select_option("#export-framing", "slide")
    png = query_of(page, "#export-png")
    assert png["direction"] == ["auto"] and png["aspect"] == ["1.78"]
    assert png["framing"] == ["slide"]
    counter = page.text_content("#step-counter").split(" / ")[0]
    response = requests.get(live_server + page.get_attribute("#export-png", "href"), timeout=60)
    assert f'-step{counter}.png"' in response.headers["Content-Disposition"]
    width, height = image(response.content).size                   # the picture is 16:9
    assert abs(width / height - 16 / 9) < 0.02, (width, height)
    page.keyboard.press("End")
    assert "step" not in query_of(page, "#export-png")
    final = requests.get(live_server + page.get_attribute("#export-svg", "href"), timeout=60)
    assert final.status_code == 200 and 'class="node op active' not in final.text
    assert ' active"' not in final.text
