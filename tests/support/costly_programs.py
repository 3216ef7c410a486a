"""The programs whose drawings cost the most (issue 14's costly requests), written once for
the tests that hold them to their limits (tests/load/test_costly_drawings.py) and the
benchmark that measures them (benchmarks/bench_pool.py)."""

# 101 nodes: a GIF of it at scale 2 takes seconds of processor.
HUNDRED_NODES = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
                 "for i in range(25):\n    y = torch.sin(y) * x + 1\ny.backward()\n")
# 581 nodes (drawn with its groups closed since issue 13; whole, its PNG at scale 4 was the
# largest there is, MAX_PIXELS).
CHAIN = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
         "for i in range(290):\n    y = torch.sin(y) + x\ny.backward()\n")
# 300 nodes, 588 edges.
DENSE = ("x = torch.tensor(0.5, requires_grad=True)\nys = [x * (i + 1) for i in range(40)]\n"
         "z = sum(a * b for a in ys[:12] for b in ys[:12])\nz.backward()\n")
# 75 steps x (37 nodes + 45 edges) = 6,150 of the 8,000 of MAX_PDF_STEP_WORK.
PDF_NEAR_LIMIT = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
                  "for i in range(9):\n    y = torch.sin(y) * x + 1\ny.backward()\n")
