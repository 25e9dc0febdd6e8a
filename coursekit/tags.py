"""The cell tags of the course notebooks (contract section 2), in a module with no imports, so the
grader can read a notebook's tags without loading nbformat."""

GRADED_TAG = "graded"
"""A graded function's own cell."""
DEMO_TAG = "demo"
"""A demonstration (training runs, plots): the grader skips it."""
CHECK_TAG = "self-check"
"""A `check("name")` cell, the public tests in the student's kernel: the grader skips it."""
