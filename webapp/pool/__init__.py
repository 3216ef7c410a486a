"""The drawing pool: the web tier's heavy work (layout, SVG, PNG/PDF/GIF, the torchviz view's
drawing, large JSON answers) in a few bounded worker processes beside each web worker."""
