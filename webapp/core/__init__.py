"""Core: the error family, the limits, the settings and JSON-safe numbers. Imports no torch,
flask or networkx; every other stage may import it."""
