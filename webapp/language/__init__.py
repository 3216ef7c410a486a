"""The language stage: source text -> a checked `Program`, or a ProblemError naming the first
refused construct. No torch: the web process checks programs before it spends a child."""
from webapp.language.checker import Program, check

__all__ = ["Program", "check"]
