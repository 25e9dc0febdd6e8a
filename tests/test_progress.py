"""Progress: a bar on a terminal, plain lines in logs; student text never becomes markup."""

from __future__ import annotations

import io

from results import errored, result

from grader.progress import Bar, Plain, Silent, choose, verdict


def test_auto_is_plain_lines_when_not_on_a_terminal():
    assert isinstance(choose("auto"), Plain)  # pytest's stderr is not a terminal
    assert isinstance(choose("none"), Silent)


def test_plain_lines_count_up_and_say_why_a_submission_errored():
    stream = io.StringIO()
    p = Plain(stream)
    p.start(2, 3)
    p.advance(result())
    p.advance(errored())
    p.finish()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "grading 2 submissions (3 unchanged, skipped)"
    assert lines[1] == "[1/2] ada/dropout: 10/20"
    assert lines[2].startswith("[2/2] bob/dropout: 0/20, unreadable-notebook: dropout.ipynb")
    assert lines[3].startswith("done: 2 graded in ") and lines[3].endswith("1 with errors")


def test_the_bar_reports_errors_as_they_happen_without_reading_markup(capsys):
    bar = Bar()
    bar.start(2, 0)
    bar.advance(result())
    bar.advance(errored(student="[bold red]mallory[/]"))
    bar.finish()
    err = capsys.readouterr().err
    assert "[bold red]mallory[/]/dropout" in err  # printed as typed, not as styling
    assert "unreadable-notebook" in err and "2/2" in err


def test_verdict_is_the_score_or_the_error():
    assert verdict(result()) == "10/20"
    assert verdict(errored()).startswith("0/20, unreadable-notebook: ")


def test_one_submission_is_singular_and_scores_follow_the_display_rule(capsys):
    from dataclasses import replace

    stream = io.StringIO()
    p = Plain(stream)
    p.start(1, 0)
    p.advance(replace(result(), score=2.6786, max_score=20.0))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "grading 1 submission (0 unchanged, skipped)"
    assert lines[1] == "[1/1] ada/dropout: 2.68/20"
    bar = Bar()
    bar.start(1, 1)
    bar.advance(errored())
    bar.finish()
    err = capsys.readouterr().err
    assert "1 unchanged submission skipped" in err and "1 error" in err and "1 errors" not in err
