"""Loading: every kind of unreadable file gets one clear line; good notebooks keep their cells."""

import json

import pytest

from grader.errors import UnknownAssignment, UnreadableNotebook
from grader.load import load_submission

KNOWN = frozenset({"dropout", "regularization"})


def nb(cells, **meta):
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": meta, "cells": cells})


def code(src, tags=()):
    return {
        "cell_type": "code",
        "source": src,
        "metadata": {"tags": list(tags)},
        "outputs": [],
        "execution_count": None,
    }


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"", "not valid JSON"),
        (b'{"cells": [', "not valid JSON"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"[1, 2]", "not a Jupyter notebook"),
        (json.dumps({"nbformat": 3, "worksheets": [], "cells": []}).encode(), "nbformat 3"),
        (nb([]).encode(), "no code cells"),
        (b'{"cells": [], "x": ' + b"9" * 5000 + b"}", "not a notebook (Exceeds the limit"),
        (
            nb([{"cell_type": "markdown", "source": "only prose", "metadata": {}}]).encode(),
            "no code",
        ),
    ],
)
def test_unreadable_files_get_one_line(tmp_path, content, needle):
    p = tmp_path / "ada" / "dropout.ipynb"
    p.parent.mkdir()
    p.write_bytes(content)
    with pytest.raises(UnreadableNotebook) as err:
        load_submission(p, KNOWN)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_repeated_cell_ids_are_repaired_with_a_note_as_jupyter_does(tmp_path):
    p = tmp_path / "ada" / "dropout.ipynb"
    p.parent.mkdir()
    p.write_text(nb([dict(code("a = 1"), id="x1"), dict(code("b = 2"), id="x1")]))
    sub = load_submission(p, KNOWN)
    assert [c.source for c in sub.cells] == ["a = 1", "b = 2"]
    assert len(sub.notes) == 1 and "cell [2] repeats the cell id 'x1'" in sub.notes[0]


def test_assignment_from_metadata_else_from_the_stem(tmp_path):
    p = tmp_path / "bob" / "anything.ipynb"
    p.parent.mkdir()
    p.write_text(
        nb(
            [code(["x = ", "1"], ["graded"]), {"cell_type": "markdown", "source": "hi"}],
            grader={"assignment": "regularization"},
        )
    )
    sub = load_submission(p, KNOWN)
    assert (sub.student, sub.assignment) == ("bob", "regularization")
    assert sub.cells[0].source == "x = 1" and sub.cells[0].tags == ("graded",)
    assert len(sub.sha256) == 64
    q = tmp_path / "bob" / "dropout.ipynb"
    q.write_text(nb([code("x = 1")]))
    assert load_submission(q, KNOWN).assignment == "dropout"


def test_unknown_assignment(tmp_path):
    p = tmp_path / "x" / "homework.ipynb"
    p.parent.mkdir()
    p.write_text(nb([]))
    with pytest.raises(UnknownAssignment, match="unknown assignment 'homework'"):
        load_submission(p, KNOWN)


def test_a_json_error_is_a_whole_sentence(tmp_path):
    from grader.errors import UnreadableNotebook
    from grader.load import load_submission

    path = tmp_path / "ada" / "dropout.ipynb"
    path.parent.mkdir()
    path.write_bytes(b'{"cells": [], "nbformat": 4, "metadata": {"x": "open')
    with pytest.raises(UnreadableNotebook) as caught:
        load_submission(path, frozenset({"dropout"}))
    assert caught.value.message.endswith(
        "not valid JSON: unterminated string starting at line 1, column 48"
    )


def test_a_notebook_of_too_many_code_cells_is_refused_in_one_line(tmp_path):
    """Each cell runs and is recorded: tens of thousands of tiny printing cells would cost the
    grader gigabytes, so a notebook may hold MAX_CODE_CELLS."""
    from grader.load import MAX_CODE_CELLS

    p = tmp_path / "s" / "dropout.ipynb"
    p.parent.mkdir()
    p.write_text(nb([code("print('x' * 9000)") for _ in range(MAX_CODE_CELLS + 1)]))
    with pytest.raises(UnreadableNotebook, match="more than 1000 code cells"):
        load_submission(p, KNOWN)
    p.write_text(nb([code("x = 1") for _ in range(MAX_CODE_CELLS)]))
    assert len(load_submission(p, KNOWN).cells) == MAX_CODE_CELLS


def test_an_assignment_name_too_long_to_be_one_is_cut_where_it_is_named(tmp_path):
    """A 100,000-character assignment name is named in 64 characters and an ellipsis, never
    repeated whole in the progress line, grades.csv, the summary and the result."""
    p = tmp_path / "bob" / "dropout.ipynb"
    p.parent.mkdir()
    p.write_text(nb([code("x = 1")], grader={"assignment": "x" * 100_000}))
    with pytest.raises(UnknownAssignment) as err:
        load_submission(p, KNOWN)
    assert len(str(err.value)) < 400 and "x" * 64 + "…" in str(err.value)
