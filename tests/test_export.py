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
