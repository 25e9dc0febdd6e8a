"""The class's unknown mistakes, grouped: failing functions that no recogniser names, gathered
by what they return on the hidden cases.

Two students who make the same uncatalogued mistake return the same numbers on the same seeded
inputs, however differently they wrote it. So a graded function that lost marks without a name
gets an id from a digest of its outputs on the hidden cases (probes included; an exception
counts by its type), each float rounded to DIGITS significant digits so that the noise of
another order of operations does not split a group (`group_id`, when the function is scored:
`FunctionResult.mistake_group`, the same for every student with these outputs). A batch then
gathers the ids (`gather`): an id that MIN_SIZE students or more share is a `MistakeGroup`,
listed on the instructors' class summary with an excerpt of one member's code, and in
`mistake-groups.csv`. `docs/authoring.md` shows how to turn a group into a catalogue entry.

Not grouped: a function that scores full marks, that a recogniser names, that is still the
handout's stub, that could not be called, or whose calls did not all return or raise (a timeout,
a crash, a memory limit: those outputs are not the student's answer). Without hidden cases
(`grader check`, a student bundle) nothing is grouped."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.export import write_csv_rows
from grader.model import FunctionResult, GradingResult
from grader.recognise import Evidence, fingerprint
from grader.record import atomic_write

if TYPE_CHECKING:
    from grader.similarity import Fingerprint

DIGITS = 6
"""Significant digits the outputs are rounded to before they are compared."""
MIN_SIZE = 2
"""Students that must share an id for it to be listed as a group."""
EXCERPT_LINES = 30
"""Lines of the representative's code a summary shows..."""
EXCERPT_CHARS = 2000
"""...and characters at most."""
FILENAME = "mistake-groups.csv"
"""Beside grades.csv in a batch's output folder."""
CSV_HEADER = ("group", "assignment", "function", "size", "student", "difference")


def group_id(function: FunctionResult, evidence: Evidence) -> str | None:
    """The id of the unknown mistake a scored function's hidden outputs show, or None when it
    is not one (see the module's docstring). A pure function of the outputs: every student
    whose outputs agree to DIGITS significant digits gets the same id."""
    if (
        function.score >= function.max_score
        or function.diagnoses
        or not function.attempted
        or function.error is not None
    ):
        return None
    hidden = [c for c in evidence.cases if c.visibility == "hidden"]
    if not hidden:
        return None
    parts = []
    for c in hidden:
        outcome = evidence.outcomes.get(c.id)
        if outcome is None:
            return None
        if outcome.ok:
            value = _canonical(outcome.value, evidence.expected.get(c.id))
            parts.append((c.id, fingerprint(value, DIGITS)))
            continue
        err = outcome.error or {}
        if err.get("kind") != "exception":
            return None
        parts.append((c.id, ("raised", str(err.get("type") or "")[:200])))
    digest = hashlib.sha256(repr((evidence.fspec.name, tuple(parts))).encode()).hexdigest()
    return f"{evidence.fspec.name}-{digest[:10]}"


def _canonical(value: Any, expected: Any = None) -> Any:
    """The value with the differences the comparison ignores set aside, so that they do not
    split a group: where a number is expected, a size-1 array is its number (a returned
    np.float64 reaches the grader as an array of shape (1,)); a 0-d array is its number; a list
    is a tuple."""
    numeric = isinstance(value, np.ndarray) and value.dtype.kind in "biuf"
    scalar = isinstance(expected, (int, float, np.number)) and not isinstance(expected, bool)
    if numeric and (value.ndim == 0 or (scalar and value.ndim == 1 and value.size == 1)):
        return value.reshape(()).item()
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class MistakeGroup:
    """Students of one assignment whose failing, unnamed function returns the same outputs on
    every hidden case: one uncatalogued mistake, most likely."""

    id: str
    """The id in each member's result (FunctionResult.mistake_group)."""
    assignment: str
    """The assignment."""
    function: str
    """The graded function."""
    members: tuple[GradingResult, ...]
    """The members' results, by student id."""
    difference: str
    """The kind of difference, in words: the failing hidden tests' kinds and how many."""
    example: str
    """One failing hidden test's message, from the representative's result."""
    representative: str
    """The student whose code is excerpted (the first, by id, whose code was found)."""
    excerpt: str
    """The start of the representative's graded function as written ("" when unknown)."""

    @property
    def students(self) -> tuple[str, ...]:
        """The members' student ids."""
        return tuple(r.student for r in self.members)


Code = Mapping[tuple[str, str, str], str]
"""(student, assignment, function) -> the function's code as the student wrote it."""


def code_of(prints: Iterable[Fingerprint]) -> dict[tuple[str, str, str], str]:
    """Each graded function's code, from what copy detection read of each notebook."""
    return {(p.student, p.assignment, name): text for p in prints for name, text, _ in p.functions}


def excerpt(code: str) -> str:
    """The first EXCERPT_LINES lines of `code`, at most EXCERPT_CHARS characters."""
    lines = code.splitlines()
    text = "\n".join(lines[:EXCERPT_LINES])
    cut = len(lines) > EXCERPT_LINES
    if len(text) > EXCERPT_CHARS:
        text, cut = text[:EXCERPT_CHARS], True
    return text + ("\n…" if cut else "")


def _difference(function: FunctionResult) -> tuple[str, str]:
    hidden = [t for t in function.tests if t.visibility == "hidden"]
    failing = [t for t in hidden if not t.passed]
    kinds = Counter(t.kind or "value" for t in failing)
    words = ", ".join(f"{kind} in {n}" for kind, n in kinds.most_common())
    return (
        f"{words} of {len(hidden)} hidden tests" if failing else "no hidden test fails",
        failing[0].message if failing else "",
    )


def gather(results: Iterable[GradingResult], code: Code | None = None) -> tuple[MistakeGroup, ...]:
    """The groups of MIN_SIZE students or more, largest first. `code` supplies the excerpts."""
    code = code or {}
    members: dict[tuple[str, str, str], list[tuple[GradingResult, FunctionResult]]] = {}
    for r in results:
        for f in r.functions:
            if f.mistake_group:
                members.setdefault((r.assignment, f.name, f.mistake_group), []).append((r, f))
    groups = []
    for (assignment, function, gid), found in members.items():
        by_student = {r.student: (r, f) for r, f in found}  # one result per student
        if len(by_student) < MIN_SIZE:
            continue
        ordered = [by_student[s] for s in sorted(by_student)]
        written = [(r, code[(r.student, assignment, function)]) for r, _ in ordered
                   if code.get((r.student, assignment, function))]  # fmt: skip
        chosen = written[0] if written else (ordered[0][0], "")
        difference, example = _difference(next(f for r, f in ordered if r is chosen[0]))
        groups.append(
            MistakeGroup(
                id=gid,
                assignment=assignment,
                function=function,
                members=tuple(r for r, _ in ordered),
                difference=difference,
                example=example,
                representative=chosen[0].student,
                excerpt=excerpt(chosen[1]),
            )
        )
    return tuple(sorted(groups, key=lambda g: (-len(g.members), g.assignment, g.function, g.id)))


def groups_csv(groups: Sequence[MistakeGroup]) -> str:
    """One row per member of each group (a spreadsheet filters them by group or by student)."""
    rows: list[Sequence[object]] = [CSV_HEADER]
    for g in groups:
        for student in g.students:
            rows.append((g.id, g.assignment, g.function, len(g.members), student, g.difference))
    return write_csv_rows(rows)


def write_groups_csv(groups: Sequence[MistakeGroup], path: Path) -> None:
    """mistake-groups.csv, atomically (a header alone when there is no group)."""
    atomic_write(path, groups_csv(groups))
