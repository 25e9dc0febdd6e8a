"""Exports: grades.csv for spreadsheets, Gradescope's results.json, JUnit XML for CI viewers."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

from results import errored, result

from grader.export import grades_csv, gradescope, junit, write_gradescope


def test_grades_csv_has_a_row_per_student_and_a_column_per_assignment():
    rows = list(
        csv.DictReader(
            io.StringIO(
                grades_csv(
                    [
                        result("ada", "dropout", score=10),
                        result("ada", "regularization", score=7),
                        errored("bob", "dropout"),
                    ]
                )
            )
        )
    )
    assert [r["student"] for r in rows] == ["ada", "bob"]
    assert rows[0] == {
        "student": "ada",
        "dropout": "10",
        "regularization": "7",
        "total": "17",
        "max_total": "40",
        "missing": "",
        "errors": "",
    }
    # bob handed in no regularization notebook: it scores 0, is named missing, and the course's
    # total counts it (a skipped assignment must not look better than a weak one)
    assert rows[1]["regularization"] == "0" and rows[1]["dropout"] == "0"
    assert rows[1]["max_total"] == "40" and rows[1]["missing"] == "regularization"
    assert rows[1]["errors"] == "dropout: unreadable-notebook"


def test_gradescope_results_follow_its_specification(tmp_path):
    r = result()
    data = json.loads(write_gradescope(r, tmp_path).read_text())
    assert data["score"] == r.score
    assert data["stdout_visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    assert len(data["tests"]) == 3
    for t in data["tests"]:
        assert set(t) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
        assert isinstance(t["score"], float) and t["score"] <= t["max_score"]
    public, hidden = data["tests"][0], data["tests"][1]
    assert public["visibility"] == "visible" and hidden["visibility"] == "after_published"
    # the named mistake travels with its hint
    assert "dropout-no-scale" in public["output"] and "Hint:" in public["output"]
    assert public["tags"] == ["dropout-no-scale"]
    # the test scores add up to the submission's score
    assert sum(t["score"] for t in data["tests"]) == data["score"]


def test_an_unreadable_notebook_is_one_failed_gradescope_test_with_the_reason():
    data = gradescope(errored())
    assert data["score"] == 0
    assert [t["status"] for t in data["tests"]] == ["failed"]
    assert "not valid JSON" in data["tests"][0]["output"]


def test_junit_counts_tests_failures_and_errors():
    root = ET.fromstring(junit([result(), errored()]))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["ada/dropout", "bob/dropout"]
    failure = suites[0].find("testcase/failure")
    assert failure is not None and failure.get("type") == "dropout-no-scale"
    error = suites[1].find("testcase/error")
    assert error is not None and error.get("type") == "unreadable-notebook"


def test_junit_stays_well_formed_whatever_a_student_prints():
    nasty = 'bad \x00\x1b[31m "quotes" <script>alert(1)</script> & \ud800'
    text = junit([result(message=nasty)])
    root = ET.fromstring(text.encode("utf-8", "surrogatepass"))  # parses: control chars replaced
    failure = root.find(".//failure")
    assert failure is not None and "<script>" in failure.get("message", "")


FORMULAS = [
    "=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
    " =1+1", "\"=1+1", "'=1", "  @x", "\n=cmd",
]  # fmt: skip


def test_no_csv_cell_can_be_read_as_a_formula(tmp_path):
    from grader.export import write_grades_csv
    from grader.roster import Member, Roster

    results = [result(s, "dropout", score=10) for s in FORMULAS]
    results.append(errored("ada", "=cmd|' /C calc'!A0"))  # an assignment name from metadata
    roster = Roster(tuple(Member(s, name="=evil()") for s in [*FORMULAS, "ada"]))
    path = tmp_path / "grades.csv"
    write_grades_csv(results, path, roster=roster)
    rows = list(csv.reader(path.open(newline="")))
    cells = [c for row in rows for c in row]
    assert len(rows) == len(FORMULAS) + 2
    for c in cells:
        assert not c.lstrip(" \t\r\n\"'").startswith(("=", "+", "-", "@")) or c.startswith("'")
        assert not c.startswith(("\t", "\r", "\n"))
    # the ids are still there, behind the apostrophe spreadsheets hide
    assert {row[0].removeprefix("'") for row in rows[1:]} == {
        f.replace("\r", "\n") for f in [*FORMULAS, "ada"]
    }
    # only known assignments are columns; the unknown one is an error entry
    assert rows[0] == ["student", "name", "dropout", "total", "max_total", "missing", "errors"]
    ada = next(row for row in rows if row[0] == "ada")
    assert ada[2] == "0" and ada[5] == "dropout" and ada[6].startswith("'=cmd")


def test_numbers_stay_numbers():
    from grader.export import csv_cell

    assert [csv_cell(x) for x in ("10", "0.5", "-1", "1e+06", "ada")] == [
        "10", "0.5", "-1", "1e+06", "ada",
    ]  # fmt: skip
    assert csv_cell("-1+cmd") == "'-1+cmd"


def _graded_in_part(assignment: str):
    """A real assignment graded with every other test failing (a call that raised), the rest
    returning the reference's own output: points split the way grading splits them."""
    from grader.display import exact
    from grader.model import CallOutcome, GradingResult
    from grader.oracle import load
    from grader.score import grade_function

    spec, oracle = load(assignment)
    functions = []
    for f in spec.functions:
        outcomes = {}
        for i, c in enumerate(f.cases):
            if i % 2:
                err = {"kind": "exception", "type": "ValueError", "message": "no", "traceback": []}
                outcomes[c.id] = CallOutcome(c.id, False, error=err, elapsed_s=0.25)
            else:
                value = oracle.expected(f, c)
                outcomes[c.id] = CallOutcome(c.id, True, value=value, elapsed_s=0.5)
        functions.append(grade_function(spec, oracle, f, list(f.cases), outcomes))
    return GradingResult(
        student="ada",
        assignment=assignment,
        status="graded",
        error=None,
        score=exact(sum(f.score for f in functions)),
        max_score=float(sum(f.points for f in spec.functions)),
        functions=tuple(functions),
        sandbox={},
        environment={},
    )


def test_gradescope_test_points_add_up_exactly_to_each_function_and_the_total():
    from decimal import Decimal

    from grader.oracle import available

    for assignment in sorted(available()):
        r = _graded_in_part(assignment)
        assert 0 < r.score < r.max_score
        data = json.loads(json.dumps(gradescope(r)), parse_float=Decimal)
        assert sum(t["score"] for t in data["tests"]) == data["score"], assignment
        for f in r.functions:
            shares = [Decimal(repr(t.max_points)) for t in f.tests]
            assert sum(shares) == Decimal(repr(f.max_score)), (assignment, f.name)
            assert all(s == s.quantize(Decimal("0.01")) for s in shares)


def test_junit_times_each_test_and_tells_errors_from_failures_and_skips():
    from dataclasses import replace

    from grader.model import TestResult

    r = _graded_in_part("dropout")
    f = r.functions[0]
    not_run = TestResult(
        "hidden-9", "hidden", False, 0.0, 1.0, "not run: earlier call hung", kind="not-run"
    )
    wrong = TestResult(
        "hidden-8", "hidden", False, 0.0, 1.0, "A3 differs", kind="value", elapsed_s=0.125
    )
    r = replace(r, functions=(replace(f, tests=(*f.tests, not_run, wrong)), *r.functions[1:]))
    root = ET.fromstring(junit([r]))
    cases = root.findall(".//testcase")
    assert cases and all(c.get("time") is not None for c in cases)
    raised = [c for c in cases if c.find("error") is not None]
    assert raised and all(c.get("time") == "0.250" for c in raised)
    assert all(c.find("error").get("type") == "exception" for c in raised)
    passed = [c for c in cases if len(c) == 0]
    assert passed and all(c.get("time") == "0.500" for c in passed)
    (skipped,) = [c for c in cases if c.find("skipped") is not None]
    assert skipped.get("name") == "hidden-9"
    (failed,) = [c for c in cases if c.find("failure") is not None]
    assert failed.get("name") == "hidden-8" and failed.get("time") == "0.125"
    assert root.get("skipped") == "1" and root.get("failures") == "1"
    assert root.get("errors") == str(len(raised))


def test_a_well_kept_junit_reader_reads_the_same_verdicts():
    """junitparser (as CI viewers read JUnit) sees each test's time and kind of result."""
    from dataclasses import replace

    import junitparser

    from grader.model import TestResult

    r = _graded_in_part("initialization")
    f = r.functions[0]
    not_run = TestResult("hidden-9", "hidden", False, 0.0, 1.0, "not run", kind="not-run")
    r = replace(r, functions=(replace(f, tests=(*f.tests, not_run)), *r.functions[1:]))
    xml = junitparser.JUnitXml.fromstring(junit([r, errored()]))
    kinds: dict[str, int] = {}
    for suite in xml:
        for case in suite:
            assert case.time is not None
            for res in case.result:
                kinds[type(res).__name__] = kinds.get(type(res).__name__, 0) + 1
    assert kinds["Error"] >= 2 and kinds["Skipped"] == 1
    n_tests = sum(len(f.tests) for f in r.functions) + 1
    assert sum(s.tests for s in xml) == n_tests


def test_gradescope_hidden_tests_carry_their_verdict_never_a_message():
    """A student's exception text on a hidden test could carry its inputs out (Gradescope shows
    hidden tests once grades are published): only the verdict and kind of difference go."""
    from dataclasses import replace

    r = result()
    f = r.functions[0]
    leak = "raised ValueError: X=[0.2906, 0.1] lambd=0.7"
    hidden = replace(f.tests[1], passed=False, points=0.0, message=leak, kind="exception")
    r = replace(r, functions=(replace(f, tests=(f.tests[0], hidden)),))
    tests = {t["name"].split(": ")[1]: t for t in gradescope(r)["tests"]}
    assert "0.2906" not in tests["hidden-1"]["output"]
    assert tests["hidden-1"]["output"].startswith("raised")  # its kind, in the page's words
    assert tests["public-1"]["output"].startswith(r.functions[0].tests[0].message)
