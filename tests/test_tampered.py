"""Forged records never crash a runner: `grade -j 1`, `check` and `ci` each give every forging
notebook of tests/hostile/tampered an honest `tampered` result and go on to the next notebook."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from reference.solved import solved_notebook
from tests.notebooks import write
from tests.test_hostile import CORPUS, notebook, parse

pytestmark = pytest.mark.slow

CASES = [parse(p) for p in sorted((CORPUS / "tampered").glob("*.py"))]
LIMITS = ("--timeout", "20", "--call-timeout", "3")


def grader(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    for case in CASES:
        path = folder / case.name / f"{case.assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(notebook(case, {}), path)
    # Graded after every forger (students are taken in order): it must still get full marks.
    write(solved_notebook("dropout"), folder, "zz-ada", "dropout")
    return folder


def test_grade_with_one_worker_gives_each_forger_tampered_and_grades_the_rest(klass, tmp_path):
    out = tmp_path / "out"
    r = grader("grade", klass, "--out", out, "--workers", "1", "--progress", "none", *LIMITS)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    for case in CASES:
        result = json.loads((out / case.name / f"{case.assignment}.json").read_text())
        assert result["status"] == "error" and result["error"]["kind"] == "tampered", case.name
        assert case.expect in result["error"]["message"], result["error"]
        assert "forged-layer" not in result["sandbox"]["layers"]
    ada = json.loads((out / "zz-ada" / "dropout.json").read_text())
    assert ada["status"] == "graded" and ada["score"] == ada["max_score"]
    summary = (out / "summary.html").read_text()
    assert "tampered" in summary


def test_check_answers_one_line_for_a_forger_and_does_not_die(klass):
    for case in CASES:
        r = grader("check", klass / case.name / f"{case.assignment}.ipynb", *LIMITS)
        assert r.returncode == 1, (case.name, r.returncode, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
        assert "could not accept" in r.stdout + r.stderr, case.name


def test_ci_reports_every_notebook_of_a_class_with_forgers(klass, tmp_path):
    junit = tmp_path / "junit.xml"
    r = grader("ci", klass, "--junit", junit, *LIMITS)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    text = junit.read_text()
    for case in CASES:
        assert case.name in text
    assert "zz-ada" in text
