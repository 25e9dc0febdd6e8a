"""Student ids as file names: collision-free, reversible, safe; the batch's own names refused."""

from __future__ import annotations

import csv
import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from notebooks import write

from grader.batch import grade_batch
from grader.names import RESERVED, decode, encode, reserved
from reference.solved import solved_notebook


@given(st.text(max_size=60))
def test_a_name_decodes_back_to_its_id_and_stays_inside_its_folder(text):
    name = encode(text)
    if "~~" not in name:  # a very long id is cut and hashed (its JSON keeps it)
        assert decode(name) == text
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert name == name.lower()  # the same on a case-insensitive file system
    assert len(name.encode()) <= 255


@given(st.text(max_size=20), st.text(max_size=20))
def test_two_ids_never_share_a_name(a, b):
    assert (encode(a) == encode(b)) == (a == b)


def test_the_names_that_used_to_collide_or_escape():
    nfc, nfd = unicodedata.normalize("NFC", "zoë"), unicodedata.normalize("NFD", "zoë")
    names = {encode(s) for s in (nfc, nfd, "Ada", "ada", "..", "a/b", "a_b", "", "nul")}
    assert len(names) == 9
    assert encode("ada") == "ada" and encode("smith-jane.2") == "smith-jane.2"
    assert encode("..") == "~2e." and encode("a/b") == "a~2fb"
    long = "é" * 300
    assert len(encode(long)) < 200 and encode(long) != encode(long[:-1])


def test_zoe_zoe_and_zoe_keep_separate_results(tmp_path):
    src = tmp_path / "class"
    nfc, nfd = unicodedata.normalize("NFC", "zoë"), unicodedata.normalize("NFD", "zoë")
    ids = {nfc, nfd, "zoé"}  # one file for all three before (zo_ stripped to zo)
    for student in ids:
        write(solved_notebook("dropout"), src, student, "dropout")
    out = tmp_path / "out"
    report = grade_batch(paths=[src], out=out, workers=1)
    assert sorted(r.student for r in report.graded) == sorted(ids)
    files = sorted(out.glob("*/dropout.json"))
    assert len(files) == 3
    assert {json.loads(p.read_text())["student"] for p in files} == ids
    assert {decode(p.parent.name) for p in files} == ids


def test_reserved_names_are_refused_with_a_line_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "class"
    for student in ("grades.csv", "gradebook.sqlite", "summary.html", "junit.xml",
                    "gradescope", "ada"):  # fmt: skip
        write(solved_notebook("dropout"), src, student, "dropout")
    out = tmp_path / "out"
    report = grade_batch(paths=[src], out=out, workers=1)
    assert [r.student for r in report.graded] == ["ada"]
    assert len(report.refused) == 5
    assert all("the name of one of the batch's own files" in line for line in report.refused)
    assert (out / "grades.csv").is_file() and (out / "summary.html").is_file()
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert [r["student"] for r in rows] == ["ada"]
    # and a second run still works (it used to exit 2 on every run)
    again = grade_batch(paths=[src], out=out, workers=1)
    assert again.skipped == 1 and len(again.refused) == 5
    # Uppercase is escaped, so a Windows or macOS folder "Grades.csv" is no clash.
    assert not reserved("Grades.csv")


def test_a_batch_writes_nothing_at_its_top_but_students_and_reserved_names(tmp_path):
    src = tmp_path / "class"
    write(solved_notebook("dropout"), src, "ada", "dropout")
    out = tmp_path / "out"
    grade_batch(paths=[src], out=out, workers=1)
    top = {p.name for p in out.iterdir()} - {"ada"}
    assert top <= RESERVED, top - RESERVED
