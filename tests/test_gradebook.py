"""The SQLite gradebook: a real file, keyed by student, assignment and content hash."""

from __future__ import annotations

import sqlite3

import pytest
from results import errored, result

from grader.gradebook import Gradebook, GradebookError, Key, key_of


def test_a_recorded_result_reads_back_equal(tmp_path):
    path = tmp_path / "gb.sqlite"
    r = result()
    with Gradebook(path) as book:
        book.record(r, "class/ada/dropout.ipynb")
    with Gradebook(path) as book:  # a new connection: it was committed, not cached
        assert list(book.current()) == [r]
        assert book.has(key_of(r))
        assert not book.has(Key("ada", "dropout", "c" * 64))


def test_the_file_is_sqlite_in_wal_mode(tmp_path):
    path = tmp_path / "gb.sqlite"
    with Gradebook(path) as book:
        book.record(result(), "x")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = db.execute("SELECT student, assignment, sha256, status, score FROM results").fetchall()
    assert rows == [("ada", "dropout", "a" * 64, "graded", 10.0)]


def test_a_new_version_becomes_current_and_the_old_one_is_kept(tmp_path):
    with Gradebook(tmp_path / "gb.sqlite") as book:
        old, new = result(sha="1" * 64, score=5.0), result(sha="2" * 64, score=15.0)
        book.record(old, "x")
        book.record(new, "x")
        assert [r.score for r in book.current()] == [15.0]
        assert book.count() == 2
        book.make_current(key_of(old))  # the student went back to the earlier notebook
        assert [r.score for r in book.current()] == [5.0]


def test_a_regrade_replaces_the_row_instead_of_adding_one(tmp_path):
    with Gradebook(tmp_path / "gb.sqlite") as book:
        book.record(result(score=5.0), "x")
        book.record(result(score=7.0), "x")
        assert book.count() == 1
        assert [r.score for r in book.current()] == [7.0]


def test_current_results_come_sorted_by_student_and_assignment(tmp_path):
    with Gradebook(tmp_path / "gb.sqlite") as book:
        book.record(errored("zoe"), "x")
        book.record(result("ada", "regularization"), "x")
        book.record(result("ada", "dropout"), "x")
        assert [(r.student, r.assignment) for r in book.current()] == [
            ("ada", "dropout"),
            ("ada", "regularization"),
            ("zoe", "dropout"),
        ]


def test_a_file_that_is_not_a_gradebook_is_a_clear_error(tmp_path):
    path = tmp_path / "gb.sqlite"
    path.write_text("these are my notes, not a database")
    with pytest.raises(GradebookError, match="not a usable gradebook"):
        Gradebook(path)


def test_a_newer_schema_is_refused_rather_than_misread(tmp_path):
    path = tmp_path / "gb.sqlite"
    Gradebook(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99' WHERE key='schema'")
    db.commit()
    db.close()
    with pytest.raises(GradebookError, match="schema 99"):
        Gradebook(path)
