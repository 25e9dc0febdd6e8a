"""The building blocks of a notebook written as data: cells, and graded-function stubs."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from coursekit.tags import DEMO_TAG, GRADED_TAG


@dataclass(frozen=True)
class Graded:
    """A graded function as the student first sees it."""

    name: str
    """The function's name, fixed by the contract."""
    signature: str
    """The parameter list, without parentheses."""
    doc: str
    """The docstring: what to compute, with shapes."""


@dataclass(frozen=True)
class Cell:
    """One cell of a notebook as written here."""

    kind: str
    """"markdown" or "code"."""
    source: str
    """The cell's text."""
    tags: tuple[str, ...] = ()
    """Cell tags: "graded", "demo"."""


def md(text: str) -> Cell:
    """A markdown cell."""
    return Cell("markdown", textwrap.dedent(text).strip())


def code(text: str) -> Cell:
    """A plain code cell."""
    return Cell("code", textwrap.dedent(text).strip())


def demo(text: str) -> Cell:
    """A demonstration cell: runs for the student, skipped by the grader."""
    return Cell("code", textwrap.dedent(text).strip(), (DEMO_TAG,))


def graded(fn: Graded) -> Cell:
    """The stub of a graded function: docstring, signature, and a body that raises."""
    doc = textwrap.indent(textwrap.dedent(fn.doc).strip(), "    ")
    src = (
        f"def {fn.name}({fn.signature}):\n"
        f'    """\n{doc}\n    """\n'
        "    # YOUR CODE HERE\n"
        f'    raise NotImplementedError("{fn.name}: replace this line with your code")\n'
    )
    return Cell("code", src, (GRADED_TAG,))
