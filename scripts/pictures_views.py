"""The README's pictures of the graph of a gradient and of what autograd saves:
docs/pictures/gradient-graph.png and docs/pictures/saved-tensors.png, crops of the page at
1366x768 in Debian's Chromium, made again by

    .venv/bin/python scripts/pictures_views.py

It serves the app from a thread (as the browser tests' live_server does) on a free port."""
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, wait_until  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.pool import supervisor  # noqa: E402

PICTURES = REPO / "docs" / "pictures"
VIEWPORT = {"width": 1366, "height": 768}
GRADIENT = ("x = torch.tensor(0.7, requires_grad=True)\n"
            "y = torch.sin(x) * torch.exp(x)\n"
            "g, = torch.autograd.grad(y, x, create_graph=True)\n"
            "g.backward()\n")
SAVED = ("a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
         "b = a[0] * a\n"
         "c = torch.sin(b) * a\n"
         "c.sum().backward()\n")


def served():
    app = create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "100000 per minute"})
    supervisor.shared_pool().start()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def opened(page, base, source):
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base}/?{urlencode({'source': source, 'lang': 'en'})}")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#graph svg g.node")


def crop(page, path, selectors):
    """A screenshot of the box around the elements `selectors` (page coordinates)."""
    boxes = [page.locator(selector).bounding_box() for selector in selectors]
    left, top = min(b["x"] for b in boxes), min(b["y"] for b in boxes)
    right = max(b["x"] + b["width"] for b in boxes)
    bottom = min(max(b["y"] + b["height"] for b in boxes), VIEWPORT["height"])
    page.screenshot(path=str(path), clip={"x": left, "y": top, "width": right - left,
                                          "height": bottom - top})
    print(path, path.stat().st_size, "bytes")


def gradient_picture(page, base):
    """The gradient's graph (the main graph: the program differentiated g) with its second
    derivative beside it."""
    opened(page, base, GRADIENT)
    page.select_option("#input-select", "")            # the panel of second derivatives on top
    page.evaluate("document.querySelector('.paths-pane').scrollIntoView()")
    crop(page, PICTURES / "gradient-graph.png", [".graph-pane", ".paths-pane"])


def saved_picture(page, base):
    """Saved tensors at the backward step into b = a[0] * a from a: the value it uses marked."""
    opened(page, base, SAVED)
    page.select_option("#style-select", "saved")
    page.wait_for_selector("#graph svg text.saved")
    note = "document.querySelector('#saved-note').textContent"
    for _ in range(60):                       # back to the product b = a[0] * a, along [0] -> b
        if page.evaluate(f"{note}.startsWith('The local derivative ∂b/∂[0] (MulBackward0)')"):
            break
        page.keyboard.press("ArrowLeft")
    wait_until(page, f"{note}.includes('uses the saved other')")
    crop(page, PICTURES / "saved-tensors.png", [".graph-pane", ".paths-pane"])


def main():
    PICTURES.mkdir(parents=True, exist_ok=True)
    server, base = served()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        gradient_picture(page, base)
        saved_picture(page, base)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
