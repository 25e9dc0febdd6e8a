"""Solution notebooks: the student notebook with the reference bodies pasted into its graded cells.

Used by the tests (a solved notebook must run clean and score full marks) and by the benchmarks."""

from __future__ import annotations

import importlib
import inspect

import nbformat

from coursekit.notebooks import GRADED_TAG, build_notebook, defined_name


def reference_source(assignment: str, function: str) -> str:
    """The source of one reference function, as it would be typed into a notebook cell."""
    module = importlib.import_module(f"reference.{assignment}")
    return inspect.getsource(getattr(module, function)).rstrip() + "\n"


def solved_notebook(assignment: str) -> nbformat.NotebookNode:
    """The student notebook of `assignment` with every graded cell replaced by the reference."""
    nb = build_notebook(assignment)
    for cell in nb.cells:
        if GRADED_TAG in cell.metadata.get("tags", []):
            name = defined_name(cell.source)
            cell.source = reference_source(assignment, name)
    return nb
