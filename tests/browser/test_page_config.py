"""The page config (#page-config, webapp/web/pages.py) in a real browser: every address the
scripts call answers, the player's rhythm and marking rule are the server's (render.steps), and
at each step the page marks exactly the elements render.steps.active_elements names."""
import json
from urllib.parse import urlencode

import pytest
import requests

from webapp.render.steps import active_elements, page_steps

pytestmark = pytest.mark.browser

TWO_PATHS = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\nt = x + y\nz = x * t\nz.backward()\n"
RENDERINGS = {"svg": "image/svg+xml", "json": "application/json", "png": "image/png",
              "pdf": "application/pdf", "gif": "image/gif", "dot": "text/vnd.graphviz"}


def open_page(page, url):
    page.emulate_media(reduced_motion="reduce")
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    return json.loads(page.text_content("#page-config"))


def test_every_address_of_the_page_config_answers(page, live_server):
    config = open_page(page, f"{live_server}/")
    assert config["steps"] == json.loads(json.dumps(page_steps()))
    graph = requests.post(live_server + config["graph"], json={"source": TWO_PATHS}, timeout=30)
    assert graph.status_code == 200, graph.text
    for kind, media_type in RENDERINGS.items():
        response = requests.get(live_server + config[kind], params={"source": TWO_PATHS},
                                timeout=60)
        assert response.status_code == 200, (kind, response.text[:200])
        assert response.headers["content-type"].startswith(media_type), kind
    for name, url in config["lessons"].items():
        # No source: refused as a bad request, by the lesson's own POST endpoint.
        response = requests.post(live_server + url, json={}, timeout=30)
        assert response.status_code == 400, (name, response.text[:200])
    for lang, url in config["catalogs"].items():
        catalog = requests.get(live_server + url, timeout=30).json()
        assert "player.play" in catalog, lang


def test_each_step_marks_what_the_server_marks(page, live_server):
    doc = requests.post(f"{live_server}/api/graph", json={"source": TWO_PATHS}, timeout=30).json()
    open_page(page, f"{live_server}/?{urlencode({'source': TWO_PATHS, 'step': 0})}")
    page.wait_for_selector("#graph svg g.node")
    for k in range(len(doc["timeline"])):
        assert int(page.input_value("#scrubber")) == k
        marked = page.eval_on_selector_all("#graph svg g.active", "els => els.map((e) => e.id)")
        assert set(marked) == active_elements(doc, k), doc["timeline"][k]
        page.keyboard.press("ArrowRight")
