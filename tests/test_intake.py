"""Intake: each layout a class arrives in gives the right students and assignments."""

from __future__ import annotations

import csv
import json
import os
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader import intake
from grader.batch import grade_batch
from grader.errors import UsageError
from grader.oracle import available
from reference.solved import solved_notebook


def text(assignment: str, *, metadata: bool = True) -> str:
    nb = solved_notebook(assignment)
    if not metadata:
        nb.metadata.pop("grader", None)
    return nbformat.writes(nb)


def put(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def zipped(path: Path, members: dict[str, str | bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return path


def decided(paths: list[Path], **kw) -> set[tuple[str, str, str]]:
    """(student, assignment, source's tail) of everything found."""
    out = set()
    for f in intake.find(paths, **kw):
        raw = intake.read_or_none(f)
        assignment, _ = intake.assignment_for(f, raw, available())
        out.add((f.student, assignment, f.source.rsplit("/", 1)[-1]))
    return out


def test_the_contract_layout(tmp_path):
    put(tmp_path / "c" / "ada" / "dropout.ipynb", text("dropout"))
    put(tmp_path / "c" / "s1" / "bob" / "regularization.ipynb", text("regularization"))
    assert decided([tmp_path / "c"]) == {
        ("ada", "dropout", "dropout.ipynb"),
        ("bob", "regularization", "regularization.ipynb"),
    }


def test_a_flat_canvas_export_including_late_and_resubmitted_files(tmp_path):
    root = tmp_path / "canvas"
    put(root / "smithjane_12345_678_dropout.ipynb", text("dropout", metadata=False))
    put(root / "smithjane_LATE_12345_679_dropout-1.ipynb", text("dropout", metadata=False))
    put(root / "doejohn_23456_680_regularization.ipynb", text("regularization"))
    found = list(intake.find([root]))
    assert {(f.student, f.lms_id, f.stem) for f in found} == {
        ("smithjane", "12345", "dropout"),
        ("doejohn", "23456", "regularization"),
    }
    jane = [f for f in found if f.student == "smithjane"]
    kept, older = intake.newest(jane)
    assert kept.source.endswith("dropout-1.ipynb") and kept.late and len(older) == 1


def test_moodle_and_blackboard_exports(tmp_path):
    put(tmp_path / "m" / "Jane Smith_4401_assignsubmission_file_dropout.ipynb", text("dropout"))
    put(tmp_path / "m" / "Bo Li_4402_assignsubmission_file_" / "Dropout.ipynb", text("dropout"))
    put(
        tmp_path / "b" / "Dropout HW_jsmith_attempt_2026-10-01-12-30-45_dropout.ipynb",
        text("dropout"),
    )
    assert decided([tmp_path / "m", tmp_path / "b"]) == {
        ("Jane Smith", "dropout", "Jane Smith_4401_assignsubmission_file_dropout.ipynb"),
        ("Bo Li", "dropout", "Dropout.ipynb"),
        ("jsmith", "dropout", "Dropout HW_jsmith_attempt_2026-10-01-12-30-45_dropout.ipynb"),
    }


def test_a_platform_pattern_of_ones_own(tmp_path):
    put(tmp_path / "x" / "hw3--ada--dropout.ipynb", text("dropout"))
    custom = intake.pattern(r"hw\d+--(?P<student>[^-]+)--(?P<file>.+)")
    assert decided([tmp_path / "x"], patterns=[custom]) == {
        ("ada", "dropout", "hw3--ada--dropout.ipynb")
    }
    with pytest.raises(UsageError, match="named groups"):
        intake.pattern(r"(?P<who>.+)")


def test_per_student_zips_and_zips_inside_student_folders(tmp_path):
    root = tmp_path / "class"
    zipped(root / "alice.zip", {"dropout.ipynb": text("dropout")})
    zipped(root / "bob" / "work.zip", {"hw/regularization.ipynb": text("regularization")})
    zipped(root / "smithjane_12345_678_all.zip", {"dropout.ipynb": text("dropout")})
    found = {f.student: f for f in intake.find([root])}
    assert set(found) == {"alice", "bob", "smithjane"}
    assert found["alice"].source == f"{root}/alice.zip!dropout.ipynb"
    assert found["bob"].source == f"{root}/bob/work.zip!hw/regularization.ipynb"
    assert json.loads(intake.read(found["bob"]))["metadata"]["grader"]["assignment"]
    # a class zip given on the command line: students from its folders, zips inside it too
    outer = zipped(
        tmp_path / "class.zip",
        {
            "ada/dropout.ipynb": text("dropout"),
            "cy.zip": (root / "alice.zip").read_bytes(),
        },
    )
    assert {(f.student, f.source.split("!", 1)[1]) for f in intake.find([outer])} == {
        ("ada", "ada/dropout.ipynb"),
        ("cy", "cy.zip!dropout.ipynb"),
    }


def test_without_metadata_the_notebook_s_functions_name_the_assignment(tmp_path):
    put(tmp_path / "c" / "ada" / "Dropout (1).ipynb", text("dropout", metadata=False))
    put(tmp_path / "c" / "bob" / "my work.ipynb", text("gradient_checking", metadata=False))
    put(tmp_path / "c" / "cy" / "notes.ipynb", json.dumps({"cells": [], "nbformat": 4}))
    assert decided([tmp_path / "c"]) == {
        ("ada", "dropout", "Dropout (1).ipynb"),
        ("bob", "gradient_checking", "my work.ipynb"),
        ("cy", "notes", "notes.ipynb"),  # nothing to go on: graded as unknown, an error entry
    }


def test_a_batch_in_every_layout_keeps_the_newest_and_survives_a_broken_zip(tmp_path):
    root = tmp_path / "class"
    put(root / "smithjane_12345_678_dropout.ipynb", nbformat.writes(nbformat.v4.new_notebook()))
    put(root / "smithjane_12345_679_dropout-1.ipynb", text("dropout", metadata=False))
    zipped(root / "alice.zip", {"dropout.ipynb": text("dropout")})
    put(root / "broken.zip", b"PK\x03\x04 not really a zip")
    put(root / "bob" / "Dropout (1).ipynb", text("dropout", metadata=False))
    out = tmp_path / "out"
    report = grade_batch(paths=[root], out=out, workers=1)
    got = {(r.student, r.assignment): r for r in report.graded}
    assert got[("smithjane", "dropout")].score == 20.0
    assert got[("alice", "dropout")].score == 20.0
    assert got[("bob", "dropout")].score == 20.0
    assert got[("broken", "")].error["kind"] == "unreadable-archive"
    assert any("kept" in d and "dropout-1.ipynb" in d for d in report.duplicates)
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert set(rows) == {"smithjane", "alice", "bob", "broken"}
    assert "unreadable-archive" in rows["broken"]["errors"]
    assert [k for k in rows["alice"] if k not in ("student", "total", "max_total", "missing",
                                                  "errors")] == ["dropout"]  # fmt: skip
    # the gradebook names the place the instructor gave, inside the zip too
    import sqlite3

    db = sqlite3.connect(out / "gradebook.sqlite")
    sources = dict(db.execute("SELECT student, source FROM results WHERE current=1"))
    assert sources["alice"] == f"{root}/alice.zip!dropout.ipynb"
    assert sources["smithjane"].endswith("smithjane_12345_679_dropout-1.ipynb")
    # the zip fixed: its error row goes
    zipped(root / "broken.zip", {"dropout.ipynb": text("dropout")})
    grade_batch(paths=[root], out=out, workers=1)
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert rows["broken"]["dropout"] == "20" and rows["broken"]["errors"] == ""


def test_an_empty_input_says_so_and_exits_2(tmp_path):
    from click.testing import CliRunner

    from grader.cli import cli

    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="nothing to grade"):
        grade_batch(paths=[tmp_path / "empty"], out=tmp_path / "out")
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(tmp_path / "empty"), "--out",
         str(tmp_path / "out")], capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 2 and "nothing to grade" in r.stderr and "Traceback" not in r.stderr
    del CliRunner, cli


def test_a_folder_name_that_is_not_utf8_is_graded_under_a_readable_id(tmp_path):
    root = tmp_path / "class"
    folder = os.fsencode(root) + b"/caf\xe9"
    os.makedirs(folder)
    put(Path(os.fsdecode(folder)) / "dropout.ipynb", text("dropout"))
    report = grade_batch(paths=[root], out=tmp_path / "out", workers=1)
    assert [r.student for r in report.graded] == ["caf\\xe9"]
    assert report.graded[0].score == 20.0
