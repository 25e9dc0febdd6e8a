"""A notebook cell's text as Python: IPython's input transformer, run on the grader's side.

Magics (`%`, `%%`), shell escapes (`!`), help (`?`) and pasted prompts become Python calls
(`get_ipython().run_line_magic(...)`), which the sandbox's stub shell answers without running
anything. The transformer is pure text processing and runs no code, so the grader runs it and
sends the worker plain Python: the worker does not import IPython (about 120 modules and 5 MB
of heap that every submission's fork would copy). Most cells need nothing (`needs_transform`);
the others are transformed once per text, so the course's own cells cost one transform a batch."""

from __future__ import annotations

import functools
from typing import Any

from grader.sandbox.ipysyntax import needs_transform, plain

MEMO_CELLS = 4096
"""Distinct cell texts whose transform is kept (the course's cells repeat in every notebook)."""


def to_python(text: str) -> str:
    """The cell's text as Python; the text itself (to fail as the kernel would fail) when the
    transformer cannot read it."""
    if not needs_transform(text):
        return plain(text)
    return _transformed(text)


@functools.lru_cache(maxsize=MEMO_CELLS)
def _transformed(text: str) -> str:
    try:
        return str(_transformer().transform_cell(text))
    except Exception:  # the cell compiles as it is and its error is the student's
        return plain(text)


@functools.cache
def _transformer() -> Any:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()
