"""Fixture results built by hand, for the stages that only read results (record, export, render)."""

from __future__ import annotations

from grader.model import CellRun, FunctionResult, GradingResult, TestResult


def result(
    student: str = "ada",
    assignment: str = "dropout",
    sha: str = "a" * 64,
    score: float = 10.0,
    diagnosis: str | None = "dropout-no-scale",
    message: str = "A3 differs: max abs error 0.12 at [0, 3]",
) -> GradingResult:
    """A graded dropout result: one function half right, with a named mistake."""
    tests = (
        TestResult("public-1", "public", False, 0.0, 5.0, message, diagnosis, {"got": 1.0}),
        TestResult("hidden-1", "hidden", True, 5.0, 5.0, "ok"),
    )
    return GradingResult(
        student=student,
        assignment=assignment,
        status="graded",
        error=None,
        score=score,
        max_score=20.0,
        functions=(
            FunctionResult(
                "forward_propagation_with_dropout",
                5.0,
                10.0,
                (diagnosis,) if diagnosis else (),
                tests,
            ),
            FunctionResult(
                "backward_propagation_with_dropout",
                5.0,
                10.0,
                (),
                (TestResult("public-1", "public", True, 5.0, 5.0, "ok"),),
            ),
        ),
        sandbox={"isolated": True, "layers": ["rlimits"]},
        environment={"python": "3.11", "grader": "0.1.0", "submission_sha256": sha},
        cells=(CellRun(1, True, None, "hello", 5),),
        elapsed_s=0.05,
        path=f"class/{student}/{assignment}.ipynb",
        graded_at="2026-11-22T10:00:00+00:00",
    )


def errored(
    student: str = "bob", assignment: str = "dropout", sha: str = "b" * 64
) -> GradingResult:
    """An unreadable notebook's result."""
    return GradingResult.from_error(
        student=student,
        assignment=assignment,
        kind="unreadable-notebook",
        message="dropout.ipynb: not valid JSON (line 1, column 1): Expecting value",
        max_score=20.0,
        environment={"submission_sha256": sha},
        graded_at="2026-11-22T10:00:00+00:00",
    )
