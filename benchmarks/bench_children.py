"""What a fresh sandbox child costs, as the fork server makes them: the fork itself (in the
server), each warm-up piece (`entry.WARM_UP_PIECES`, in the child), and a small lecture program
answered by a cold child, by one after the first piece, and by one after the whole warm-up.
Processor time of the child (`time.process_time`), wall time of the fork; medians.

Run: .venv/bin/python benchmarks/bench_children.py [--runs 15]
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.execution import entry  # noqa: E402

SMALL = ("x = torch.tensor(2.0, requires_grad=True)\n"
         "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
PLANS = {"cold child": [], "after the first piece": [entry.WARM_UP_PIECES[0]],
         "after the whole warm-up": list(entry.WARM_UP_PIECES)}


def in_child(plan):
    """(fork wall s, [child CPU s of each warm-up piece, then of SMALL])."""
    read, write = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        spent = []
        for source in [*plan, SMALL]:
            before = time.process_time()
            entry.evaluate({"source": source})
            spent.append(time.process_time() - before)
        os.write(write, " ".join(map(str, spent)).encode())
        os._exit(0)
    forked = time.perf_counter() - started
    os.close(write)
    spent = [float(v) for v in os.read(read, 4096).decode().split()]
    os.close(read)
    os.waitpid(pid, 0)
    return forked, spent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    entry.prepare_server()
    ms = lambda values: f"{statistics.median(values) * 1000:6.1f} ms"  # noqa: E731
    for name, plan in PLANS.items():
        results = [in_child(plan) for _ in range(runs)]
        forks = [forked for forked, _ in results]
        columns = list(zip(*(spent for _, spent in results)))
        pieces = ", ".join(ms(c) for c in columns[:-1]) or "none"
        print(f"{name:24s} fork {ms(forks)}; warm-up pieces: {pieces}; "
              f"the small program: {ms(columns[-1])}")


if __name__ == "__main__":
    main()
