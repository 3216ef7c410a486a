"""The rule on every edge: each op's local derivative, written out and evaluated."""
