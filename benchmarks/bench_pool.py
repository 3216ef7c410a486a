"""What the drawing pool (webapp/pool) costs and what it saves: the lecture's programs drawn
through the pool against on the request thread, and the costly exports with the web side's
own processor time and memory measured.

Run: .venv/bin/python benchmarks/bench_pool.py [--runs 9] [--http] [--skip-costly]
The documents are made once (through the sandbox). Common case: every lecture program's SVG
and PNG (scale 1), in-process (render called directly) and through a warm pool process
(pickling there and back included); both keep their layout cache, as a stepping page does,
so the figure is the pool's own overhead. Then a fresh drawing (new layout each time: the
`lang` differs). Costly: GIF, 32-MP PNG, pdf pages=steps at its limit, a dense graph's SVG,
the JSON of a large document, through the pool with its real limits: wall seconds, the web
thread's CPU (RUSAGE_THREAD) and its peak Python allocation (tracemalloc), the outcome.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tests.support.costly_programs import (CHAIN, DENSE, HUNDRED_NODES,  # noqa: E402
                                          PDF_NEAR_LIMIT)
from webapp.pipeline import evaluation as pipeline  # noqa: E402
from webapp.pool import jobs  # noqa: E402
from webapp.pool.supervisor import DrawingPool  # noqa: E402
from webapp.render import drawing as render  # noqa: E402

LECTURE = json.loads((ROOT.parent / "shared" / "lecture_examples.json").read_text("utf-8"))
WIDE = ("x = torch.randn(10000, requires_grad=True)\ny = x\nfor i in range(40):\n"
        "    y = torch.sin(y) * 1.5\ny.sum().backward()\n")


def median_ms(work, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def common_case(pool, runs):
    print("program            nodes | svg in-process  pool | png in-process  pool | "
          "fresh svg in-process  pool (ms, medians)")
    for example in LECTURE["examples"]:
        try:
            doc = pipeline.graph_document(example["source"])
        except Exception:                 # a program with no graph (the plain descent)
            continue
        figures = []
        for kind in ("svg", "png"):
            local = (lambda: render.to_svg(doc)) if kind == "svg" else \
                (lambda: jobs.export(doc, "png", {"scale": 1.0}))
            remote = (lambda: pool.run("svg", doc, {})) if kind == "svg" else \
                (lambda: pool.run("export", doc, "png", {"scale": 1.0}))
            figures += [median_ms(local, runs), median_ms(remote, runs)]
        fresh = []
        for where in ("local", "pool"):
            counter = iter(range(10**6))

            def draw():     # a layout each time: another direction and language in turn
                n = next(counter)
                options = {"direction": ("LR", "TB")[n % 2], "lang": ("en", "ja")[n // 2 % 2]}
                render.layout.cache_clear()
                return render.to_svg(doc, **options) if where == "local" else \
                    pool.run("svg", doc, options)
            fresh.append(median_ms(draw, 4))      # pool: its layout cache holds 32 of them
        print(f"{example['id'][:18]:18} {len(doc['graph']['nodes']):5} | "
              f"{figures[0]:8.1f} {figures[1]:8.1f} | {figures[2]:8.1f} {figures[3]:8.1f} | "
              f"{fresh[0]:8.1f} {fresh[1]:8.1f}")


def web_side(work):
    tracemalloc.start()
    before, start = resource.getrusage(resource.RUSAGE_THREAD), time.perf_counter()
    try:
        outcome = work()
        outcome = f"ok, {len(outcome):,} bytes"
    except Exception as error:
        outcome = f"{type(error).__name__}: {str(error)[:70]}"
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_THREAD)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, peak, outcome


def costly(pool):
    docs = {name: pipeline.graph_document(source) for name, source in
            (("hundred", HUNDRED_NODES), ("chain", CHAIN), ("dense", DENSE),
             ("pdf", PDF_NEAR_LIMIT), ("wide", WIDE))}
    cases = [
        ("gif, 100 nodes, scale 4", lambda: pool.run("export", docs["hundred"], "gif",
                                                     {"scale": 4.0})),
        ("gif, 581-node chain, scale 4", lambda: pool.run("export", docs["chain"], "gif",
                                                          {"scale": 4.0})),
        ("png 32 MP (chain, scale 4)", lambda: pool.run("export", docs["chain"], "png",
                                                        {"scale": 4.0})),
        ("pdf pages=steps near its limit", lambda: pool.run("export", docs["pdf"], "pdf",
                                                            {"pages": "steps"})),
        ("svg, dense 314 nodes", lambda: pool.run("svg", docs["dense"], {"lang": "ja"})),
        ("json, 54 MB document", lambda: pool.run("graph-json", docs["wide"])),
    ]
    print("\ncostly request                  wall s  web CPU s  web peak MB  outcome")
    for name, work in cases:
        wall, cpu, peak, outcome = web_side(work)
        print(f"{name:31} {wall:6.2f} {cpu:10.3f} {peak / 2**20:12.1f}  {outcome}")


def worker_figures(worker):
    with open(f"/proc/{worker}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    with open(f"/proc/{worker}/status") as status:
        peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), peak


def http_common_case(runs):
    """A lecture program's SVG (each step a new drawing, the layout kept) and PNG over HTTP
    against gunicorn (one worker), with the pool (2 processes) and without (0)."""
    import load
    difficult = next(e["source"] for e in LECTURE["examples"] if e["id"] == "difficult")
    print("\nover HTTP, gunicorn 1 worker, 'difficult': processes | svg step ms | png step ms "
          "| fresh svg ms (medians)")
    for processes in ("0", "2"):
        os.environ["AUTOGRAD_RENDER_PROCESSES"] = processes
        server = load.Server(workers=1)
        try:
            figures = []
            for path, extra in (("svg", {}), ("png", {}), ("svg", None)):
                counter = iter(range(10**6))

                def ask():
                    n = next(counter)
                    params = {"source": difficult, "step": str(n)} if extra is not None else \
                        {"source": difficult, "theme": ("light", "dark")[n % 2],
                         "direction": ("LR", "TB")[n // 2 % 2], "lang": ("en", "ja")[n // 4 % 2]}
                    assert requests.get(f"{server.base}/api/graph.{path}", params=params,
                                        timeout=60).status_code == 200
                ask()                          # the document, and a first layout
                figures.append(median_ms(ask, runs if extra is not None else 7))
            print(f"{processes:>29} | {figures[0]:11.1f} | {figures[1]:11.1f} | "
                  f"{figures[2]:11.1f}")
        finally:
            server.stop()
    os.environ.pop("AUTOGRAD_RENDER_PROCESSES")


def http_costly():
    """The costly requests over HTTP (gunicorn, one worker): wall, the worker's CPU and the
    growth of its peak RSS."""
    import load
    server = load.Server(workers=1)
    cases = [("gif", {"source": HUNDRED_NODES, "scale": "4"}),
             ("gif", {"source": CHAIN, "scale": "4"}),
             ("png", {"source": CHAIN, "scale": "4"}),
             ("pdf", {"source": PDF_NEAR_LIMIT, "pages": "steps"}),
             ("svg", {"source": DENSE, "lang": "ja"}),
             ("json", {"source": WIDE})]
    print("\nover HTTP: request                 status  wall s  worker CPU s  worker peak +MB")
    try:
        [worker] = server.workers()
        for kind, params in cases:
            requests.get(f"{server.base}/api/graph.json", params={"source": params["source"]},
                         timeout=120)          # the document first: the drawing alone counts
            cpu, peak = worker_figures(worker)
            start = time.perf_counter()
            answer = requests.get(f"{server.base}/api/graph.{kind}", params=params, timeout=120)
            wall = time.perf_counter() - start
            cpu_after, peak_after = worker_figures(worker)
            label = f"{kind} {len(params['source'])}ch {params.get('scale', '')}"
            print(f"  {label:31} {answer.status_code:6} {wall:7.2f} {cpu_after - cpu:13.3f} "
                  f"{(peak_after - peak) / 2**20:16.1f}")
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--skip-costly", action="store_true")
    parser.add_argument("--http", action="store_true", help="also over HTTP against gunicorn")
    parser.add_argument("--http-only", action="store_true")
    arguments = parser.parse_args()
    if arguments.http:
        http_common_case(arguments.runs)
        if not arguments.skip_costly:
            http_costly()
    if arguments.http_only:
        return
    pool = DrawingPool(1)
    pool.start()
    try:
        common_case(pool, arguments.runs)
        if not arguments.skip_costly:
            costly(pool)
    finally:
        pool.stop()


if __name__ == "__main__":
    main()
