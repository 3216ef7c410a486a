"""The programs of issue 13 whose answers used to be unbounded (tests/http/test_bounded_answers.py,
benchmarks/bench_graph.py)."""

# 330 inputs summed, then 440 sin/cos diamonds: 2**440 paths from each input to the output
# (it made a 341 MB answer listing 64 of them per input, with every node and edge id).
# In float64: the gradient, a product of 440 factors near -0.645, is ~1e-84, which float32
# would flush to 0, leaving nothing to compare the sum over paths with.
PATHS_BOMB = """\
# 330 inputs summed, then 440 diamonds: s -> sin(s), cos(s) -> their sum.
xs = [torch.tensor(0.001 * i, dtype=torch.float64, requires_grad=True)
      for i in range(330)]
s = xs[0]
for x in xs[1:]:
    s = s + x
for i in range(440):
    s = torch.sin(s) + torch.cos(s)
s.backward()
print(xs[0].grad)
"""
PATHS_BOMB_INPUTS, PATHS_BOMB_DIAMONDS = 330, 440

# 900,000 times the same warning (it made a 40 MB answer that crashed the page).
MANY_WARNINGS = """\
import torchviz
x = torch.tensor(1.0, requires_grad=True)
y = x * 2
for i in range(900000):
    torchviz.make_dot(y)
y.backward()
"""
MANY_WARNINGS_COUNT = 900_000
