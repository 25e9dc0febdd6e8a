"""Stage 9, render (for CI): what `grader ci` tells a CI service about a student repository's
notebooks: GitHub annotations, a Markdown step summary and the exit status. Hidden tests, where
an installation has them, show only their verdict and kind, as on the student's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grader.catalogue import CATALOGUE
from grader.model import FunctionResult, GradingResult, TestResult
from grader.render import ERROR_KINDS, TEST_KINDS

UNUSABLE = frozenset({"unreadable-notebook", "unknown-assignment"})
"""Error kinds that mean the input itself is unusable (exit status 2)."""


@dataclass(frozen=True)
class Checked:
    """One notebook as CI checked it."""

    path: str
    """The notebook, as given on the command line (annotations point at it)."""
    result: GradingResult
    """Its result."""

    @property
    def unusable(self) -> bool:
        return bool(self.result.error) and self.result.error["kind"] in UNUSABLE

    @property
    def passed(self) -> bool:
        r = self.result
        return r.status == "graded" and bool(r.functions) and r.score == r.max_score


def exit_status(checked: Sequence[Checked]) -> int:
    """0 when every notebook passes, 2 when one is unusable (or there are none), else 1."""
    if not checked or any(c.unusable for c in checked):
        return 2
    return 0 if all(c.passed for c in checked) else 1


def _reason(test: TestResult) -> str:
    if test.visibility == "public":
        return f"{test.id}: {test.message}"
    return f"{test.id} (hidden): {TEST_KINDS.get(test.kind, 'did not match')}"


def function_reason(f: FunctionResult) -> str:
    """Why a function lost points, in one line: its error, or its first failing test, and the
    mistakes it matches."""
    first = next((t for t in f.tests if not t.passed), None)
    reason = f.error["message"] if f.error else _reason(first) if first else ""
    if f.diagnoses:
        reason += f" [known mistake: {', '.join(f.diagnoses)}]"
    return reason


def function_line(f: FunctionResult) -> str:
    """A function's verdict in one line, as `grader check` prints it: mark, name, score, and why
    it lost points."""
    mark = "✓" if f.score == f.max_score else "✗"
    line = f"{mark} {f.name:<42} {f.score:g}/{f.max_score:g}"
    return line + f"  {function_reason(f)}" if f.score < f.max_score else line


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, title: str, message: str) -> str:
    """A GitHub Actions error annotation on a file (workflow command syntax, escaped)."""
    return f"::error file={_escape_property(path)},title={_escape_property(title)}::" + (
        _escape_data(message)
    )


def annotations(c: Checked) -> list[str]:
    """One error annotation per failing function, or one for a notebook that could not be
    graded in full."""
    r = c.result
    out = []
    if r.error:
        heading = ERROR_KINDS.get(r.error["kind"], ("Grading stopped early", ""))[0]
        out.append(
            annotation(c.path, f"{r.assignment or 'notebook'}: {heading}", r.error["message"])
        )
    for f in r.functions:
        if f.score < f.max_score:
            out.append(
                annotation(
                    c.path,
                    f"{r.assignment}: {f.name} ({f.score:g}/{f.max_score:g})",
                    function_reason(f),
                )
            )
    return out


def _md(text: str) -> str:
    """Student text inside a Markdown table cell: no markup, no new row, no HTML."""
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "'")):
        text = text.replace(a, b)
    return " ".join(text.split())


def step_summary(checked: Sequence[Checked]) -> str:
    """The Markdown a GitHub job shows on its summary page."""
    status = exit_status(checked)
    verdict = {0: "✅ all tests pass", 1: "❌ some tests fail", 2: "⚠️ unusable input"}[status]
    lines = [f"## Notebook checks: {verdict}", ""]
    for c in checked:
        r = c.result
        mark = "✅" if c.passed else "❌"
        lines.append(f"### {mark} `{_md(c.path)}`: {r.score:g} / {r.max_score:g} points")
        lines.append("")
        if r.error:
            lines += [f"**{_md(r.error['kind'])}**: {_md(r.error['message'])}", ""]
        if r.functions:
            lines += ["| | function | points | what went wrong |", "|---|---|---:|---|"]
            for f in r.functions:
                ok = f.score == f.max_score
                why = "" if ok else _md(function_reason(f))
                lines.append(
                    f"| {'✓' if ok else '✗'} | `{f.name}` | {f.score:g} / {f.max_score:g} | {why} |"
                )
            lines.append("")
        for d in dict.fromkeys(d for f in r.functions for d in f.diagnoses):
            entry = CATALOGUE.get(d)
            if entry:
                lines += [f"> **Known mistake `{d}`: {entry.title}.** {entry.explanation}", ">"]
                lines += [f"> *Hint:* {entry.hint}", ""]
    return "\n".join(lines) + "\n"
