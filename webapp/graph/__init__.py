"""The graph stage: the sandbox trace -> the graph JSON document (ids, paths, timeline, groups,
bounds); forward mode.
Plain Python, no torch or flask."""
