"""The graph stage: the sandbox trace -> networkx -> the graph JSON document; forward mode.
networkx, no torch or flask."""
