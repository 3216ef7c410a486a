"""The limits of DESIGN.md, as named constants (each one is exercised by a test)."""
import os

# The source text.
MAX_SOURCE_CHARS = 4_000
MAX_STATEMENTS = 200
MAX_NESTING_DEPTH = 32
MAX_STRING_CHARS = 1_000          # a string literal in the program
MAX_BUILT_STRING_CHARS = 10_000   # a string the program builds (+, *, str(), f-strings, .format)
MAX_LIST_ITEMS = 10_000           # a list or tuple built by the program
MAX_INT_BITS = 4_096              # Python integers (10**10**8 stops here)
MAX_CALL_DEPTH = 16               # user functions calling each other
MAX_SEQUENTIAL_LAYERS = 1_000     # layers one nn.Sequential holds (a nested one: all its own)
MAX_LAZY_NESTING = 200            # generators, zip and enumerate each pulling from the next
MAX_STDOUT_CHARS = 65_536         # print output kept; the rest is cut with a warning

# The address of a GET (a drawing's or export's link): its query string, in bytes as sent
# (percent-encoded). It must fit, with the path and the method, in gunicorn's longest request
# line (LONGEST_REQUEST_LINE, its own maximum), so that the app, not gunicorn, answers every
# over-long address with problem+json. An ASCII program of MAX_SOURCE_CHARS fits when fewer than
# about a third of its characters need %XX; a longer one is POSTed (/api/graph), and the page
# keeps programs in its links' #fragment, which never reaches the server.
MAX_QUERY_BYTES = 8_000
LONGEST_REQUEST_LINE = 8_190

# Tensors.
MAX_TENSOR_ELEMENTS = 100_000
MAX_TENSOR_DIMS = 6
MAX_TOTAL_ELEMENTS = 1_000_000    # all live tensors together

# Work.
MAX_STEPS = 1_000_000             # interpreted statements and calls
# Time is counted in processor time the child actually got (its user + system time, read by
# the fork server every round), so that a busy machine slows a program down but never fails it.
# DESIGN.md's 3 s was a wall clock; as processor time it does not fit the lecture's own
# 10,001-step descent, which uses 1.0-1.4 s on a quiet machine of this kind and up to ~3.1 s
# when the two cores are shared by several jobs (CPU time grows under load too: caches and
# the memory bus are shared). 5 s keeps that program 1.6 times inside the budget at its worst
# measured, and an endless loop still stops within a few seconds.
CPU_TIME_LIMIT_S = 5.0            # the child is killed once it has used this much
# Only a backstop, for a child starved of the processor or stopped: it is killed after this
# much wall clock whatever its processor time (and told that the server was too busy). Six
# times the budget: on this 2-core kind of machine with several jobs beside it, a child got
# 4.1 s of processor in 15 s (27 % of a core), and a busy machine must not fail a program.
WALL_CLOCK_BACKSTOP_S = 30.0
CPU_RLIMIT_MARGIN_S = 1           # RLIMIT_CPU, the kernel's own backstop: the budget + this
                                  # (soft, SIGXCPU), + 1 more (hard), above what warm-up used
MEMORY_HEADROOM_BYTES = 512 * 1024 * 1024   # address space beyond what the child has after import

# The graph.
MAX_GRAPH_NODES = 2_000
MAX_LISTED_PATHS = 64
MAX_JACOBIAN_ENTRIES = 64
MAX_VALUE_ELEMENTS = 10_000       # larger tensors are summarised in the JSON, not listed
# The graph JSON's size is proportional to the graph, whatever the program (docs/graph-json.md,
# "Bounds"). Values: a document lists at most this many numbers per node and edge (plus the
# floor) in its nodes' values and grads and its edges' grads; past it, the tensors with the
# most elements are summarised (shape, element count, the first few, min and max).
VALUE_NUMBERS_PER_ITEM = 32
MIN_VALUE_NUMBERS = 20_000
SUMMARY_FIRST_ELEMENTS = 8
# Paths: all are counted and summed (exactly: dynamic programming); listed, at most
# MAX_LISTED_PATHS per input, and node ids in all the listed paths of a document at most
# this many per node (plus the floor), shared out among the inputs in turn.
LISTED_PATH_NODES_PER_NODE = 4
MIN_LISTED_PATH_NODES = 4_096
# Warnings: one per kind (repeats counted in its text), at most this many kinds, each cut here.
MAX_WARNINGS = 20
MAX_WARNING_CHARS = 500
# The whole document, encoded: a backstop (422 past it) that the bounds above keep far away;
# Jacobians (<= MAX_JACOBIAN_ENTRIES) and their rules are what can make an edge large.
DOCUMENT_BYTES_PER_ITEM = 4_096
MIN_DOCUMENT_BYTES = 1_048_576
# What autograd saved for backward (node `saved`): a saved tensor's values are listed up to
# this many elements (larger ones: shape, bytes and min/max/mean only), and all the saved
# values listed in one answer together up to the next (then shapes and bytes only).
MAX_SAVED_VALUE_ELEMENTS = 1_000
MAX_SAVED_LISTED_ELEMENTS = 100_000
# Gradients made with create_graph=True whose own graph the answer holds (`higher_order`):
# the last ones made (a loop taking a Hessian-vector product each step keeps only these).
MAX_HIGHER_ORDER_GRAPHS = 4

# Concurrency. One evaluation per core: the web tier mostly waits (for the evaluator, or on
# dot), and a long evaluation leaves its slot to short ones (DEMOTE_AFTER_CPU_S below). With
# cores - 1 (one slot on two cores) a burst of 60 students had 16 of 285 first tries answered
# 503 and p50 1.6 s; with one per core 1 of 462 and p50 0.14 s, on the same loaded machine
# (benchmarks/README.md, the burst).
MAX_CONCURRENT_EVALUATIONS = max(1, os.cpu_count() or 2)
# Waiting evaluations, all clients together: a bound on the server's descriptors only; who
# waits is decided by the estimated wait (sandbox/fairness.py).
MAX_QUEUED_EVALUATIONS = 64
# Each client's share of the evaluator: processor seconds its programs may use in a sliding
# minute. Three endless loops, or the lecture's descent five to ten times; past it the client
# is answered 429 until its oldest runs leave the window (the others are not slowed). The
# fork server reads AUTOGRAD_CLIENT_CPU_S_PER_MINUTE (a test suite, one client, raises it).
CLIENT_CPU_S_PER_MINUTE = 15.0
CLIENT_CPU_WINDOW_S = 60.0
# A queued request waits at most this long for a slot (then 503): long enough to outwait one
# child that uses its whole CPU budget while sharing its processor two ways.
MAX_QUEUE_WAIT_S = 2 * CPU_TIME_LIMIT_S + 2.0
# Long evaluations leave their slot to short ones (sandbox/demotion.py): past this much
# processor time (a lecture program needs 2-50 ms; the 10,001-step descent ~1.2 s) a child goes
# on outside the slots at nice DEMOTED_NICE, at most MAX_DEMOTED_EVALUATIONS at once on the
# machine and MAX_DEMOTED_PER_CLIENT of one client (past them it is answered 503 or 429 once
# someone waits for its slot).
DEMOTE_AFTER_CPU_S = 0.25
DEMOTE_AFTER_WALL_S = 1.0         # ... or this long in a slot while someone waits for one
DEMOTED_NICE = 2
MAX_DEMOTED_EVALUATIONS = 4 * (os.cpu_count() or 2)
MAX_DEMOTED_PER_CLIENT = 2
RETRY_AFTER_S = 2

# The language checker's answer and the formats a program may write.
MAX_REPORTED_PROBLEMS = 20        # refused constructs listed in one answer (all are counted)
MAX_FORMAT_WIDTH = 100            # f"{x:100}", "{:>100}".format(x)
MAX_FORMAT_PRECISION = 20         # f"{x:.20f}": more than float64 has digits for

# Drawing and encoding in the web tier (webapp/pool): layout, SVG, PNG/PDF/GIF, the torchviz
# view and large JSON answers run in a few worker processes beside each web worker, never on
# the request thread, each job under these limits (then 422 naming the limit, or 503 when the
# process was lost for another reason). The exports' own size limits (render/raster.py) keep
# ordinary requests well inside them; these stop whatever those do not foresee.
RENDER_PROCESSES = 2              # per web worker: a long export beside the common small SVG
RENDER_CPU_LIMIT_S = 15           # RLIMIT_CPU for one job (whole seconds), then SIGXCPU
RENDER_MEMORY_BYTES = 384 * 1024 * 1024   # RLIMIT_AS beyond what a process has after import
RENDER_WALL_LIMIT_S = 25.0        # one job, killed after this (two layouts of 5 s fit twice)
RENDER_QUEUE_WAIT_S = 10.0        # waiting for a free process, then 503 with Retry-After
# A graph document whose pickled form is larger than this is encoded as JSON in the pool
# (json.dumps writes floats ~100x slower than pickle: 6 s for 54 MB of tensor values).
INLINE_JSON_MAX_BYTES = 256 * 1024

# Live inputs (POST /api/graph `inputs`, the page's sliders): how many of the program's scalar
# leaves one request may replace (a lecture program has 1-4 inputs).
MAX_LIVE_INPUTS = 16
