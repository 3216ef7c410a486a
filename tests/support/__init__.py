"""Helpers shared by the test folders: numbers (close), documents (document_of), problems
(assert_problem), processes (the process tree), paths (REPO, SHARED) and browser (Chromium)."""
