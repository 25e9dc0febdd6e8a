"""What `grader ci` tells a CI service: exit status, annotations, the step summary."""

from __future__ import annotations

from dataclasses import replace

from results import HIDDEN_SECRET, errored, named_mistake, perfect

from grader.catalogue import CATALOGUE
from grader.ci import Checked, annotation, annotations, exit_status, step_summary
from grader.model import GradingResult


def checked(r: GradingResult, path: str = "dropout.ipynb") -> Checked:
    return Checked(path, r)


def test_exit_status_is_0_all_pass_1_some_fail_2_unusable():
    assert exit_status([checked(perfect())]) == 0
    assert exit_status([checked(perfect()), checked(named_mistake())]) == 1
    assert exit_status([checked(named_mistake()), checked(errored())]) == 2
    assert exit_status([]) == 2  # nothing to check is unusable input, not a pass
    timed_out = replace(perfect(), status="error", error={"kind": "timeout", "message": "slow"})
    assert exit_status([checked(timed_out)]) == 1  # graded in part: a failure, not bad input


def test_one_annotation_per_failing_function_naming_notebook_function_and_mistake():
    (line,) = annotations(checked(named_mistake(), "work/dropout.ipynb"))[:1]
    assert line.startswith("::error file=work/dropout.ipynb,title=dropout%3A ")
    assert "forward_propagation_with_dropout (0/10)::public-1: A3 differs" in line
    assert "[known mistake: dropout-no-scale]" in line
    assert annotations(checked(perfect())) == []


def test_annotations_escape_what_would_end_or_split_a_command():
    line = annotation("a,b:c.ipynb", "t", "50% done\nnext ::error::")
    assert line == "::error file=a%2Cb%3Ac.ipynb,title=t::50%25 done%0Anext ::error::"


def test_hidden_tests_show_only_their_kind():
    r = named_mistake()
    r = replace(r, functions=(replace(r.functions[0], tests=r.functions[0].tests[1:]),))
    text = "\n".join(annotations(checked(r))) + step_summary([checked(r)])
    assert HIDDEN_SECRET not in text
    assert "hidden-1 (hidden): wrong values" in text


def test_the_summary_has_a_row_per_function_and_the_named_mistake_with_its_hint():
    md = step_summary([checked(named_mistake()), checked(perfect(), "other.ipynb")])
    assert md.startswith("## Notebook checks: ❌ some tests fail")
    assert "| ✗ | `forward_propagation_with_dropout` | 0 / 10 |" in md
    assert "### ✅ `other.ipynb`: 20 / 20 points" in md
    assert CATALOGUE["dropout-no-scale"].hint in md


def test_student_text_cannot_break_the_summary_table_or_inject_html():
    r = replace(errored(), error={"kind": "crashed", "message": "a|b\n| x | <img src=x>"})
    md = step_summary([checked(r)])
    assert "<img" not in md and "&lt;img src=x&gt;" in md
    assert "a\\|b \\| x \\|" in md
