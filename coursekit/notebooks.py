"""The student notebooks, written as data (one module per assignment in `coursekit.lessons`)
and built with nbformat.

This module is the source of the notebooks in `assignments/`: `python -m coursekit.notebooks`
rewrites them, and a test checks that the committed files are what this module builds. Keeping
the notebooks here (not only as files) lets an installed grader rebuild them anywhere.

Cell conventions (contract section 2):
- a graded function stands alone in a code cell tagged `graded`;
- demonstration cells (training runs, plots) are tagged `demo`, so a grader can skip them;
- self-check cells (`check("name")`, the public tests in the student's kernel) are tagged
  `self-check` and follow each graded function and its example; the grader skips them too;
- the notebook carries `metadata.grader.assignment`.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import nbformat

from coursekit import lessons
from coursekit.lessons._cells import Cell, Graded, code, demo, graded, md
from coursekit.tags import CHECK_TAG, DEMO_TAG, GRADED_TAG

__all__ = [
    "ASSIGNMENTS",
    "CHECK_TAG",
    "DEMO_TAG",
    "GRADED_TAG",
    "Cell",
    "Graded",
    "build_notebook",
    "code",
    "defined_name",
    "demo",
    "graded",
    "graded_names",
    "md",
    "notebook_text",
]

ASSIGNMENTS: tuple[str, ...] = lessons.names()
"""Every assignment with a lesson module, in course order."""


def defined_name(source: str) -> str:
    """The name of the function a graded cell's source defines."""
    return source.split("(", 1)[0].removeprefix("def ").strip()


def graded_names(assignment: str) -> list[str]:
    """The graded functions of an assignment, in notebook order."""
    names = []
    for cell in lessons.cells(assignment):
        if GRADED_TAG in cell.tags:
            names.append(defined_name(cell.source))
    return names


IMPORT_CHECK = Cell(
    "code",
    '# check("name") runs the public tests on your function as it is now defined, and\n'
    "# check() runs them on every graded function of this notebook.\n"
    "from grader import check",
    (CHECK_TAG,),
)


def self_check(name: str) -> Cell:
    """The cell that checks one graded function in the student's kernel."""
    return Cell("code", f'check("{name}")', (CHECK_TAG,))


def with_checks(cells: list[Cell]) -> list[Cell]:
    """The cells with the self-check import after the first code cell (the imports), and a
    `check` call under each graded function, after its example cell when it has one."""
    out: list[Cell] = []
    pending = ""
    imported = False
    for cell in cells:
        is_example = cell.kind == "code" and not cell.tags
        if pending and not is_example:
            out.append(self_check(pending))
            pending = ""
        out.append(cell)
        if pending:  # the example just added
            out.append(self_check(pending))
            pending = ""
        if GRADED_TAG in cell.tags:
            pending = defined_name(cell.source)
        elif cell.kind == "code" and not imported:
            out.append(IMPORT_CHECK)
            imported = True
    if pending:
        out.append(self_check(pending))
    return out


def build_notebook(assignment: str) -> nbformat.NotebookNode:
    """The student notebook of an assignment, with stable cell ids."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["grader"] = {"assignment": assignment}
    for i, cell in enumerate(with_checks(lessons.cells(assignment))):
        new = (
            nbformat.v4.new_markdown_cell if cell.kind == "markdown" else nbformat.v4.new_code_cell
        )
        node = new(cell.source)
        node["id"] = hashlib.sha1(f"{assignment}:{i}".encode()).hexdigest()[:12]
        if cell.tags:
            node.metadata["tags"] = list(cell.tags)
        nb.cells.append(node)
    nbformat.validate(nb)
    return nb


def notebook_text(assignment: str) -> str:
    """The notebook as it is written to disk."""
    return nbformat.writes(build_notebook(assignment)) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Write the student notebooks into a folder (default: assignments/)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, default=Path("assignments"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ASSIGNMENTS:
        (args.out / f"{name}.ipynb").write_text(notebook_text(name), encoding="utf-8")
        print(args.out / f"{name}.ipynb")


if __name__ == "__main__":
    main()
