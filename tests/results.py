"""Fixture results built by hand, for the stages that only read results (record, export, render)."""

from __future__ import annotations

from dataclasses import replace

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
        message="dropout.ipynb: not valid JSON: expecting value at line 1, column 1",
        max_score=20.0,
        environment={"submission_sha256": sha},
        graded_at="2026-11-22T10:00:00+00:00",
    )


def _page_fixture(
    functions: tuple[FunctionResult, ...], cells: tuple[CellRun, ...] = (), **changes
) -> GradingResult:
    base = result()
    score = sum(f.score for f in functions)
    fields = {
        "functions": functions,
        "score": score,
        "max_score": sum(f.max_score for f in functions),
        "cells": cells,
        "sandbox": {
            "isolated": True,
            "layers": ["separate-process", "rlimits", "network-namespace"],
            "missing": ["dropped-uid"],
            "notes": ["uid not dropped: the Python installation is private to root"],
            "limits": {"timeout_s": 60.0, "call_timeout_s": 10.0, "memory_mb": 1024},
        },
    }
    fields.update(changes)
    return replace(base, **fields)


def perfect() -> GradingResult:
    """Every test of two functions passed."""
    ok = TestResult("public-1", "public", True, 5.0, 5.0, "ok", None, {"inputs": "x = 3"})
    hidden = TestResult("hidden-1", "hidden", True, 5.0, 5.0, "ok")
    return _page_fixture(
        (
            FunctionResult("forward_propagation_with_dropout", 10.0, 10.0, (), (ok, hidden)),
            FunctionResult("backward_propagation_with_dropout", 10.0, 10.0, (), (ok, hidden)),
        )
    )


SMALL_VIEW = {
    "path": "A3",
    "expected": {"shape": [1, 3], "dtype": "float64", "grid": [["0.5", "0.25", "1"]]},
    "got": {"shape": [1, 3], "dtype": "float64", "grid": [["0.5", "0.35", "1.4"]]},
    "differs": [[False, True, True]],
    "mismatches": 2,
}
LARGE_VIEW = {
    "path": "W1",
    "expected": {
        "shape": [200, 150],
        "dtype": "float64",
        "min": "-0.4",
        "max": "0.41",
        "mean": "0.0001",
        "std": "0.1",
        "nan": 0,
        "inf": 0,
    },
    "got": {
        "shape": [200, 150],
        "dtype": "float64",
        "min": "-4",
        "max": "4.1",
        "mean": "0.001",
        "std": "1",
        "nan": 0,
        "inf": 0,
    },
    "worst": [{"where": [17, 3], "expected": "0.31", "got": "3.1", "abs_error": "2.79"}],
}
HIDDEN_SECRET = "expected 0.987654 for the secret input X_hidden"


def named_mistake() -> GradingResult:
    """dropout-no-scale in the forward pass: a public test with a small-array picture, a hidden
    test whose instructor message must not reach the page, and a large-array picture."""
    forward = FunctionResult(
        "forward_propagation_with_dropout",
        0.0,
        10.0,
        ("dropout-no-scale",),
        (
            TestResult(
                "public-1",
                "public",
                False,
                0.0,
                4.0,
                "A3 differs in 2 of 3 entries: max abs error 0.4 at [0, 2], max rel error 0.4",
                "dropout-no-scale",
                {
                    "inputs": "X of shape (3, 5), keep_prob = 0.7",
                    "expected": "[[0.5, 0.25, 1.]]",
                    "got": "[[0.5, 0.35, 1.4]]",
                    "view": SMALL_VIEW,
                },
                kind="value",
            ),
            TestResult(
                "hidden-1",
                "hidden",
                False,
                0.0,
                6.0,
                HIDDEN_SECRET,
                "dropout-no-scale",
                kind="value",
            ),
        ),
    )
    backward = FunctionResult(
        "backward_propagation_with_dropout",
        5.0,
        10.0,
        (),
        (
            TestResult(
                "public-1",
                "public",
                False,
                0.0,
                5.0,
                "W1 differs",
                None,
                {"inputs": "a cache", "view": LARGE_VIEW},
                kind="value",
            ),
            TestResult("hidden-1", "hidden", True, 5.0, 5.0, "ok"),
        ),
    )
    return _page_fixture((forward, backward))


def timed_out() -> GradingResult:
    """A notebook whose third cell loops for ever: the later cells are not run."""
    missing = {"kind": "timeout", "message": "did not return within 10 s"}
    return _page_fixture(
        (
            FunctionResult(
                "forward_propagation_with_dropout",
                0.0,
                10.0,
                (),
                (
                    TestResult(
                        "public-1",
                        "public",
                        False,
                        0.0,
                        10.0,
                        "did not return within 10 s",
                        kind="timeout",
                    ),
                ),
                missing,
            ),
        ),
        cells=(
            CellRun(1, True, None, "", 0),
            CellRun(
                2, False, {"kind": "timeout", "type": "", "message": "", "traceback": []}, "", 0
            ),
            CellRun(3, False, None, "", 0, skipped=True),
        ),
        status="error",
        error={"kind": "timeout", "message": "the notebook did not finish within 60 s"},
    )


def hostile(evil: str) -> GradingResult:
    """Student text everywhere a page shows it: id, output, exception, traceback, message."""
    frame = {"cell": 3, "line": 2, "function": evil, "text": evil}
    error = {"kind": "exception", "type": "ValueError", "message": evil, "traceback": [frame]}
    test = TestResult(
        "public-1",
        "public",
        False,
        0.0,
        10.0,
        f"raised ValueError: {evil}",
        None,
        {"inputs": "x = 3", "expected": "1.0", "traceback": [frame]},
        kind="exception",
    )
    return _page_fixture(
        (FunctionResult("forward_propagation_with_dropout", 0.0, 10.0, (), (test,)),),
        cells=(CellRun(3, False, error, evil * 3, 3 * len(evil)),),
        student=f"mallory{evil}",
    )
