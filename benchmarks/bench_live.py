"""How soon the page shows the graph at a new live-input value, for the lecture's programs.

Run: .venv/bin/python benchmarks/bench_live.py [--moves 15]
Serves the app from a thread (as tests/browser do), opens each lecture program with scalar
inputs in Debian's Chromium at 1366x768 and moves its first input `--moves` times to values
it has not had (each a cache miss: one evaluation in a fresh sandbox child), timing from the
movement (the number field's change event; a slider's input event takes the same path) until
the new numbers are in the drawing and the next frame is drawn (requestAnimationFrame, then a
task). Also: the same values again (cache
hits), and the program with MAX_LIVE_INPUTS inputs, its last input moved. Medians and maxima.
"""
import argparse
import json
import logging
import os
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from webapp.core import limits  # noqa: E402
from webapp.web.app import create_app  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.ERROR)

PROGRAMS = ["add_two", "sin_exp", "chain", "two_vars", "t_xy", "paths_uv", "difficult",
            "exercise_3_2"]
EXAMPLES = Path(__file__).resolve().parent.parent / "webapp" / "data" / "lecture_examples.json"
MOVE = """async ([row, value]) => {
  const field = document.querySelectorAll('#live-list .live-number')[row];
  const before = Number(document.body.dataset.liveUpdates || 0);
  const start = performance.now();
  field.value = String(value);
  field.dispatchEvent(new Event('change', {bubbles: true}));
  await new Promise((done) => {
    const check = () => (Number(document.body.dataset.liveUpdates || 0) > before &&
      !document.body.dataset.liveBusy)
      ? requestAnimationFrame(() => setTimeout(done, 0)) : setTimeout(check, 1);
    check();
  });
  return [performance.now() - start, document.body.dataset.liveRedrawn];
}"""
# The server's part alone, from the same page: the graph JSON at a new value, and the drawing
# a new layout would need (what the page would wait for without live inputs).
FETCH = """async ([source, name, value, what]) => {
  const start = performance.now();
  const response = what === 'json'
    ? await fetch('/api/graph', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({source, inputs: {[name]: value}})})
    : await fetch('/api/graph.svg?' + new URLSearchParams({source, inputs: `${name}:${value}`}));
  await response.text();
  return performance.now() - start;
}"""


def served():
    app = create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "100000 per minute"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def many_inputs(count):
    names = [f"a{i}" for i in range(count)]
    return "".join(f"{name} = torch.tensor({i}.0, requires_grad=True)\n"
                   for i, name in enumerate(names)) + \
        f"y = {' + '.join(names)}\ny.backward()\n"


def fetches(page, source, name, count):
    """(ms of the graph JSON, ms of JSON then SVG) at values not asked for before."""
    json_ms = [page.evaluate(FETCH, [source, name, 5.1 + 0.013 * k, "json"]) for k in range(count)]
    both = [page.evaluate(FETCH, [source, name, 7.3 + 0.013 * k, "json"]) +
            page.evaluate(FETCH, [source, name, 7.3 + 0.013 * k, "svg"]) for k in range(count)]
    return json_ms, both


def moves(page, base, source, count, row=0):
    """(ms per new value, ms per value seen before, whether any drew anew)."""
    page.goto(f"{base}/?{urlencode({'source': source})}")
    page.wait_for_selector("body[data-ready=true]", timeout=120_000)
    page.wait_for_selector("#live-inputs:not([hidden])", timeout=120_000)
    values = [0.37 + 0.011 * k for k in range(count)]
    new = [page.evaluate(MOVE, [row, v]) for v in values]
    seen = [page.evaluate(MOVE, [row, v]) for v in values]
    redrawn = any(flag == "true" for _, flag in new + seen)
    return [ms for ms, _ in new], [ms for ms, _ in seen], redrawn


def summary(times):
    return f"{statistics.median(times):6.1f} {max(times):6.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=15)
    args = parser.parse_args()
    examples = {e["id"]: e["source"] for e in json.loads(EXAMPLES.read_text())["examples"]}
    cases = [(name, examples[name], 0) for name in PROGRAMS]
    cases.append((f"{limits.MAX_LIVE_INPUTS} inputs", many_inputs(limits.MAX_LIVE_INPUTS),
                  limits.MAX_LIVE_INPUTS - 1))
    server, base = served()
    print(f"load average {os.getloadavg()[0]:.1f}; ms, median max")
    print(f"{'program':>14} | new value  | seen before | JSON alone | JSON + SVG | redrawn")
    everything = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.emulate_media(reduced_motion="reduce")
        for name, source, row in cases:
            new, seen, redrawn = moves(page, base, source, args.moves, row)
            name_moved = page.eval_on_selector_all("#live-list .live-name",
                                                    "els => els.map((e) => e.textContent)")[row]
            json_ms, both = fetches(page, source, name_moved, args.moves)
            everything += new
            print(f"{name:>14} | {summary(new)} | {summary(seen)} | {summary(json_ms)} | "
                  f"{summary(both)} | {redrawn}")
        browser.close()
    server.shutdown()
    print(f"all new values: median {statistics.median(everything):.1f} ms, "
          f"{sum(ms <= 100 for ms in everything)} of {len(everything)} within 100 ms")


if __name__ == "__main__":
    main()
