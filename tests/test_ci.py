"""What `grader ci` tells a CI service: exit status, annotations, the step summary."""

from __future__ import annotations

from dataclasses import replace

from results import HIDDEN_SECRET, errored, named_mistake, perfect

from grader.catalogue import CATALOGUE
from grader.ci import Checked, _md, annotation, error_annotations, exit_status, step_summary
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
    (line,) = error_annotations(checked(named_mistake(), "work/dropout.ipynb"))[:1]
    assert line.startswith("::error file=work/dropout.ipynb,title=dropout%3A ")
    assert "forward_propagation_with_dropout (0/10)::public-1: A3 differs" in line
    assert "[known mistake: dropout-no-scale]" in line
    assert error_annotations(checked(perfect())) == []


def test_annotations_escape_what_would_end_or_split_a_command():
    line = annotation("a,b:c.ipynb", "t", "50% done\nnext ::error::")
    assert line == "::error file=a%2Cb%3Ac.ipynb,title=t::50%25 done%0Anext ::error::"


def test_hidden_tests_show_only_their_kind():
    r = named_mistake()
    r = replace(r, functions=(replace(r.functions[0], tests=r.functions[0].tests[1:]),))
    text = "\n".join(error_annotations(checked(r))) + step_summary([checked(r)])
    assert HIDDEN_SECRET not in text
    assert "hidden-1 (hidden): wrong values" in text


def test_the_summary_has_a_row_per_function_and_the_named_mistake_with_its_hint():
    md = step_summary([checked(named_mistake()), checked(perfect(), "other.ipynb")])
    assert md.startswith("## Notebook checks: ❌ some tests fail")
    assert "| ✗ | `forward_propagation_with_dropout` | 0 / 10 |" in md
    assert "### ✅ `other.ipynb`: 20 / 20 points" in md
    assert _md(CATALOGUE["dropout-no-scale"].hint) in md


def test_student_text_cannot_break_the_summary_table_or_inject_html():
    r = replace(errored(), error={"kind": "crashed", "message": "a|b\n| x | <img src=x>"})
    md = step_summary([checked(r)])
    assert "<img" not in md and "&lt;img src=x&gt;" in md
    assert "a\\|b \\| x \\|" in md


def test_every_line_of_the_summary_is_escaped_the_grader_s_own_text_too():
    """GitHub renders `<l>` as an HTML tag and drops it: a hint that names W<l> must arrive."""
    r = replace(
        named_mistake(),
        error={"kind": "crashed", "message": "see **this** and [link](x) in W<l> ~~gone~~"},
    )
    md = step_summary([checked(r, "my <dir>/`dropout`.ipynb")])
    for line in md.splitlines():
        assert "<" not in line.replace("`my <dir>/'dropout'.ipynb`", ""), line
    assert "W&lt;l&gt;" in md and "\\*\\*this\\*\\*" in md and "\\[link\\](x)" in md
    assert "\\~\\~gone\\~\\~" in md
    entry = CATALOGUE["init-transposed"]
    assert "<" in entry.explanation  # the catalogue's own text needs it too
    assert "<l>" not in _md(entry.explanation) and "&lt;l&gt;" in _md(entry.explanation)


def test_a_bundle_s_summary_says_public_tests_only():
    assert "Public tests only" in step_summary([checked(perfect())], public_only=True)
    assert "Public tests only" not in step_summary([checked(perfect())])


def test_at_most_ten_annotations_the_tenth_counting_the_rest():
    from grader.ci import MAX_ANNOTATIONS, capped

    lines = [annotation("a.ipynb", f"t{i}", "m") for i in range(13)]
    shown = capped(lines)
    assert len(shown) == MAX_ANNOTATIONS + 1 == 10
    assert shown[:9] == lines[:9]
    assert shown[-1].startswith("::error title=and 4 more::4 more problems not shown")
    assert capped(lines[:10]) == lines[:10]  # ten fit: nothing is hidden behind a count
    assert capped(lines[:3]) == lines[:3]
