"""Stage 9, render (optional part): the student's notebook as it ran in the sandbox, rendered by
nbconvert for `--include-notebook`. The outputs are the grader's own record of the run (printed
text and errors), never the outputs stored in the file, and the HTML is sanitized against an
allowlist by nh3 (the Ammonia sanitizer): a notebook is hostile input, and its markdown may hold
any markup."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from grader.errors import UsageError
from grader.model import CellRun

TAGS = frozenset(
    "a abbr b blockquote br code dd del div dl dt em h1 h2 h3 h4 h5 h6 hr i img kbd li ol p pre "
    "s span strong sub sup table tbody td th thead tr ul".split()
)
"""Markup an included notebook may keep; any other tag is removed and its text kept, except
script and style, which go with their content."""
PROTOCOLS = frozenset({"http", "https", "mailto", "data"})
"""URL schemes a kept link or image may use (an image's must be data:image, see _attribute)."""
ATTRIBUTES = {
    "*": {"class"},
    "a": {"href", "title"},
    "img": {"alt", "src"},
    "td": {"align"},
    "th": {"align"},
}
"""Attributes a kept tag may keep."""


def _attribute(tag: str, name: str, value: str) -> str | None:
    """An image keeps its source only when the image is embedded (the report fetches nothing)."""
    if tag == "img" and name == "src" and not value.startswith("data:image/"):
        return None
    return value


def available() -> bool:
    """nbconvert is installed (the `notebook` extra)."""
    try:
        import nbconvert  # noqa: F401
        import nh3  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    """Fail early, with the fix, when `--include-notebook` cannot work here."""
    if not available():
        raise UsageError(
            "--include-notebook needs nbconvert: pip install 'nn-practical-grader[notebook]'"
        )


MAX_MARKDOWN_CHARS = 20_000
"""Markdown cells longer than this are shown as text, not rendered (course prose is shorter)."""
MAX_MARKDOWN_NESTING = 32
"""Nor deeper nesting of brackets, emphasis or quotes: a markdown renderer's time grows
faster than the text on deeply nested input (seen: 73 s for 170 KB of nested brackets)."""


MAX_CODE_CHARS = 10_000
"""A code cell is shown up to this many characters (course cells are a few hundred)."""
MAX_SHOWN_CODE_CHARS = 40_000
"""And a notebook's code cells up to this many together: highlighting and cleaning cost about
0.2 s per KB of dense code (a 500 KB cell took 113 s to show), and this runs in a grading
process."""


def _shown_code(source: str, left: int) -> str:
    """A code cell's text as the report shows it: cut at MAX_CODE_CHARS and at what is left of
    the notebook's MAX_SHOWN_CODE_CHARS, saying so."""
    keep = max(0, min(MAX_CODE_CHARS, left))
    if len(source) <= keep:
        return source
    return source[:keep] + f"\n# … {len(source) - keep} more characters not shown in the report\n"


def _nesting(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}" and depth:
            depth -= 1
    run = max(
        (len(r) for r in text.replace("\n", " ").split(" ") if set(r) <= set("*_>`~")), default=0
    )
    return max(deepest, run)


def renderable(source: str) -> bool:
    """A markdown cell can be rendered in bounded time: not too long, not too deeply nested."""
    return len(source) <= MAX_MARKDOWN_CHARS and _nesting(source) <= MAX_MARKDOWN_NESTING


def as_text(source: str) -> Any:
    """A markdown cell that is not `renderable`, as a cell of plain text (escaped, cut at
    MAX_MARKDOWN_CHARS) that nbconvert passes through without parsing it."""
    import nbformat

    text = source[:MAX_MARKDOWN_CHARS]
    cut = " (cut)" if len(source) > len(text) else ""
    cell = nbformat.v4.new_raw_cell(
        f"<p><em>This markdown cell is shown as text: too long or too deeply nested to "
        f"render{cut}.</em></p><pre>{html.escape(text)}</pre>"
    )
    cell.metadata["raw_mimetype"] = "text/html"
    return cell


def executed(raw: bytes, cells: Sequence[CellRun]) -> Any:
    """The submitted notebook with the outputs of the grader's run in place of its own."""
    import nbformat

    nb = nbformat.reads(raw.decode("utf-8", errors="replace"), as_version=4)
    runs = {c.index: c for c in cells}
    code_left = MAX_SHOWN_CODE_CHARS
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            cell.pop("attachments", None)  # images inside markdown are not worth the risk
            if cell.get("cell_type") == "markdown" and not renderable(str(cell.get("source", ""))):
                nb.cells[i] = as_text(str(cell.get("source", "")))
            continue
        cell.source = _shown_code(str(cell.get("source", "")), code_left)
        code_left -= len(cell.source)
        cell.outputs = []
        cell.execution_count = None
        run = runs.get(i)
        if run is None:
            continue
        if not run.skipped:
            cell.execution_count = run.shown  # the cell [n] the report names it by
        text = run.output
        if run.output_chars > len(run.output):
            text += f"\n… {run.output_chars - len(run.output)} more characters not kept\n"
        if text:
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
        if run.error:
            err = run.error
            trace = [
                f"cell [{f.get('number') or f['cell'] + 1}], line {f['line']}, in {f['function']}: "
                f"{f['text']}"
                for f in err.get("traceback") or ()
            ]
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error",
                    ename=str(err.get("type") or err.get("kind") or "Error"),
                    evalue=str(err.get("message") or ""),
                    traceback=[*trace, f"{err.get('type') or 'Error'}: {err.get('message', '')}"],
                )
            )
        elif run.skipped:
            cell.outputs.append(
                nbformat.v4.new_output(
                    "stream", name="stderr", text="(not run: the notebook's time was up)\n"
                )
            )
    return nb


def to_html(raw: bytes, cells: Sequence[CellRun]) -> str:
    """The executed notebook as an HTML fragment, safe to put inside a report."""
    import nh3
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_anchor_links=True)
    body, _ = exporter.from_notebook_node(executed(raw, cells))
    return nh3.clean(
        body,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute,
        url_schemes=set(PROTOCOLS),
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )


def fragment(raw: bytes | None, cells: Sequence[CellRun]) -> str | None:
    """`to_html`, or None when the notebook cannot be shown (unreadable bytes, no nbconvert):
    the report then simply has no notebook section. Never raises for student input."""
    if raw is None or not available():
        return None
    try:
        return to_html(raw, cells)
    except Exception:  # a malformed notebook the load stage already reported
        return None
