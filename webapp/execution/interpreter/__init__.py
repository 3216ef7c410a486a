"""The allowlist interpreter: a checked program compiled to closures and run under torch."""
