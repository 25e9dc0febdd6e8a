"""The mistake catalogue (contract section 3): for each id, what the mistake is in plain words,
the idea of the lesson it misses, and a hint that points the way without giving the code.

One module per assignment (`grader/catalogue/<assignment>.py`, `ENTRIES`), and `_common` for the
mistakes any drawing function can make. The catalogue is every module found here: nothing lists
the assignments. It ships in the student bundle (reports explain the mistakes they name)."""

from __future__ import annotations

import importlib
import pkgutil

from coursekit import lessons
from grader.catalogue._entry import Entry

__all__ = ["CATALOGUE", "Entry"]


def _load() -> dict[str, Entry]:
    """Every entry, in course order (`_common` first, then the assignments as the course runs)."""
    order = {name: i for i, name in enumerate(("_common", *lessons.names()))}
    modules = [m.name for m in pkgutil.iter_modules(__path__) if m.name != "_entry"]
    found: dict[str, Entry] = {}
    for name in sorted(modules, key=lambda n: (order.get(n, len(order)), n)):
        for key, entry in importlib.import_module(f"{__name__}.{name}").ENTRIES.items():
            if key in found:
                raise ValueError(f"catalogue id {key!r} is defined twice")
            found[key] = entry
    return found


CATALOGUE: dict[str, Entry] = _load()
