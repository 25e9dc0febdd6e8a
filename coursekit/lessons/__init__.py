"""The notebooks' content, one module per assignment: `CELLS` (the notebook as data, see
`_cells`) and `ORDER` (its place in the course). An assignment is here when its module is: nothing
else lists them."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coursekit.lessons._cells import Cell


@functools.cache
def names() -> tuple[str, ...]:
    """The assignments with a lesson module, in course order."""
    found = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    return tuple(sorted(found, key=lambda n: (_module(n).ORDER, n)))


def _module(name: str) -> Any:
    return importlib.import_module(f"{__name__}.{name}")


def cells(assignment: str) -> list[Cell]:
    """The cells of an assignment's notebook; KeyError when it has no lesson module."""
    if assignment not in names():
        raise KeyError(assignment)
    return list(_module(assignment).CELLS)
