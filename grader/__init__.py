"""The autograder. Kept free of imports: the warm worker imports this package's `wire` and
`worker` modules only, and must never load the reference solutions.

`from grader import check` gives the in-notebook self-check (grader.selfcheck), loaded only when
asked for."""

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "check":
        from grader.selfcheck import check

        return check
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
