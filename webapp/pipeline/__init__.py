"""The pipeline: the one function that asks the sandbox, and the result cache."""
