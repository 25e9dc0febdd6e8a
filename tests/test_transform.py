"""Cells as Python: transformed on the grader's side within a bound of work, in the sandbox
past it."""

from __future__ import annotations

import pytest

from grader import transform
from grader.transform import PER_CELL, PER_SUBMISSION, Budget, to_python


def test_plain_cells_pass_through_with_a_final_newline():
    assert to_python("x = 1", Budget()) == transform.Cell("x = 1\n")


def test_magics_and_shell_escapes_become_calls_to_the_shell():
    cell = to_python("%matplotlib inline\n!ls\nfiles = !ls", Budget())
    assert not cell.transform
    assert "get_ipython().run_line_magic('matplotlib', 'inline')" in cell.source
    assert "get_ipython().system('ls')" in cell.source
    assert "files = get_ipython().getoutput('ls')" in cell.source
    compile(cell.source, "<cell>", "exec")


def test_a_cell_the_transformer_cannot_read_is_left_to_fail_as_python():
    cell = to_python('x = """never closed\n%magic', Budget())
    assert cell.source.startswith('x = """never closed')


def test_each_short_text_is_transformed_once():
    transform._memoised.cache_clear()
    for _ in range(3):
        to_python("%time x = 1", Budget())
    assert transform._memoised.cache_info().misses == 1


@pytest.fixture
def no_transformer(monkeypatch):
    """The transformer must not run on the grader's side."""

    def refuse():
        raise AssertionError("the grader ran the transformer on a costly cell")

    monkeypatch.setattr(transform, "_transformer", refuse)


@pytest.mark.parametrize(
    "text",
    [
        "# ?\n" + "x, " * 2_000_000,  # 6 MB with one `?`: 1.9 GB in the transformer
        "\n".join([f"!a{i}" for i in range(400)] + ["x = 1"] * 8000),  # 400 passes over 43 KB
    ],
    ids=["huge-with-one-question-mark", "many-escapes"],
)
def test_a_cell_too_costly_for_the_grader_is_left_to_the_sandbox(no_transformer, text):
    """The transformer tokenizes the whole cell after each escape: a student's cell must not
    hold the grading process (it is transformed in the sandbox, under the cell's limits)."""
    assert len(text) * (1 + transform.escapes(text)) > PER_CELL
    cell = to_python(text, Budget())
    assert cell == transform.Cell(text, transform=True)


def test_the_grader_s_work_is_bounded_over_a_submission():
    """Many cells under the per-cell bound: past the submission's bound, the rest go to the
    sandbox."""
    budget = Budget(left=PER_SUBMISSION)
    cell = "%time x = 1\n" * 10  # 120 characters, 11 passes
    cost = len(cell) * (1 + transform.escapes(cell))
    assert cost <= PER_CELL
    sent = [to_python(cell + f"# {i}\n", budget) for i in range(2 * PER_SUBMISSION // cost)]
    assert budget.left < cost
    assert sent[-1].transform and not sent[0].transform
