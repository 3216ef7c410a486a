"""Execution: the interpreter under torch, the capture of what autograd did, the rules on
every edge and the lessons. The only package that imports torch; it runs in the sandbox child
(through `entry`, which the fork server is given by name)."""
