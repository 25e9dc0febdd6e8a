"""Stage 9, render: HTML pages from templates (autoescaped: student text never becomes markup)."""

from __future__ import annotations

import base64
import functools
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import jinja2

from grader import display
from grader.catalogue import CATALOGUE
from grader.model import MAX_FATAL_CELLS, FunctionResult, GradingResult
from grader.record import safe_name
from grader.roster import Missing
from grader.similarity import Similar

if TYPE_CHECKING:
    from grader.groups import MistakeGroup

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("grader", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def unsaid(label: str, message: str) -> str:
    """`message` as it reads after "Label:", without the label said twice when the message
    already starts with it ("Not run: not run: ..." is a stutter)."""
    text = str(message)
    if label and text.lower().startswith(label.lower()):
        text = text[len(label) :].lstrip(": ")
    return text


def points_word(max_points: float) -> str:
    """ "point" after a total of exactly 1, "points" otherwise ("0 / 1 point", "0 / 2 points")."""
    return "point" if display.cents(max_points) == 100 else "points"


_ENV.filters["points"] = display.points
_ENV.filters["number"] = display.number
_ENV.globals["plural"] = display.plural
_ENV.globals["unsaid"] = unsaid
_ENV.globals["points_word"] = points_word

OUTPUT_SHOWN = 2000
"""Characters of one cell's printed output a page shows (the worker keeps at most 8192)."""

ERROR_KINDS: dict[str, tuple[str, str]] = {
    "timeout": (
        "Time limit reached",
        "Your notebook, or one of your functions, ran longer than the time limit. Look for a loop "
        "that never ends, a long sleep, or far more work than the exercise needs.",
    ),
    "memory": (
        "Memory limit reached",
        "Your code asked for more memory than the limit allows. Look for arrays far larger than "
        "the layers need, or a list that grows without end.",
    ),
    "crashed": (
        "The notebook's process stopped",
        "The process running your notebook ended before grading finished (it exited, was killed, "
        "or crashed). Results for what had run are below.",
    ),
    "unreadable-notebook": (
        "The notebook could not be read",
        "The file is not a notebook the grader can open. Save it again from Jupyter and make sure "
        "the whole file was handed in.",
    ),
    "unreadable-archive": (
        "The zip file could not be opened",
        "The .zip file handed in is damaged or is not a zip file. Make the zip again (or hand in "
        "the notebook itself) and make sure the whole file was uploaded.",
    ),
    "unknown-assignment": (
        "Unknown assignment",
        "The grader could not tell which assignment this notebook is. Start from the notebook "
        "you were given and keep its name.",
    ),
}
"""For each error kind of a result: a heading and what it means for the student."""

TEST_KINDS: dict[str, str] = {
    "value": "wrong values",
    "shape": "wrong shape",
    "type": "wrong type of result",
    "keys": "wrong keys",
    "length": "wrong number of entries",
    "dtype": "wrong dtype",
    "nan": "NaN or infinite values where they should not be",
    "property": "the values do not have the required properties",
    "constant": "the same answer whatever the inputs",
    "exception": "raised an exception",
    "timeout": "timed out",
    "memory": "ran out of memory",
    "exit": "tried to exit",
    "crashed": "the process crashed",
    "missing": "function not defined",
    "not-run": "not run",
}
"""What a failed test's kind means, in words: all that a hidden test shows besides its verdict."""


@dataclass(frozen=True)
class Printed:
    """A bounded excerpt of what one cell printed."""

    cell: int
    """The cell's number among the code cells (CellRun.shown)."""
    text: str
    """The first OUTPUT_SHOWN characters."""
    hidden: int
    """Characters printed beyond the excerpt."""


def printed(result: GradingResult) -> list[Printed]:
    """Every cell's output, bounded."""
    out = []
    for c in result.cells:
        if c.output:
            shown = c.output[:OUTPUT_SHOWN]
            out.append(Printed(c.shown, shown, max(c.output_chars, len(c.output)) - len(shown)))
    return out


@dataclass(frozen=True)
class Script:
    """An inline script of a page, and its hash for the page's Content-Security-Policy (which
    lets no other script run, and nothing be fetched)."""

    text: str
    """The script, exactly as it goes between the tags."""
    sha256: str
    """Base64 SHA-256 of `text`."""


@functools.cache
def _script(name: str) -> Script:
    text = (resources.files("grader") / "templates" / name).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Script(text, digest)


def _scripts(*names: str) -> tuple[Script, ...]:
    return tuple(_script(n) for n in names)


def _mistake_functions(result: GradingResult) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for f in result.functions:
        for d in f.diagnoses:
            where.setdefault(d, []).append(f.name)
    return where


def _kind(error: Mapping[str, Any] | None) -> str:
    return str((error or {}).get("kind", ""))


def not_run(f: FunctionResult) -> list[tuple[str, list[str]]]:
    """A function's tests that were not run, grouped by why: one line each on the page."""
    groups: dict[str, list[str]] = {}
    for t in f.tests:
        if not t.passed and t.kind == "not-run":
            why = t.message.removeprefix("not run: ")
            groups.setdefault(why, []).append(t.id)
    return list(groups.items())


PROBLEMS: dict[str, str] = {
    "timeout": "a cell or a call ran past its time limit",
    "memory": "a cell or a call ran out of memory",
    "crashed": "the notebook's or the tests' process crashed",
    "exit": "a graded call tried to exit",
    "skipped fatal cell": "a cell ended the notebook's process; it was skipped and the notebook "
    "run again",
    "tampered": "the submission's process sent records the grader could not accept",
}
"""The kinds of trouble the summary counts, besides any other error kind of a result."""


def problems(result: GradingResult) -> list[str]:
    """Every kind of trouble one submission ran into, each once: its error kind, skipped fatal
    cells, and cells or tests that timed out, ran out of memory, crashed or exited."""
    found: list[str] = []

    def add(kind: str) -> None:
        if kind and kind not in found:
            found.append(kind)

    if result.error:
        add(str(result.error.get("kind", "")))
    if result.fatal_cells:
        add("skipped fatal cell")
    for c in result.cells:
        if _kind(c.error) in ("timeout", "memory", "crashed"):
            add(_kind(c.error))
    for f in result.functions:
        for t in f.tests:
            if not t.passed and t.kind in ("timeout", "memory", "crashed", "exit"):
                add(t.kind)
    return found


def render_submission(result: GradingResult, notebook_html: str | None = None) -> str:
    """The student's page; `notebook_html` is the executed notebook as sanitized HTML (from
    grader.notebook), shown collapsed."""
    where = _mistake_functions(result)
    full = sum(1 for f in result.functions if f.score == f.max_score)
    return _ENV.get_template("submission.html.j2").render(
        r=result,
        mistakes=[(i, CATALOGUE.get(i), fns) for i, fns in where.items()],
        failed_cells=[c for c in result.cells if not c.ok and not c.skipped],
        fatal_skipped=[c for c in result.cells if c.skipped and _kind(c.error) == "fatal"],
        skipped=[c.shown for c in result.cells if c.skipped and _kind(c.error) != "fatal"],
        not_run=not_run,
        max_fatal=MAX_FATAL_CELLS,
        shown={c.index: c.shown for c in result.cells},
        printed=printed(result),
        error_kinds=ERROR_KINDS,
        test_kinds=TEST_KINDS,
        full=full,
        percent=round(100 * result.score / result.max_score) if result.max_score else 0,
        notebook_html=notebook_html,
        scripts=_scripts("print.js"),
    )


def href(result: GradingResult) -> str:
    """The link from the summary to a submission's page (the same names record.py writes)."""
    return f"{safe_name(result.student)}/{safe_name(result.assignment)}.html"


@dataclass(frozen=True)
class Band:
    """One bar of the score distribution chart (an HTML bar chart: its labels are text, so they
    read at a phone's width and in print)."""

    label: str
    """The score band, e.g. "90–100%"; each band holds its lower bound, the last one 100% too."""
    count: int
    """Submissions in the band."""
    share: float
    """The bar's length, as a share of the longest bar (0 to 1)."""


BANDS = 10


def distribution(results: Sequence[GradingResult]) -> list[Band]:
    """Score percentages in ten bands (the last one includes 100%), scaled to the longest."""
    counts = [0] * BANDS
    for r in results:
        if r.max_score > 0:
            counts[min(int(r.score / r.max_score * BANDS), BANDS - 1)] += 1
    top = max(counts) or 1
    step = 100 // BANDS
    return [Band(f"{step * i}–{step * (i + 1)}%", n, n / top) for i, n in enumerate(counts)]


HELP_BELOW = 0.5
"""A student whose total is below this share of the points, or who has an errored submission,
is listed under "who may need help"."""


@dataclass(frozen=True)
class Student:
    """One student's standing over the assignments in a summary."""

    student: str
    """Student id."""
    score: float
    """Points over every current submission."""
    max_score: float
    """Points available over them."""
    results: tuple[GradingResult, ...]
    """Their submissions, by assignment."""

    @property
    def share(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0

    @property
    def errored(self) -> int:
        """Submissions that could not be graded in full or ran into a limit or a crash."""
        return sum(1 for r in self.results if r.status != "graded" or problems(r))


def needs_help(results: Sequence[GradingResult], missing: Sequence[Missing] = ()) -> list[Student]:
    """Students below HELP_BELOW of their points or with an errored submission, lowest first.
    Work not handed in (`missing`) counts as 0 of its points."""
    by: dict[str, list[GradingResult]] = {}
    for r in results:
        by.setdefault(r.student, []).append(r)
    absent: dict[str, float] = {}
    for m in missing:
        by.setdefault(m.student, [])
        absent[m.student] = absent.get(m.student, 0.0) + m.max_score
    students = [
        Student(
            name,
            sum(r.score for r in rs),
            sum(r.max_score for r in rs) + absent.get(name, 0.0),
            tuple(sorted(rs, key=lambda r: r.assignment)),
        )
        for name, rs in by.items()
    ]
    return sorted(
        (s for s in students if s.share < HELP_BELOW or s.errored),
        key=lambda s: (s.share, s.student),
    )


def _problem_counts(rows: Sequence[GradingResult]) -> list[tuple[str, list[GradingResult]]]:
    """Each kind of trouble, with the submissions that ran into it, most frequent first."""
    by: dict[str, list[GradingResult]] = {}
    for r in rows:
        for kind in problems(r):
            by.setdefault(kind, []).append(r)
    return sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def render_summary(
    results: Sequence[GradingResult],
    *,
    missing: Sequence[Missing] = (),
    similar: Sequence[Similar] = (),
    groups: Sequence[MistakeGroup] = (),
) -> str:
    """The class summary; `missing` is the work not handed in, `similar` the pairs of
    submissions copy detection found, `groups` the uncatalogued mistakes students share."""
    rows = sorted(results, key=lambda r: (r.student, r.assignment))
    fn_stats: dict[tuple[str, str], list[int]] = {}
    test_stats: dict[tuple[str, str, str], list[int]] = {}
    mistakes: Counter[str] = Counter()
    who: dict[str, list[GradingResult]] = {}
    for r in results:
        for f in r.functions:
            s = fn_stats.setdefault((r.assignment, f.name), [0, 0])
            s[0] += int(f.score == f.max_score)
            s[1] += 1
            for t in f.tests:
                ts = test_stats.setdefault((r.assignment, f.name, t.id), [0, 0])
                ts[0] += int(t.passed)
                ts[1] += 1
            for d in f.diagnoses:
                mistakes[d] += 1
                who.setdefault(d, []).append(r)
    context: dict[str, Any] = {
        "help": needs_help(results, missing),
        "missing": missing,
        "similar": similar,
        "groups": groups,
        "students": len({r.student for r in results} | {m.student for m in missing}),
        "help_below": HELP_BELOW,
        "rows": rows,
        "href": href,
        "functions": sorted(fn_stats.items()),
        "tests": sorted(test_stats.items()),
        "mistakes": mistakes.most_common(),
        "who": who,
        "catalogue": CATALOGUE,
        "errored": [r for r in rows if r.status != "graded"],
        "problems": _problem_counts(rows),
        "problem_words": PROBLEMS,
        "graded": sum(1 for r in results if r.status == "graded"),
        "bars": distribution(results),
        "scripts": _scripts("sort.js", "print.js"),
    }
    return _ENV.get_template("summary.html.j2").render(**context)


def _scoped_css(css: str, scope: str) -> str:
    """Every rule of `css` limited to elements inside `scope` (a fragment inside a notebook must
    not restyle the notebook around it)."""
    rules = []
    for rule in css.split("}"):
        if "{" not in rule:
            continue
        selectors, body = rule.split("{", 1)
        scoped = ",".join(f"{scope} {s.strip()}" for s in selectors.split(","))
        rules.append(f"{scoped}{{{body}}}")
    return "\n".join(rules)


@functools.cache
def _view_css(scope: str) -> str:
    text = resources.files("grader").joinpath("templates/view.css").read_text(encoding="utf-8")
    return _scoped_css(text, scope)


def render_check(title: str, functions: Sequence[FunctionResult], problem: str = "") -> str:
    """The HTML fragment `check()` displays in a notebook: each function's public verdicts, its
    named mistakes with their lesson and hint, and the evidence of each failing test."""
    return _ENV.get_template("check.html.j2").render(
        title=title,
        functions=functions,
        problem=problem,
        catalogue=CATALOGUE,
        test_kinds=TEST_KINDS,
        view_css=_view_css(".grader-check"),
    )
