"""Stage 9, render (for CI): what `grader ci` tells a CI service about a student repository's
notebooks: GitHub annotations, a Markdown step summary and the exit status. Hidden tests, where
an installation has them, show only their verdict and kind, as on the student's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grader.catalogue import CATALOGUE
from grader.display import plural, points
from grader.model import FunctionResult, GradingResult, TestResult
from grader.render import ERROR_KINDS, TEST_KINDS, points_word

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
    if not f.attempted and not f.error:
        reason = f"not attempted yet ({reason})"
    if f.diagnoses:
        reason += f" [known mistake: {', '.join(f.diagnoses)}]"
    return reason


def function_line(f: FunctionResult, public_only: bool = False) -> str:
    """A function's verdict in one line, as `grader check` prints it: mark, name, score, and why
    it lost points; `public_only` says the score is the public tests' alone."""
    mark = "✓" if f.score == f.max_score else "✗"
    score = f"{points(f.score)}/{points(f.max_score)}"
    if public_only:
        score = f"public tests: {score}"
    line = f"{mark} {f.name:<42} {score}"
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


MAX_ANNOTATIONS = 9
"""GitHub shows at most 10 error annotations per step: the first 9, then one counting the rest."""


def capped(lines: Sequence[str]) -> list[str]:
    """A run's annotations as GitHub can show them: all of them when there are at most 10, else
    the first MAX_ANNOTATIONS and one that counts the rest."""
    if len(lines) <= MAX_ANNOTATIONS + 1:
        return list(lines)
    return [*lines[:MAX_ANNOTATIONS], more_annotations(len(lines) - MAX_ANNOTATIONS)]


def more_annotations(rest: int) -> str:
    """The annotation that stands for `rest` annotations GitHub would not show."""
    text = (
        f"{plural(rest, 'more problem')} not shown here (GitHub shows 10 annotations per step): "
        "see the job's summary, or run grader check on each notebook"
    )
    return f"::error title={_escape_property(f'and {rest} more')}::{_escape_data(text)}"


def annotations(c: Checked) -> list[str]:
    """One error annotation per failing function, or one for a notebook that could not be
    graded in full (`capped` limits a whole run's to what GitHub shows)."""
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
                    f"{r.assignment}: {f.name} ({points(f.score)}/{points(f.max_score)})",
                    function_reason(f),
                )
            )
    return out


MARKDOWN_ESCAPED = "\\`*_[]|~"
"""Characters that would start Markdown markup anywhere in a line: backslash-escaped."""
HTML_ESCAPED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
"""Characters GitHub would read as HTML (it renders `<l>` as a tag and drops it)."""


def _md(text: str) -> str:
    """Any text in the step summary (a student's message, a path, a hint): shown as written, on
    one line, never as markup, HTML or a new table row."""
    out = []
    for ch in " ".join(str(text).split()):
        if ch in HTML_ESCAPED:
            out.append(HTML_ESCAPED[ch])
        elif ch in MARKDOWN_ESCAPED:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _code(text: str) -> str:
    """A path or a name as a Markdown code span: shown literally (no HTML, no markup), on one
    line, with no backtick to end it early and no pipe to split a table row."""
    return "`" + " ".join(str(text).replace("`", "'").replace("|", "\\|").split()) + "`"


def step_summary(checked: Sequence[Checked], public_only: bool = False) -> str:
    """The Markdown a GitHub job shows on its summary page. Every piece of text in it, the
    grader's own included, is escaped; `public_only` says that the scores are the public
    tests' alone (a student bundle)."""
    status = exit_status(checked)
    verdict = {0: "✅ all tests pass", 1: "❌ some tests fail", 2: "⚠️ unusable input"}[status]
    lines = [f"## Notebook checks: {verdict}", ""]
    if public_only:
        lines += ["Public tests only: the grade also uses hidden tests.", ""]
    for c in checked:
        r = c.result
        mark = "✅" if c.passed else "❌"
        total = f"{points(r.score)} / {points(r.max_score)}"
        lines.append(f"### {mark} {_code(c.path)}: {total} {points_word(r.max_score)}")
        lines.append("")
        if r.error:
            lines += [f"**{_md(r.error['kind'])}**: {_md(r.error['message'])}", ""]
        if r.functions:
            lines += ["| | function | points | what went wrong |", "|---|---|---:|---|"]
            for f in r.functions:
                ok = f.score == f.max_score
                why = "" if ok else _md(function_reason(f))
                score = f"{points(f.score)} / {points(f.max_score)}"
                lines.append(f"| {'✓' if ok else '✗'} | {_code(f.name)} | {score} | {why} |")
            lines.append("")
        for d in dict.fromkeys(d for f in r.functions for d in f.diagnoses):
            entry = CATALOGUE.get(d)
            if entry:
                lines += [
                    f"> **Known mistake {_code(d)}: {_md(entry.title)}.** {_md(entry.explanation)}",
                    ">",
                    f"> *Hint:* {_md(entry.hint)}",
                    "",
                ]
    return "\n".join(lines) + "\n"
