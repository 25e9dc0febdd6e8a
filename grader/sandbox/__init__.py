"""What runs untrusted: the warm worker that executes student notebooks, its jail and lifeline,
and what the worker needs to speak to the grader (wire) and to bind course helpers (bindings).

Nothing in this package imports anything of `grader` outside it (tests/test_boundaries.py): the
process that runs student code holds no reference, no expected value and no comparison code.
"""
