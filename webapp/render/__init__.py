"""Renderings of the graph JSON: DOT, SVG, animated SVG, PNG, PDF, GIF, the torchviz view.
No torch or flask."""
