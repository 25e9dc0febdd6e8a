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
from grader.errors import UnreadableNotebook, UsageError
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


# --- names a student controls never decide another student's work (red-team F1) ---------------


def handout(assignment: str) -> str:
    """The untouched handout: a notebook worth 0 points, with the course metadata."""
    from coursekit.notebooks import build_notebook

    return nbformat.writes(build_notebook(assignment))


def aged(path: Path, when: float) -> Path:
    os.utime(path, (when, when))
    return path


def test_a_platform_name_inside_a_student_s_folder_or_zip_credits_no_one_else(tmp_path):
    # the red team's make_impersonation.py, its three layouts
    folder = tmp_path / "folder" / "class"
    aged(put(folder / "bob" / "dropout.ipynb", text("dropout")), 1e9)
    aged(put(folder / "alice" / "dropout.ipynb", text("dropout")), 1e9)
    put(folder / "alice" / "x_bob_attempt_2099-01-01-00-00-00_dropout.ipynb", handout("dropout"))
    canvas = tmp_path / "canvas" / "export"
    put(canvas / "smithbob_333_444_dropout.ipynb", text("dropout"))
    zipped(
        canvas / "jonesalice_111_222_work.zip",
        {
            "jonesalice_111_222_dropout.ipynb": text("dropout"),
            "Dropout_smithbob_attempt_2030-01-01-00-00-00_dropout.ipynb": handout("dropout"),
        },
    )
    board = tmp_path / "blackboard" / "export"
    put(board / "Dropout_bbob_attempt_2026-11-30-09-00-00_dropout.ipynb", text("dropout"))
    put(board / "Dropout_balice_attempt_2026-11-30-10-00-00_dropout.ipynb", text("dropout"))
    put(
        board / "Dropout_balice_attempt_2026-11-30-10-05-00_x_bbob_attempt_2026-12-01-10-00-00"
        "_dropout.ipynb",
        handout("dropout"),
    )
    whose = {f.source.rsplit("/", 1)[-1]: f.student for f in intake.find([folder, canvas, board])}
    assert whose["x_bob_attempt_2099-01-01-00-00-00_dropout.ipynb"] == "alice"
    assert (
        whose[
            "jonesalice_111_222_work.zip!Dropout_smithbob_attempt_2030-01-01-00-00-00_dropout.ipynb"
        ]
        == "jonesalice"
    )
    assert (
        whose[
            "Dropout_balice_attempt_2026-11-30-10-05-00_x_bbob_attempt_2026-12-01-10-00-00"
            "_dropout.ipynb"
        ]
        == "balice"
    )
    report = grade_batch(paths=[folder, canvas, board], out=tmp_path / "out", workers=1)
    scores = {r.student: r.score for r in report.graded}
    assert scores["bob"] == scores["smithbob"] == scores["bbob"] == 20.0
    assert not any("bob/" in d for d in report.duplicates), report.duplicates


def test_the_blackboard_pattern_takes_the_first_attempt_and_leaves_the_rest_to_the_file():
    name = "Dropout HW_jsmith_attempt_2026-10-01-12-30-45_x_bob_attempt_2099-01-01-00-00-00_d.ipynb"
    (board,) = [p for p in intake.PATTERNS if p.platform == "blackboard"]
    m = board.regex.fullmatch(name)
    assert m and m["student"] == "jsmith" and m["attempt"] == "2026-10-01-12-30-45"
    assert m["file"] == "x_bob_attempt_2099-01-01-00-00-00_d.ipynb"
    assert board.regex.fullmatch("Dropout HW_jsmith_attempt_2026-10-01-12-30-45_d.ipynb")["file"]


def test_a_folder_inside_another_student_s_never_sets_aside_the_student_s_own_work(tmp_path):
    root = tmp_path / "class"
    aged(put(root / "bob" / "dropout.ipynb", text("dropout")), 1e9)
    put(root / "alice" / "bob" / "dropout.ipynb", handout("dropout"))  # newer
    put(root / "alice" / "bob" / "dropout-9.ipynb", handout("dropout"))
    # sections: <class>/<section>/<student>/ is the contract's layout; two of them both naming
    # carol cannot be told apart, so neither is graded and the result says why
    put(root / "s1" / "carol" / "dropout.ipynb", text("dropout"))
    put(root / "s2" / "carol" / "dropout.ipynb", handout("dropout"))
    put(root / "s1" / "dan" / "dropout.ipynb", text("dropout"))
    report = grade_batch(paths=[root], out=tmp_path / "out", workers=1)
    got = {r.student: r for r in report.graded}
    assert got["bob"].score == 20.0 and got["bob"].path == f"{root}/bob/dropout.ipynb"
    assert got["dan"].score == 20.0  # one section naming a student: graded as the contract says
    assert got["carol"].error and got["carol"].error["kind"] == "error"
    assert "2 folders each credit" in got["carol"].error["message"]
    assert any(line.startswith("bob/dropout: ") and "alice/bob/dropout.ipynb" in line
               for line in report.refused)  # fmt: skip
    assert any(line.startswith("carol/dropout: ") for line in report.refused)
    assert not report.credited  # s1 and s2 are no students
    (root / "s2" / "carol" / "dropout.ipynb").unlink()  # settled: the error row goes
    grade_batch(paths=[root], out=tmp_path / "out", workers=1)
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "out" / "grades.csv").open())}
    assert rows["carol"]["dropout"] == "20" and rows["carol"]["errors"] == ""
    found = {f.source.split("class/", 1)[1]: f for f in intake.find([root])}
    assert found["alice/bob/dropout.ipynb"].student == "bob"  # the contract's parent folder
    assert found["alice/bob/dropout.ipynb"].claimed_in == f"{root}/alice"
    assert found["bob/dropout.ipynb"].claimed_in == ""
    settled = intake.settle([f for f in found.values() if f.student == "bob"])
    assert settled.kept is found["bob/dropout.ipynb"] and not settled.older
    assert len(settled.refused) == 2 and "not graded" in settled.why
    with pytest.raises(ValueError):
        intake.newest([found["bob/dropout.ipynb"], found["alice/bob/dropout.ipynb"]])
    with pytest.raises(ValueError):
        intake.newest([found["bob/dropout.ipynb"], found["s1/dan/dropout.ipynb"]])


def test_resubmissions_compare_one_student_s_own_notebooks_only(tmp_path):
    root = tmp_path / "class"
    zipped(root / "alice.zip", {"smithbob_1_2_dropout-9.ipynb": handout("dropout")})
    put(root / "smithbob_3_4_dropout.ipynb", text("dropout"))
    zipped(root / "bob" / "work.zip", {"ada/dropout.ipynb": text("dropout")})
    found = list(intake.find([root]))
    assert {(f.student, f.source.split("class/", 1)[1]) for f in found} == {
        ("alice", "alice.zip!smithbob_1_2_dropout-9.ipynb"),
        ("smithbob", "smithbob_3_4_dropout.ipynb"),
        ("bob", "bob/work.zip!ada/dropout.ipynb"),  # a student's zip: its folders name no one
    }
    with pytest.raises(ValueError):
        intake.newest(found)


# --- symbolic links are refused, never followed (red-team F5) ----------------------------------


def test_a_linked_notebook_or_zip_is_refused_and_never_read(tmp_path):
    root = tmp_path / "class"
    put(root / "bob" / "dropout.ipynb", text("dropout"))
    outside = put(tmp_path / "elsewhere" / "dropout.ipynb", text("dropout"))
    elsewhere_zip = zipped(tmp_path / "elsewhere" / "work.zip", {"dropout.ipynb": text("dropout")})
    (root / "alice").mkdir()
    (root / "alice" / "dropout.ipynb").symlink_to("../bob/dropout.ipynb")  # inside the class
    (root / "carol").mkdir()
    (root / "carol" / "dropout.ipynb").symlink_to(outside)  # a host file
    (root / "dave.zip").symlink_to(elsewhere_zip)
    (root / "erin").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found = {f.student: f for f in intake.find([root])}
    assert set(found) == {"bob", "alice", "carol", "dave"}  # a linked folder is not searched
    for student in ("alice", "carol"):
        with pytest.raises(UnreadableNotebook, match="symbolic link"):
            intake.read(found[student])
    assert "symbolic link" in found["dave"].problem
    report = grade_batch(paths=[root], out=tmp_path / "out", workers=1)
    got = {r.student: r for r in report.graded}
    assert got["bob"].score == 20.0
    for student, kind in (("alice", "unreadable-notebook"), ("carol", "unreadable-notebook"),
                          ("dave", "unreadable-archive")):  # fmt: skip
        assert got[student].score == 0 and got[student].error, student
        assert got[student].error["kind"] == kind
        assert "symbolic link" in got[student].error["message"]


def test_read_notebook_refuses_a_link_only_when_asked(tmp_path):
    from grader.load import read_notebook

    real = put(tmp_path / "real.ipynb", text("dropout"))
    link = tmp_path / "link.ipynb"
    link.symlink_to(real)
    assert read_notebook(link) == real.read_bytes()  # `grader check link.ipynb`: one's own file
    with pytest.raises(UnreadableNotebook, match="symbolic link"):
        read_notebook(link, follow_links=False)
    assert read_notebook(real, follow_links=False) == real.read_bytes()
    os.mkfifo(tmp_path / "pipe.ipynb")
    with pytest.raises(UnreadableNotebook, match="not a regular file"):
        read_notebook(tmp_path / "pipe.ipynb", follow_links=False)


def test_a_notebook_swapped_for_a_link_after_planning_is_refused_when_graded(tmp_path):
    from grader.batch import _jobs
    from grader.model import Limits
    from grader.runners import Job

    root = tmp_path / "class"
    notebook = put(root / "alice" / "dropout.ipynb", text("dropout"))
    outside = put(tmp_path / "elsewhere.ipynb", text("dropout"))
    (found,) = intake.find([root])
    job = Job(found.source, "alice", "dropout", "x", None, frozenset(), Limits())
    notebook.unlink()
    notebook.symlink_to(outside)
    (ready,) = _jobs([job], {found.source: found})
    assert ready.raw is None and "symbolic link" in ready.problem and ready.sha256 != "x"


def test_work_credited_from_inside_another_student_s_folder_is_graded_and_flagged(tmp_path):
    root = tmp_path / "class"
    put(root / "alice" / "dropout.ipynb", text("dropout"))
    put(root / "alice" / "bob" / "regularization.ipynb", handout("regularization"))
    put(root / "alice" / "alice" / "gradient_checking.ipynb", text("gradient_checking"))
    found = {f.source.split("class/", 1)[1]: f for f in intake.find([root])}
    assert found["alice/alice/gradient_checking.ipynb"].claimed_in == ""  # her own, twice over
    report = grade_batch(paths=[root], out=tmp_path / "out", workers=1)
    assert {(r.student, r.assignment) for r in report.graded} == {
        ("alice", "dropout"),
        ("alice", "gradient_checking"),
        ("bob", "regularization"),
    }
    assert report.credited == (
        f"bob/regularization: {root}/alice/bob/regularization.ipynb is inside the folder of "
        "'alice', another student; graded as the work of 'bob' (the folder it is in): check it is",
    )


def _spoiled(path: Path, how: str) -> Path:
    """A zip of one solved notebook whose member cannot be read: `encrypted` (the flag set: a
    password is asked for), `corrupt` (deflate data overwritten) or `method` (compression method
    99, which zipfile does not have)."""
    method = zipfile.ZIP_DEFLATED if how == "corrupt" else zipfile.ZIP_STORED
    with zipfile.ZipFile(put(path, b""), "w", method) as zf:
        zf.writestr("dropout.ipynb", text("dropout"))
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    if how == "encrypted":
        data[6] |= 1
        data[central + 8] |= 1
    elif how == "method":
        data[8:10] = data[central + 10 : central + 12] = (99).to_bytes(2, "little")
    else:
        start = 30 + len("dropout.ipynb")
        data[start + 10 : start + 60] = bytes(b ^ 0xFF for b in data[start + 10 : start + 60])
    path.write_bytes(bytes(data))
    return path


def test_a_zip_whose_member_cannot_be_read_costs_its_student_and_never_the_batch(tmp_path):
    """An encrypted member, corrupt compressed data, a compression method zipfile lacks: each
    is that student's notebook, unreadable, said in one line; the class is graded."""
    root = tmp_path / "class"
    put(root / "ada" / "dropout.ipynb", text("dropout"))
    for how in ("encrypted", "corrupt", "method"):
        found = next(intake.find([_spoiled(tmp_path / f"{how}.zip", how)]))
        with pytest.raises(UnreadableNotebook) as err:
            intake.read(found)
        assert "\n" not in err.value.message
        _spoiled(root / f"bob-{how}.zip", how)
    report = grade_batch(paths=[root], out=tmp_path / "out", workers=1)
    got = {r.student: r for r in report.graded}
    assert got["ada"].score == 20.0
    for how in ("encrypted", "corrupt", "method"):
        assert got[f"bob-{how}"].error["kind"] == "unreadable-notebook", how
    rows = {r["student"] for r in csv.DictReader((tmp_path / "out" / "grades.csv").open())}
    assert rows == {"ada", "bob-encrypted", "bob-corrupt", "bob-method"}


def test_a_zip_s_notebooks_are_read_with_one_reading_of_its_directory(tmp_path, monkeypatch):
    """Reading each of a zip's notebooks opens the zip once, and a zip inside it is decompressed
    once (each anew, a 460 KB zip of 4,000 notebooks took 87 s to plan); a zip changed since is
    read anew, and a forgotten one is closed."""
    notebook = text("dropout")
    inner = tmp_path / "inner.zip"
    zipped(inner, {f"s{i}/dropout.ipynb": notebook for i in range(20)})
    outer = zipped(tmp_path / "class.zip", {
        **{f"t{i}/dropout.ipynb": notebook for i in range(20)},
        "more.zip": inner.read_bytes(),
    })  # fmt: skip
    opened: list[object] = []
    real = zipfile.ZipFile

    class Counting(real):  # type: ignore[misc,valid-type]
        def __init__(self, file, *args, **kwargs):
            opened.append(file)
            super().__init__(file, *args, **kwargs)

    found = list(intake.find([outer]))
    assert len(found) == 40
    intake.forget()
    monkeypatch.setattr(zipfile, "ZipFile", Counting)
    assert all(intake.read(f) == notebook.encode() for f in found)
    assert len(opened) == 2  # the class's zip, and the zip inside it once
    os.utime(outer, ns=(1, 1))  # changed since: read anew
    direct = next(f for f in found if len(f.members) == 1)
    assert intake.read(direct) == notebook.encode() and len(opened) == 3
    kept = list(intake._OPEN.values())
    intake.forget()
    assert intake._OPEN == {} and all(zf.fp is None for zf in kept)
