"""Make docs/pictures/live-inputs.png, the README's picture of live inputs.

Run: .venv/bin/python scripts/picture_live_inputs.py [--out docs/pictures/live-inputs.png]
Serves the app from a thread (as tests/browser do), opens the lecture's t_xy program in
Debian's Chromium at 1280x800, moves x from 2 to 2.35 with the keyboard (seven ArrowRight
presses on its slider), waits for the drawing to show the new numbers, and keeps the graph
and the live inputs beside it: a crop, palette-quantised to stay under 150 kB.
"""
import argparse
import io
import logging
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, wait_until  # noqa: E402
from webapp.web.app import create_app  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.ERROR)
T_XY = ("x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n"
        "t = x + y\nz = x * t\nz.backward()\n")
MAX_BYTES = 150_000


def crop_box(page):
    """The part of the page from the graph pane's left to the live inputs' right edge, from
    the top of the narration to the bottom of the graph."""
    return page.evaluate("""() => {
        const r = (s) => document.querySelector(s).getBoundingClientRect();
        const graph = r('.graph-frame'), live = r('#live-inputs'), top = r('.narration');
        const x = graph.left - 8, y = Math.min(top.top, live.top) - 8;
        return {x, y, width: live.right + 8 - x, height: graph.bottom + 8 - y};
    }""")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "pictures" / "live-inputs.png"))
    args = parser.parse_args()
    app = create_app({"TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.emulate_media(reduced_motion="reduce")
        page.goto(f"{base}/?{urlencode({'source': T_XY, 'lang': 'en'})}")
        page.wait_for_selector("#live-inputs:not([hidden])", timeout=120_000)
        page.focus("#live-slider-x")
        for _ in range(7):
            page.keyboard.press("ArrowRight")
        wait_until(page, "Number(document.body.dataset.liveUpdates || 0) > 0 && "
                         "!document.body.dataset.liveBusy", timeout_s=60)
        page.evaluate("document.activeElement.blur()")
        shot = page.screenshot(clip=crop_box(page))
        browser.close()
    server.shutdown()
    picture = Image.open(io.BytesIO(shot)).convert("RGB").quantize(colors=64)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    picture.save(out, optimize=True)
    size = out.stat().st_size
    print(f"{out}: {picture.width}x{picture.height}, {size:,} bytes")
    if size > MAX_BYTES:
        raise SystemExit(f"{out} is larger than {MAX_BYTES:,} bytes")


if __name__ == "__main__":
    main()
