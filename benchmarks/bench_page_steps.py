"""How long one key press of the player takes on the page, for the issue's loops drawn by groups.

Run: .venv/bin/python benchmarks/bench_page_steps.py [--presses 40] [--counts 37,145]
Serves the app from a thread (as tests/browser do), opens each loop
`for i in range(N): y = torch.sin(y) * 1.01 + x` (N=37: 149 nodes, N=145: 581) in Debian's
Chromium at 1366x768, and times ArrowRight presses: from the key event until the next frame has
been drawn (requestAnimationFrame then a task), median and maximum, and the key handler alone
(the page's JavaScript, before the browser restyles and paints), with every group closed,
with the series open, and with the series and its first iteration open. Also prints the
smallest value/grad label on screen (font size x screen scale, as tests/browser/test_legibility).
"""
import argparse
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from webapp.web.app import create_app  # noqa: E402

PRESS = """async (presses) => {
  const times = [];
  const handler = [];
  for (let i = 0; i < presses; i++) {
    const start = performance.now();
    document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
    handler.push(performance.now() - start);
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    times.push(performance.now() - start);
  }
  return [times, handler];
}"""
SMALLEST_LABEL = """() => {
  const svg = document.querySelector('#graph svg');
  const scale = svg.getScreenCTM().a;
  const texts = [...svg.querySelectorAll('g.node text.value, g.node text.grad')];
  return Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
}"""


def loop(count):
    return ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
            f"for i in range({count}):\n    y = torch.sin(y) * 1.01 + x\ny.backward()\n")


def served():
    app = create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "100000 per minute"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def timed(page, presses):
    page.keyboard.press("Home")
    times, handler = page.evaluate(PRESS, presses)
    return statistics.median(times), max(times), statistics.median(handler)


def open_group(page, selector):
    group = page.locator(selector).first
    identifier = group.get_attribute("id")
    group.focus()
    group.press("Enter")   # by keyboard: the box may be out of the camera's view
    page.wait_for_selector(f"#graph g.group-open[data-group='{identifier}'] g.node")


def measure(page, base, count, presses):
    page.goto(f"{base}/?{urlencode({'source': loop(count), 'lang': 'en', 'step': '-1'})}")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#graph svg g.node")
    nodes = page.evaluate("() => document.querySelectorAll('#graph svg g.node').length")
    label = page.evaluate(SMALLEST_LABEL)
    rows = [("all closed", timed(page, presses))]
    open_group(page, "#graph g.node.group.series")
    rows.append(("series open", timed(page, presses)))
    open_group(page, "#graph g.group-open g.node.group.iteration")
    rows.append(("+ first iteration", timed(page, presses)))
    print(f"  loop of {count} ({4 * count + 1} nodes; {nodes} drawn closed), smallest label "
          f"{label:.1f} px:", flush=True)
    for title, (median, worst, handler) in rows:
        print(f"    {title:18} median {median:6.1f} ms, max {worst:6.1f} ms per key "
              f"(the page's own work, median: {handler:5.1f} ms)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--counts", default="37,145")
    arguments = parser.parse_args()
    server, base = served()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            print("ArrowRight on the page, key event to the next frame drawn:", flush=True)
            for count in map(int, arguments.counts.split(",")):
                measure(page, base, count, arguments.presses)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
