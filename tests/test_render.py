"""The pages: the student's report and the class summary, on fixture results. Student text stays
text, hidden tests keep their secrets, and every page carries its own policy and scripts only."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import replace
from html.parser import HTMLParser

import markupsafe
import pytest
from results import HIDDEN_SECRET, errored, hostile, named_mistake, perfect, result, timed_out

from grader.catalogue import CATALOGUE
from grader.model import CellRun
from grader.render import (
    OUTPUT_SHOWN,
    distribution,
    needs_help,
    render_submission,
    render_summary,
)


class Page(HTMLParser):
    """A parsed page: its visible text, its elements, its scripts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._chunks: list[str] = []
        self._in_script = False
        self.feed(html)
        self.text = re.sub(r"\s+", " ", "".join(self._chunks))

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")
        elif tag in ("p", "li", "tr", "h1", "h2", "h3", "h4", "td", "th", "pre", "dd", "dt"):
            self._chunks.append(" ")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self._chunks.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def csp(self) -> str:
        (meta,) = self.all("meta", http_equiv="Content-Security-Policy") or [
            a for t, a in self.elements if t == "meta" and "http-equiv" in a
        ]
        return meta["content"]


def _policy_allows_exactly_the_page_scripts(page: Page) -> None:
    policy = page.csp()
    assert "default-src 'none'" in policy  # nothing is fetched, from any network
    hashes = set(re.findall(r"'sha256-([^']+)'", policy))
    digests = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in page.scripts}
    assert hashes == digests


# --- the student's page ------------------------------------------------------------------


def test_a_perfect_score_says_so_with_words_and_marks_and_folds_the_tests():
    page = Page(render_submission(perfect()))
    assert "20 / 20 points (100%)" in page.text
    assert "2 of 2 with full marks" in page.text
    assert page.text.count("✓ Full marks") == 2 and "✗" not in page.text
    assert "All 2 tests passed (1 public, 1 hidden)" in page.text
    assert not page.all("section", role="alert")
    _policy_allows_exactly_the_page_scripts(page)


def test_a_header_names_student_assignment_score_date_version_and_time():
    page = Page(render_submission(perfect()))
    for text in ("Student ada", "Assignment dropout", "2026-11-22 10:00:00 UTC", "0.1.0", "0.05 s"):
        assert text in page.text


def test_a_named_mistake_gives_its_id_explanation_and_hint_and_links_its_function():
    page = Page(render_submission(named_mistake()))
    entry = CATALOGUE["dropout-no-scale"]
    assert "dropout-no-scale" in page.text
    assert entry.explanation in page.text and entry.hint in page.text
    assert page.all("div", id="mistake-dropout-no-scale")
    assert page.all("a", href="#mistake-dropout-no-scale")  # from the function's card
    assert page.all("a", href="#fn-forward_propagation_with_dropout")  # and back


def test_a_small_array_difference_is_side_by_side_with_the_differing_entries_marked():
    page = Page(render_submission(named_mistake()))
    marked = page.all("td", class_="differs")
    assert len(marked) == 4  # two entries, in the expected grid and in the student's
    assert page.text.count("(differs)") == 4  # in words too, for screen readers
    assert "Expected" in page.text and "Your result" in page.text
    assert "0.35" in page.text and "1.4" in page.text
    assert "max abs error 0.4" in page.text and "max rel error 0.4" in page.text
    assert "Inputs: X of shape (3, 5), keep_prob = 0.7" in page.text


def test_a_large_array_difference_gives_statistics_and_the_worst_entries():
    page = Page(render_submission(named_mistake()))
    assert "ndarray of shape (200, 150), dtype float64" in page.text
    assert re.search(r"std 0\.1 1 ", page.text)  # expected, then the student's
    assert "[17, 3] 0.31 3.1 2.79" in page.text


def test_a_hidden_test_shows_only_its_verdict_and_the_kind_of_difference():
    page = Page(render_submission(named_mistake()))
    assert HIDDEN_SECRET not in page.text and "0.987654" not in page.text
    assert "Wrong values. This is a hidden test" in page.text


def test_a_timeout_is_named_and_the_cells_not_run_are_listed():
    page = Page(render_submission(timed_out()))
    assert page.all("section", role="alert")
    assert "✗ Time limit reached" in page.text
    assert "the notebook did not finish within 60 s" in page.text
    assert "Timed out: did not return within 10 s" in page.text
    assert "Not run, because the notebook's time was up: cell 4." in page.text


def test_an_unreadable_notebook_says_what_to_do():
    page = Page(render_submission(errored()))
    assert "✗ The notebook could not be read" in page.text
    assert "not valid JSON: expecting value at line 1, column 1" in page.text
    assert "Save it again from Jupyter" in page.text


def test_a_traceback_is_shown_by_cell_and_line():
    page = Page(render_submission(hostile("boom")))
    assert "cell [4], line 2, in boom: boom" in page.text
    assert "✗ Cell [4]: ValueError" in page.text


def test_printed_output_is_a_bounded_excerpt():
    flood = "y" * 8192
    r = replace(perfect(), cells=(CellRun(0, True, None, flood, 10_000_000),))
    page = Page(render_submission(r))
    assert "y" * OUTPUT_SHOWN in page.text and "y" * (OUTPUT_SHOWN + 1) not in page.text
    assert f"and {10_000_000 - OUTPUT_SHOWN} more characters" in page.text


def test_the_footer_has_isolation_limits_environment_and_hash():
    page = Page(render_submission(named_mistake()))
    assert "separate-process, rlimits, network-namespace" in page.text
    assert "Not available here: dropped-uid (uid not dropped" in page.text
    assert "60 s for the notebook, 10 s per cell, 10 s per function call, 1024 MB" in page.text
    assert "a" * 64 in page.text


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "</pre></details><script>fetch('http://x')</script>",
        "{{ 7 * 7 }}{% raw %}",
    ],
)
def test_student_text_never_becomes_markup_on_the_student_page(evil):
    html = render_submission(hostile(evil))
    page = Page(html)
    assert str(markupsafe.escape(evil)) in html
    if "<" in evil:
        assert evil not in html
    assert evil in page.text and "mallory49" not in page.text  # shown as text, never run
    assert not page.all("img")
    assert len(page.scripts) == 1  # the page's own print script only
    _policy_allows_exactly_the_page_scripts(page)


def test_an_included_notebook_is_collapsed():
    page = Page(render_submission(perfect(), notebook_html="<div class='cell'>print(1)</div>"))
    assert "Your notebook as it ran" in page.text and "Show the executed notebook" in page.text
    assert page.all("div", class_="cell")


# --- the class summary -------------------------------------------------------------------


def test_the_distribution_puts_each_submission_in_one_band():
    rs = [result(score=s) for s in (0, 5, 10, 19.9, 20)] + [errored()]
    bars = distribution(rs)
    assert [b.count for b in bars] == [2, 0, 1, 0, 0, 1, 0, 0, 0, 2]  # 20/20 is in 90–100%
    assert max(b.share for b in bars) == 1.0 and bars[-1].label == "90–100%"


def test_the_summary_draws_the_chart_and_the_pass_rates():
    html = render_summary([result("ada", score=20), result("bob", score=10), errored("cy")])
    assert html.count('<span class="bar"') == 10
    assert re.search(r'90–100%</th><td><span class="bar" style="width:80.0%"></span> 1<', html)
    assert re.search(r"50–60%</th><td><span[^>]*></span> 1<", html)
    assert "the last, 90–100%, holds 100% too" in html
    # public-1 of the forward pass fails for both students; hidden-1 passes for both
    assert (
        "<td>public-1</td><td>0 / 2 (0%)</td>" in html
        and "<td>hidden-1</td><td>2 / 2 (100%)</td>" in html
    )
    page = Page(html)
    assert page.all("table", id="everyone") and page.all("a", href="grades.csv")
    assert "cy / dropout: ✗ unreadable-notebook: dropout.ipynb: not valid JSON" in page.text


def test_the_summary_names_the_commonest_mistake_and_links_who_made_it():
    rs = [result("ada"), result("bob"), result("cy", diagnosis="dropout-output-layer")]
    page = Page(render_summary(rs))
    assert "Most common mistake: dropout-no-scale" in page.text
    assert "in 2 submissions" in page.text
    for who in ("ada", "bob", "cy"):
        assert page.all("a", href=f"{who}/dropout.html")


def test_who_needs_help_lists_low_totals_and_errors_lowest_first():
    rs = [
        result("ada", score=18),  # 90%: fine
        result("bob", score=4),  # 20%
        result("cy", score=9),  # 45%
        result("dee", score=20),
        errored("dee", assignment="regularization"),  # 50% overall, and an error
    ]
    help_ = needs_help(rs)
    assert [s.student for s in help_] == ["bob", "cy", "dee"]
    assert help_[2].errored == 1 and help_[2].share == 0.5
    page = Page(render_summary(rs))
    assert "3 students may need help" in page.text
    assert "bob 4 / 20 (20%)" in page.text


def test_a_summary_of_one_and_of_none_renders():
    assert "1 submission from 1 student" in Page(render_summary([result()])).text
    page = Page(render_summary([]))
    assert "0 submissions from 0 students" in page.text and "No submissions." in page.text


def test_student_text_never_becomes_markup_in_the_summary():
    evil = "<script>alert(1)</script>"
    r = replace(result(message=evil), student=f"x{evil}")
    html = render_summary([r, replace(errored(), error={"kind": "crashed", "message": evil})])
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(html)
    assert len(page.scripts) == 2  # the page's own sorting and print scripts
    _policy_allows_exactly_the_page_scripts(page)


def test_a_class_of_a_thousand_renders_with_long_lists_folded():
    rs = [result(f"s{i:04d}", score=float(i % 21)) for i in range(1000)]
    html = render_summary(rs)
    page = Page(html)
    rows = html[html.index('id="everyone"') :].count("<tr>") - 1  # minus the heading row
    assert rows == 1000
    assert "1000 submissions from 1000 students" in page.text
    assert "<summary>1000 submissions</summary>" in html  # the mistake's student list, folded
    assert html.count('href="s0999/dropout.html"') >= 2  # in the table, and under its mistake


def test_an_untouched_notebook_reads_not_attempted_not_graded():
    from grader.display import exact
    from grader.model import CallOutcome
    from grader.oracle import load
    from grader.score import grade_function

    spec, oracle = load("dropout")
    stub = {"kind": "exception", "type": "NotImplementedError", "message": "replace this"}

    def graded(outcome):
        return tuple(
            grade_function(spec, oracle, f, list(f.cases), {c.id: outcome(f, c) for c in f.cases})
            for f in spec.functions
        )

    untouched = graded(lambda f, c: CallOutcome(c.id, False, error=stub))
    empty = graded(lambda f, c: CallOutcome(c.id, True, value=None))
    right = graded(lambda f, c: CallOutcome(c.id, True, value=oracle.expected(f, c)))
    assert not any(f.attempted for f in untouched + empty)
    assert all(f.attempted for f in right)
    r = replace(result(), functions=untouched, score=exact(sum(f.score for f in untouched)))
    assert r.score == 0 and not r.attempted
    page = render_submission(r)
    assert "○ Not attempted" in page and "✗ Not attempted" in page and "✗ Not yet" not in page
    summary = render_summary([r, result("bob")])
    assert "○ not attempted" in summary and summary.count("✓ graded") == 1
    mixed = replace(r, functions=(right[0], untouched[1]))
    assert mixed.attempted and "○ Not attempted" not in render_submission(mixed)


def test_an_unreadable_notebook_s_footer_says_nothing_ran_not_ten_missing_layers():
    r = replace(
        errored(),
        sandbox={"isolated": False, "layers": [], "missing": ["a", "b", "c"], "notes": []},
    )
    page = render_submission(r)
    assert "nothing of this notebook ran" in page and "Not available here" not in page
    ran = replace(result(), sandbox={"isolated": True, "layers": ["x"], "missing": ["netns"]})
    assert "Not available here: netns" in render_submission(ran)


def test_words_singular_points_and_no_stutter():
    from grader.model import FunctionResult, TestResult

    t = TestResult("hidden-1", "hidden", False, 0.0, 1.0, "not run", kind="not-run")
    f = FunctionResult(
        "forward_propagation_with_dropout",
        0.0,
        1.0,
        (),
        (t,),
        error={"kind": "not-run", "message": "not run: the notebook's process exited"},
    )
    r = replace(result(), functions=(f,), score=0.0, max_score=1.0)
    text = html.unescape(re.sub(r"<[^>]+>", "", render_submission(r)))
    assert "Not run: the notebook's process exited" in text
    assert "not run: not run" not in text.lower()
    assert "0 / 1 point" in text and "0 / 1 points" not in text
    assert "2.68 / 20 points" in render_submission(replace(result(), score=2.6786))
