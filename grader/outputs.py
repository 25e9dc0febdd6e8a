"""One composer of a submission's outputs: its page (HTML), its result (JSON) and Gradescope's
results.json, made the same way wherever a result comes from (a graded job, a notebook that
could not be read, a job whose process kept dying, `grader check`, `grader ci`). Callers only
write what it composed: the batch in its crash-safe order (`write`), the commands where they
were told to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.export import gradescope_path, gradescope_text
from grader.model import GradingResult
from grader.record import atomic_write, dumps, result_path
from grader.render import render_submission


@dataclass(frozen=True)
class Outputs:
    """Everything written for one submission, composed once."""

    result: GradingResult
    """The result the texts were made from."""
    html: str
    """The student's page."""
    json: str
    """The result in the schema's form (the file, and the gradebook row)."""
    gradescope: str
    """Gradescope's results.json."""


def compose(result: GradingResult, notebook_html: str | None = None) -> Outputs:
    """A submission's outputs; `notebook_html` is the executed notebook as sanitized HTML, shown
    collapsed on the page (`grader.notebook`)."""
    return Outputs(
        result=result,
        html=render_submission(result, notebook_html),
        json=dumps(result),
        gradescope=gradescope_text(result),
    )


def write(outputs: Outputs, out: Path, durable: bool = False) -> None:
    """The files of one submission under `out`, in the batch's order: the page, Gradescope's
    file, then the result (`.json`, the marker that the others exist); each atomically."""
    result = outputs.result
    atomic_write(result_path(out, result, ".html"), outputs.html, durable=durable)
    atomic_write(gradescope_path(out, result), outputs.gradescope, durable=durable)
    atomic_write(result_path(out, result, ".json"), outputs.json, durable=durable)
