"""A notebook cell's text as Python: IPython's input transformer, run on the grader's side
when that is cheap, inside the sandbox otherwise.

Magics (`%`, `%%`), shell escapes (`!`), help (`?`) and pasted prompts become Python calls
(`get_ipython().run_line_magic(...)`), which the sandbox's stub shell answers without running
anything. The transformer is pure text processing and runs no code, so the grader can run it
and send the worker plain Python: then the worker need not import IPython (about 120 modules and
5 MB of heap that every submission's fork would copy). Most cells need nothing
(`needs_transform`).

But the transformer's cost grows with the cell's length times its escapes (it tokenizes the
whole cell again after each one, up to 500 times, and holds about 280 bytes per character), and
the text is the student's: a 43 KB cell of 400 escapes cost the grading process 90 s, a 6 MB
cell with one `?` 1.9 GB. So the grader transforms a cell only within a bound of work per cell
and per submission (`Budget`); a cell past it goes to the sandbox as it is, marked, and the
sandbox transforms it under the cell's own time and memory limits (importing IPython late)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from grader.sandbox.ipysyntax import escapes, needs_transform, plain

PER_CELL = 20_000
"""Characters times passes (one more than the escapes) the grader transforms in one cell:
about 0.1 s at most (the course's own cells cost a few hundred)."""
PER_SUBMISSION = 200_000
"""The same, over all of a submission's cells (about 1 s at most)."""
MEMO_CHARS = 8_192
"""Cells up to this long are transformed once per grading process (the course's cells repeat
in every notebook); a longer one is not kept."""


@dataclass
class Budget:
    """What is left of a submission's transform work (`PER_SUBMISSION`)."""

    left: int = PER_SUBMISSION


@dataclass(frozen=True)
class Cell:
    """A cell for the worker: its text, and whether the worker must still transform it."""

    source: str
    transform: bool = False


def to_python(text: str, budget: Budget) -> Cell:
    """The cell as Python, transformed here if it is cheap enough; else the text, marked for
    the sandbox to transform."""
    if not needs_transform(text):
        return Cell(plain(text))
    cost = len(text) * (1 + escapes(text))
    if cost > min(PER_CELL, budget.left):
        return Cell(text, transform=True)
    budget.left -= cost
    if len(text) <= MEMO_CHARS:
        return Cell(_memoised(text))
    return Cell(_transformed(text))


@functools.lru_cache(maxsize=2048)
def _memoised(text: str) -> str:
    return _transformed(text)


def _transformed(text: str) -> str:
    try:
        return str(_transformer().transform_cell(text))
    except Exception:  # the cell compiles as it is and its error is the student's
        return plain(text)


@functools.cache
def _transformer() -> Any:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()
