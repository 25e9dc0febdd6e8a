"""Stage 9, render: HTML pages from templates (autoescaped: student text never becomes markup)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
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


def render_summary(results: Sequence[GradingResult]) -> str:
    """The class summary."""
    rows = sorted(results, key=lambda r: (r.student, r.assignment))
    fn_stats: dict[tuple[str, str], list[int]] = {}
    mistakes: Counter[str] = Counter()
    who: dict[str, list[GradingResult]] = {}
    for r in results:
        for f in r.functions:
            s = fn_stats.setdefault((r.assignment, f.name), [0, 0])
            s[0] += int(f.score == f.max_score)
            s[1] += 1
            for d in f.diagnoses:
                mistakes[d] += 1
                who.setdefault(d, []).append(r)
    context: dict[str, Any] = {
        "rows": rows,
        "href": href,
        "functions": sorted(fn_stats.items()),
        "mistakes": mistakes.most_common(),
        "who": who,
        "catalogue": CATALOGUE,
        "errored": [r for r in rows if r.status != "graded"],
        "graded": sum(1 for r in results if r.status == "graded"),
    }
    return _ENV.get_template("summary.html.j2").render(**context)
