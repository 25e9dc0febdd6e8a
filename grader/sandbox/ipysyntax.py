"""Which cells need IPython's input transformer, and the text of those that do not.

IPython's `TransformerManager.transform_cell` turns magics (`%`, `%%`), shell escapes (`!`),
help (`?`), the autocall escapes (`/`, `,`, `;`) and pasted prompts (`>>>`, `In [1]:`) into
Python, and tidies leading blank lines and indentation. Most cells of a course notebook are
plain Python that it returns unchanged, only with a final newline; it still tokenizes each one,
which costs more than running the cell. `needs_transform` says False only for a cell the
transformer would return as `plain(source)`, by looking for every character it acts on; when in
doubt it says True. Pure functions, standard library only (`grader.transform` calls them)."""

from __future__ import annotations

import re

_ASSIGN_ESCAPE = re.compile(r"=[\s\\]*[%!]")
"""`x = %magic`, `x = !cmd` (with any spacing or line continuation)."""
_WHITESPACE_LINE = re.compile(r"^[ \t]+$", re.MULTILINE)
"""A line of blanks only: the transformer's dedent empties it (even inside a string)."""
_LINE_STARTS = ("%", "!", "?", "/", ",", ";", ">>>", "...", "In [", "[nav]", "[ins]")
"""What a line may start with for an escape, a cell magic or a prompt to be found there."""


def needs_transform(source: str) -> bool:
    """The cell may hold IPython syntax, or text the transformer would change."""
    if not source or source[0].isspace():
        return True  # leading blank lines or indentation: removed
    if "?" in source or _WHITESPACE_LINE.search(source) or _ASSIGN_ESCAPE.search(source):
        return True
    return any(line.lstrip().startswith(_LINE_STARTS) for line in source.splitlines())


def escapes(source: str) -> int:
    """An upper bound on the escapes the transformer rewrites one pass at a time: the lines
    that start with an escape character or a prompt, end in `?`, or assign one."""
    count = 0
    for line in source.splitlines():
        stripped = line.strip()
        if (
            stripped.startswith(_LINE_STARTS)
            or stripped.endswith("?")
            or _ASSIGN_ESCAPE.search(line)
        ):
            count += 1
    return count


def plain(source: str) -> str:
    """What the transformer returns for a cell that `needs_transform` passes: the same text,
    ending with a newline."""
    return source if source.endswith("\n") else source + "\n"
