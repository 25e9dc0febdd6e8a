"""Stage 9, render: HTML pages from templates (autoescaped: student text never becomes markup)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from grader.catalogue import CATALOGUE
from grader.model import GradingResult
from grader.record import safe_name

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("grader", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_submission(result: GradingResult) -> str:
    """The student's page."""
    ids = [d for f in result.functions for d in f.diagnoses]
    return _ENV.get_template("submission.html.j2").render(
        r=result,
        catalogue=CATALOGUE,
        mistakes=[(i, CATALOGUE.get(i)) for i in dict.fromkeys(ids)],
        failed_cells=[c for c in result.cells if not c.ok and not c.skipped],
    )


def href(result: GradingResult) -> str:
    """The link from the summary to a submission's page (the same names record.py writes)."""
    return f"{safe_name(result.student)}/{safe_name(result.assignment)}.html"


@dataclass(frozen=True)
class Band:
    """One bar of the score distribution chart, in SVG user units."""

    label: str
    """The score band, e.g. "90–100%"."""
    count: int
    """Submissions in the band."""
    x: float
    """Left edge."""
    height: float
    """Bar height (the chart is CHART_H tall)."""


CHART_H = 120.0
BANDS = 10


def distribution(results: Sequence[GradingResult]) -> list[Band]:
    """Score percentages in ten bands (the last one includes 100%), scaled to the chart."""
    counts = [0] * BANDS
    for r in results:
        if r.max_score > 0:
            counts[min(int(r.score / r.max_score * BANDS), BANDS - 1)] += 1
    top = max(counts) or 1
    return [
        Band(f"{10 * i}–{10 * (i + 1)}%", n, 40.0 * i, CHART_H * n / top)
        for i, n in enumerate(counts)
    ]


def render_summary(results: Sequence[GradingResult]) -> str:
    """The class summary."""
    rows = sorted(results, key=lambda r: (r.student, r.assignment))
    fn_stats: dict[tuple[str, str], list[int]] = {}
    test_stats: dict[tuple[str, str, str], list[int]] = {}
    mistakes: Counter[str] = Counter()
    who: dict[str, list[GradingResult]] = {}
    for r in results:
        for f in r.functions:
            s = fn_stats.setdefault((r.assignment, f.name), [0, 0])
            s[0] += int(f.score == f.max_score)
            s[1] += 1
            for t in f.tests:
                ts = test_stats.setdefault((r.assignment, f.name, t.id), [0, 0])
                ts[0] += int(t.passed)
                ts[1] += 1
            for d in f.diagnoses:
                mistakes[d] += 1
                who.setdefault(d, []).append(r)
    context: dict[str, Any] = {
        "rows": rows,
        "href": href,
        "functions": sorted(fn_stats.items()),
        "tests": sorted(test_stats.items()),
        "mistakes": mistakes.most_common(),
        "who": who,
        "catalogue": CATALOGUE,
        "errored": [r for r in rows if r.status != "graded"],
        "graded": sum(1 for r in results if r.status == "graded"),
        "bars": distribution(results),
        "chart_h": CHART_H,
    }
    return _ENV.get_template("summary.html.j2").render(**context)
