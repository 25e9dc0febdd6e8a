"""Stage 9, render (optional part): the student's notebook as it ran in the sandbox, rendered by
nbconvert for `--include-notebook`. The outputs are the grader's own record of the run (printed
text and errors), never the outputs stored in the file, and the HTML is sanitized against an
allowlist: a notebook is hostile input, and its markdown may hold any markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grader.errors import UsageError
from grader.model import CellRun

TAGS = frozenset(
    "a abbr b blockquote br code dd del div dl dt em h1 h2 h3 h4 h5 h6 hr i img kbd li ol p pre "
    "s span strong sub sup table tbody td th thead tr ul".split()
)
"""Markup an included notebook may keep; everything else is shown as text."""
PROTOCOLS = frozenset({"http", "https", "mailto", "data"})


def _allowed(tag: str, name: str, value: str) -> bool:
    """Attributes an included notebook may keep: classes, links, and images only when they are
    embedded (the report fetches nothing)."""
    if name == "class":
        return True
    if tag == "a":
        return name in ("href", "title")
    if tag == "img":
        return name == "alt" or (name == "src" and value.startswith("data:image/"))
    return tag in ("td", "th") and name == "align"


def available() -> bool:
    """nbconvert is installed (the `notebook` extra)."""
    try:
        import bleach  # noqa: F401
        import nbconvert  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    """Fail early, with the fix, when `--include-notebook` cannot work here."""
    if not available():
        raise UsageError(
            "--include-notebook needs nbconvert: pip install 'nn-practical-grader[notebook]'"
        )


def executed(raw: bytes, cells: Sequence[CellRun]) -> Any:
    """The submitted notebook with the outputs of the grader's run in place of its own."""
    import nbformat

    nb = nbformat.reads(raw.decode("utf-8", errors="replace"), as_version=4)
    runs = {c.index: c for c in cells}
    count = 0
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            cell.pop("attachments", None)  # images inside markdown are not worth the risk
            continue
        cell.outputs = []
        cell.execution_count = None
        run = runs.get(i)
        if run is None:
            continue
        if not run.skipped:
            count += 1
            cell.execution_count = count
        text = run.output
        if run.output_chars > len(run.output):
            text += f"\n… {run.output_chars - len(run.output)} more characters not kept\n"
        if text:
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
        if run.error:
            err = run.error
            trace = [
                f"cell [{f['cell'] + 1}], line {f['line']}, in {f['function']}: {f['text']}"
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
    import bleach
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_anchor_links=True)
    body, _ = exporter.from_notebook_node(executed(raw, cells))
    return bleach.clean(
        body,
        tags=TAGS,
        attributes=_allowed,
        protocols=PROTOCOLS,
        strip=False,
        strip_comments=True,
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
