"""Exports for the tools instructors and CI already use, all read from the same result objects:

- `grades.csv`: one row per student, a column per assignment, a total (spreadsheets, LMS import);
- Gradescope's `results.json`, one per submission (its autograder specification);
- JUnit XML, one test case per test (CI viewers).

Every file is written atomically."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from grader.catalogue import CATALOGUE
from grader.display import points
from grader.model import GradingResult
from grader.record import atomic_write, json_lines, safe_name
from grader.roster import Roster, graded_assignments, students_of

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PADDING = " \t\r\n\"'"


def csv_cell(value: object) -> str:
    """A CSV cell no spreadsheet runs as a formula (OWASP's advice on CSV injection): text that
    starts with = + - @, a tab or a carriage return, also after leading spaces or quotes, gets a
    leading apostrophe, which spreadsheets show as text and hide. Numbers stay numbers."""
    text = str(value)
    if _NUMBER.fullmatch(text):
        return text
    if text.startswith(_FORMULA_START) or text.lstrip(_PADDING).startswith(_FORMULA_START[:4]):
        return "'" + text
    return text


def write_csv_rows(rows: Iterable[Sequence[object]]) -> str:
    """CSV text with every cell escaped by `csv_cell` (every CSV export goes through here). A
    carriage return inside a cell becomes a newline, which the writer quotes (with lines ending
    in "\n" it would not quote a lone "\r", and a reader would split the row there)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for row in rows:
        w.writerow([csv_cell(c).replace("\r\n", "\n").replace("\r", "\n") for c in row])
    return buf.getvalue()


def grades_csv(results: Iterable[GradingResult], *, roster: Roster | None = None) -> str:
    """One row per student (the roster's, then anyone else who handed in work), a column per
    known assignment graded (0 when not handed in, and named in `missing`), the total, the
    course's total for those assignments, the work missing and the errors in words. A result
    for an unknown assignment is an error entry, not a column."""
    results = list(results)
    by_student: dict[str, dict[str, GradingResult]] = {}
    for r in results:
        by_student.setdefault(r.student, {})[r.assignment] = r
    assignments = graded_assignments(results)
    available: dict[str, float] = {}
    for r in results:
        if r.assignment in assignments:
            available[r.assignment] = max(available.get(r.assignment, 0.0), r.max_score)
    course_total = sum(available.get(a, 0.0) for a in assignments)
    names = {m.id: m.name for m in roster.members} if roster else {}
    header = ["student", *(["name"] if roster else []), *assignments]
    rows: list[list[object]] = [[*header, "total", "max_total", "missing", "errors"]]
    for student in students_of(results, roster):
        mine = by_student.get(student, {})
        row: list[object] = [student, *([names.get(student, "")] if roster else [])]
        total = 0.0
        absent: list[str] = []
        errors: list[str] = []
        for a in assignments:
            got = mine.get(a)
            if got is None:
                row.append("0")
                absent.append(a)
                continue
            row.append(points(got.score))
            total += got.score
            if got.status != "graded" and got.error:
                errors.append(f"{a}: {got.error['kind']}")
        for a, other in sorted(mine.items()):
            if a not in assignments and other.error:  # unknown assignment, unreadable zip
                errors.append(f"{a or other.path}: {other.error['kind']}")
        rows.append(
            [*row, points(total), points(course_total), "; ".join(absent), "; ".join(errors)]
        )
    return write_csv_rows(rows)


def write_grades_csv(
    results: Iterable[GradingResult], path: Path, *, roster: Roster | None = None
) -> None:
    """grades.csv, atomically."""
    atomic_write(path, grades_csv(results, roster=roster))


def _test_output(message: str, diagnosis: str | None) -> str:
    if diagnosis and diagnosis in CATALOGUE:
        entry = CATALOGUE[diagnosis]
        return f"{message}\n\nKnown mistake {diagnosis}: {entry.title}.\nHint: {entry.hint}"
    return message


def _hidden_verdict(passed: bool, kind: str) -> str:
    """What a hidden test may tell, as on the student's page: its verdict and kind of difference,
    never a message (a student's exception text can carry the hidden inputs out)."""
    from grader.render import TEST_KINDS

    return "passed" if passed else TEST_KINDS.get(kind, "did not match")


def gradescope(result: GradingResult) -> dict[str, Any]:
    """Gradescope's results.json for one submission. Public tests are visible at once; hidden
    tests show after the grades are published, and carry only their verdict and kind of
    difference, as in the student's report."""
    tests: list[dict[str, Any]] = []
    for fi, f in enumerate(result.functions, start=1):
        for ti, t in enumerate(f.tests, start=1):
            tests.append(
                {
                    "name": f"{f.name}: {t.id}",
                    "number": f"{fi}.{ti}",
                    "score": t.points,
                    "max_score": t.max_points,
                    "status": "passed" if t.passed else "failed",
                    "output": _test_output(
                        t.message
                        if t.visibility == "public"
                        else _hidden_verdict(t.passed, t.kind),
                        t.diagnosis,
                    ),
                    "output_format": "text",
                    "tags": [d for d in (t.diagnosis,) if d],
                    "visibility": "visible" if t.visibility == "public" else "after_published",
                }
            )
    summary = f"{result.assignment}: {points(result.score)}/{points(result.max_score)}"
    if result.error:
        summary += f"\n{result.error['kind']}: {result.error['message']}"
    if not result.functions and result.error:
        tests.append(
            {
                "name": "notebook",
                "score": 0.0,
                "max_score": result.max_score,
                "status": "failed",
                "output": f"{result.error['kind']}: {result.error['message']}",
                "output_format": "text",
                "visibility": "visible",
            }
        )
    return {
        "score": result.score,
        "execution_time": round(result.elapsed_s, 3),
        "output": summary,
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "student": result.student,
            "assignment": result.assignment,
            "status": result.status,
            "submission_sha256": result.environment.get("submission_sha256", ""),
        },
    }


def gradescope_path(out: Path, result: GradingResult) -> Path:
    """DIR/gradescope/<student>/<assignment>/results.json: Gradescope's file name, one folder
    per submission."""
    return (
        out
        / "gradescope"
        / safe_name(result.student)
        / safe_name(result.assignment)
        / "results.json"
    )


def gradescope_text(result: GradingResult) -> str:
    """Gradescope's results.json for one submission, as the file holds it."""
    return json_lines(gradescope(result))


def write_gradescope(result: GradingResult, out: Path, durable: bool = True) -> Path:
    """One submission's results.json, atomically (`durable`: fsynced too)."""
    path = gradescope_path(out, result)
    atomic_write(path, gradescope_text(result), durable)
    return path


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: object) -> str:
    """Text XML 1.0 can hold: a student's control characters become U+FFFD, not a broken file."""
    return _NOT_XML.sub("\ufffd", str(text))


ERRORS = frozenset({"exception", "timeout", "memory", "exit", "crashed", "missing"})
"""Test kinds that are a call that did not return a value: JUnit <error>, not <failure>."""
SKIPPED = frozenset({"not-run"})
"""Test kinds of a test that never ran: JUnit <skipped>."""


def junit(results: Sequence[GradingResult], name: str = "grader") -> str:
    """JUnit XML: a test suite per submission, a test case per test, each with its time. A wrong
    output is a <failure>; a call that raised, hung, ran out of memory or found no function is an
    <error>; a test that never ran is <skipped>. An unreadable or crashed notebook with nothing
    graded is one errored case, so it cannot look green."""
    root = ET.Element("testsuites", name=name)
    n_tests = n_fail = n_err = n_skip = 0
    total_time = 0.0
    for r in results:
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_x(f"{r.student}/{r.assignment}"),
            timestamp=_x(r.graded_at),
            time=f"{r.elapsed_s:.3f}",
        )
        props = ET.SubElement(suite, "properties")
        score = f"{points(r.score)}/{points(r.max_score)}"
        ET.SubElement(props, "property", name="score", value=score)
        ET.SubElement(props, "property", name="status", value=_x(r.status))
        s_tests = s_fail = s_err = s_skip = 0
        for f in r.functions:
            for t in f.tests:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname=_x(f"{r.student}.{r.assignment}.{f.name}"),
                    name=_x(t.id),
                    time=f"{t.elapsed_s:.3f}",
                )
                s_tests += 1
                if t.passed:
                    continue
                if t.kind in SKIPPED:
                    ET.SubElement(case, "skipped", message=_x(t.message))
                    s_skip += 1
                    continue
                tag = "error" if t.kind in ERRORS else "failure"
                kind = t.diagnosis or t.kind or "mismatch"
                element = ET.SubElement(case, tag, message=_x(t.message), type=_x(kind))
                element.text = _x(_test_output(t.message, t.diagnosis))
                if tag == "error":
                    s_err += 1
                else:
                    s_fail += 1
        if r.status != "graded" and r.error:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_x(f"{r.student}.{r.assignment}"),
                name="notebook",
                time=f"{r.elapsed_s:.3f}",
            )
            err = ET.SubElement(
                case, "error", message=_x(r.error["message"]), type=_x(r.error["kind"])
            )
            err.text = _x(r.error["message"])
            s_tests += 1
            s_err += 1
        suite.set("tests", str(s_tests))
        suite.set("failures", str(s_fail))
        suite.set("errors", str(s_err))
        suite.set("skipped", str(s_skip))
        n_tests, n_fail, n_err = n_tests + s_tests, n_fail + s_fail, n_err + s_err
        n_skip += s_skip
        total_time += r.elapsed_s
    root.set("tests", str(n_tests))
    root.set("failures", str(n_fail))
    root.set("errors", str(n_err))
    root.set("skipped", str(n_skip))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(results: Sequence[GradingResult], path: Path) -> None:
    """The batch's JUnit XML, atomically."""
    atomic_write(path, junit(results))
