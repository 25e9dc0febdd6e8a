"""Fixture notebooks for grader tests: the solved notebook with chosen cells replaced or added."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat

from coursekit.notebooks import GRADED_TAG, defined_name
from reference.solved import solved_notebook


def notebook_with(
    assignment: str,
    replace: dict[str, str] | None = None,
    append: list[str] | None = None,
    prepend: list[str] | None = None,
    untag: bool = False,
) -> nbformat.NotebookNode:
    """The solved notebook with the graded cell of each function in `replace` swapped for the given
    source, then `append`ed and `prepend`ed code cells."""
    nb = solved_notebook(assignment)
    for cell in nb.cells:
        if GRADED_TAG in cell.metadata.get("tags", []):
            name = defined_name(cell.source)
            if replace and name in replace:
                cell.source = textwrap.dedent(replace[name]).strip() + "\n"
            if untag:
                cell.metadata["tags"] = []
    for src in prepend or []:
        nb.cells.insert(0, nbformat.v4.new_code_cell(textwrap.dedent(src).strip()))
    for src in append or []:
        nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(src).strip()))
    return nb


def write(nb: nbformat.NotebookNode, folder: Path, student: str, assignment: str) -> Path:
    """Save as <folder>/<student>/<assignment>.ipynb (the contract's layout)."""
    path = folder / student / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
