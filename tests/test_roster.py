"""The roster: the usual LMS exports, and every student on it in grades.csv and the summary."""

from __future__ import annotations

import csv

from notebooks import write

from grader.batch import grade_batch
from grader.roster import parse
from reference.solved import solved_notebook

CANVAS = """Student,ID,SIS User ID,SIS Login ID,Section,Dropout (123)
    Points Possible,,,,,20
"Smith, Jane",12345,S001,jsmith,Sec 1,
"Doe, John",23456,S002,jdoe,Sec 1,
"""
MOODLE = """First name,Surname,ID number,Institution,Department,Email address
Jane,Smith,S001,,,jane@uni.example
Zoë,Ångström,S003,,,zoe@uni.example
"""
BLACKBOARD = """Last Name,First Name,Username,Student ID,Last Access,Availability
Smith,Jane,jsmith,S001,2026-10-01,Yes
"""


def test_the_usual_exports_are_read_as_they_are():
    canvas = parse(CANVAS)
    assert [(m.id, m.name, m.lms_id) for m in canvas.members] == [
        ("jsmith", "Smith, Jane", "12345"),
        ("jdoe", "Doe, John", "23456"),
    ]
    moodle = parse(MOODLE)
    assert [(m.id, m.name, m.email) for m in moodle.members][1] == (
        "S003", "Zoë Ångström", "zoe@uni.example",
    )  # fmt: skip
    assert parse(BLACKBOARD).members[0].id == "jsmith"
    plain = parse("id,name\nada,Ada Lovelace\n")
    assert plain.ids == ("ada",)


def test_submissions_are_matched_by_lms_id_login_email_or_name():
    canvas = parse(CANVAS)
    assert canvas.match("smithjane", "12345").id == "jsmith"  # Canvas file: its user id
    assert canvas.match("doejohn").id == "jdoe"  # its sortable name
    assert canvas.match("JSMITH").id == "jsmith"
    moodle = parse(MOODLE)
    assert moodle.match("Zoe Angstrom").id == "S003"  # Moodle files carry the full name
    assert moodle.match("zoe").id == "S003"  # the email's local part
    assert moodle.match("nobody") is None


def test_a_student_who_handed_in_nothing_is_in_grades_csv_and_the_summary(tmp_path):
    src = tmp_path / "class"
    write(solved_notebook("dropout"), src, "ada", "dropout")
    write(solved_notebook("regularization"), src, "ada", "regularization")
    write(solved_notebook("dropout"), src, "bob", "dropout")
    write(solved_notebook("dropout"), src, "eve", "dropout")  # not on the roster
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("id,name\nada,Ada\nbob,Bob\ncy,Cy\n")
    out = tmp_path / "out"
    from grader.roster import read

    report = grade_batch(paths=[src], out=out, workers=1, roster=read(roster_file))
    assert report.unlisted == ("eve",)
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert list(rows) == ["ada", "bob", "cy", "eve"]  # the roster's order, then the others
    assert rows["cy"] == {
        "student": "cy", "name": "Cy", "dropout": "0", "regularization": "0", "total": "0",
        "max_total": "40", "missing": "dropout; regularization", "errors": "",
    }  # fmt: skip
    # bob skipped an assignment: the course's total, not just what he handed in
    assert rows["bob"]["total"] == "20" and rows["bob"]["max_total"] == "40"
    assert rows["bob"]["missing"] == "regularization"
    page = (out / "summary.html").read_text()
    assert 'id="missing"' in page and "4 assignments not handed in" in page
    help_section = page.split('id="help"')[1].split('id="missing"')[0]
    assert "<td>cy</td><td>0 / 40 (0%)" in help_section  # handed in nothing: not invisible
    assert {(m.student, m.assignment) for m in report.missing} == {
        ("bob", "regularization"), ("cy", "dropout"), ("cy", "regularization"),
        ("eve", "regularization"),
    }  # fmt: skip


def test_without_a_roster_the_students_found_are_the_class(tmp_path):
    src = tmp_path / "class"
    write(solved_notebook("dropout"), src, "ada", "dropout")
    write(solved_notebook("regularization"), src, "bob", "regularization")
    out = tmp_path / "out"
    grade_batch(paths=[src], out=out, workers=1)
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert rows["ada"]["missing"] == "regularization" and rows["ada"]["max_total"] == "40"
