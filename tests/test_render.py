"""The class summary page: distribution chart, pass rates, sortable table; student text stays
text."""

from __future__ import annotations

import re
from dataclasses import replace

from results import errored, result

from grader.render import distribution, render_summary


def test_the_distribution_puts_each_submission_in_one_band():
    rs = [result(score=s) for s in (0, 5, 10, 19.9, 20)] + [errored()]
    bars = distribution(rs)
    assert [b.count for b in bars] == [2, 0, 1, 0, 0, 1, 0, 0, 0, 2]  # 20/20 is in 90–100%
    assert max(b.height for b in bars) == 120.0


def test_the_summary_draws_the_chart_and_the_pass_rates():
    html = render_summary([result("ada", score=20), result("bob", score=10), errored("cy")])
    assert html.count("<rect ") == 10 and "<svg" in html
    assert re.search(r"90–100%: 1<", html) and re.search(r"50–60%: 1<", html)
    # public-1 of the forward pass fails for both students; hidden-1 passes for both
    assert "Pass rates per test" in html
    assert (
        "<td>public-1</td><td>0 / 2 (0%)</td>" in html
        and "<td>hidden-1</td><td>2 / 2 (100%)</td>" in html
    )
    assert 'id="everyone"' in html and 'href="grades.csv"' in html
    assert "cy / dropout</a>: unreadable-notebook" in html


def test_student_text_never_becomes_markup():
    evil = "<script>alert(1)</script>"
    r = replace(result(message=evil), student=f"x{evil}")
    html = render_summary([r])
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # the page's own sorting script only
