"""The limits of DESIGN.md, as named constants (each one is exercised by a test)."""
import os

# The source text.
MAX_SOURCE_CHARS = 4_000
MAX_STATEMENTS = 200
MAX_NESTING_DEPTH = 32
MAX_STRING_CHARS = 1_000          # a string literal or a string built by the program
MAX_LIST_ITEMS = 10_000           # a list or tuple built by the program
MAX_INT_BITS = 4_096              # Python integers (10**10**8 stops here)
MAX_CALL_DEPTH = 16               # user functions calling each other
MAX_STDOUT_CHARS = 65_536         # print output kept; the rest is cut with a warning

# Tensors.
MAX_TENSOR_ELEMENTS = 100_000
MAX_TENSOR_DIMS = 6
MAX_TOTAL_ELEMENTS = 1_000_000    # all live tensors together

# Work.
MAX_STEPS = 1_000_000             # interpreted statements and calls
WALL_CLOCK_S = 3.0                # the child is killed after this
CPU_TIME_S = 4                    # RLIMIT_CPU backstop (soft), hard = +1
MEMORY_HEADROOM_BYTES = 512 * 1024 * 1024   # address space beyond what the child has after import

# The graph.
MAX_GRAPH_NODES = 2_000
MAX_LISTED_PATHS = 64
MAX_JACOBIAN_ENTRIES = 64
MAX_VALUE_ELEMENTS = 10_000       # larger tensors are summarised in the JSON, not listed

# Concurrency.
MAX_CONCURRENT_EVALUATIONS = max(1, (os.cpu_count() or 2) - 1)
MAX_QUEUED_EVALUATIONS = 8
MAX_QUEUE_WAIT_S = 5.0
RETRY_AFTER_S = 2
