"""Issue 12's page leftovers: the favicon is fetched once, not on every step; the minimap
never hides the drawing at the default view; the narration band is never blank on a step."""
import pytest

from tests.browser.test_page import api_graph, current_step, open_graph, share_link

pytestmark = pytest.mark.browser

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
DIFFICULT = ("x = torch.tensor(1.0, requires_grad=True)\n"
             "y = -1 / (x ** 2 + 1) * torch.log(1 / (1 + torch.exp(-x)) + 1)\ny.backward()\n")


def test_the_favicon_is_not_fetched_again_on_each_step(page, live_server):
    doc = api_graph(live_server, SIN_EXP)
    asked = []
    page.on("request", lambda request: "favicon" in request.url and asked.append(request.url))
    open_graph(page, share_link(live_server, SIN_EXP, lang="en"))
    page.keyboard.press("Home")
    for k in range(len(doc["timeline"])):
        page.keyboard.press("ArrowRight")
        assert current_step(page) == k
    page.evaluate("new Promise((done) => setTimeout(done, 300))")  # late requests land too
    assert len(asked) <= 1, asked
    # and there is still an icon: a picture the browser can decode
    size = page.evaluate("""() => new Promise((done) => {
        const img = new Image();
        img.onload = () => done([img.naturalWidth, img.naturalHeight]);
        img.onerror = () => done(null);
        img.src = document.querySelector("link[rel=icon]").href;
    })""")
    assert size and size[0] > 0 and size[1] > 0
