"""Scoring never lets a returned value stop the grading: a value that no check or comparison
foresaw fails its own case, and the single-process runner survives a bug of ours as the pool
does (the red team's F3: an empty dropout mask divided by zero and stopped a `-j 1` batch)."""

from __future__ import annotations

import dataclasses

import numpy as np

from grader import runners
from grader.model import CallOutcome, Limits
from grader.oracle import load, reference_function, safe_call
from grader.runners import Job
from grader.score import grade_function
from grader.spec import Verdict


def _dropout():
    spec, oracle = load("dropout")
    fspec = next(f for f in spec.functions if f.name == "forward_propagation_with_dropout")
    return spec, oracle, fspec


def test_an_empty_mask_fails_the_distribution_check_without_an_error():
    spec, oracle, fspec = _dropout()
    ref = reference_function(spec, fspec.name)
    outcomes = {}
    for c in fspec.cases:
        out = safe_call(ref, c, oracle.inputs(fspec, c))
        A3, cache = out
        cache = list(cache)
        cache[1] = np.zeros((cache[1].shape[0], 0))  # an empty mask, and its layer empty too
        cache[2] = np.zeros((cache[2].shape[0], 0))
        outcomes[c.id] = CallOutcome(c.id, True, value=(A3, tuple(cache)))
    result = grade_function(spec, oracle, fspec, list(fspec.cases), outcomes)
    checked = [t for t in result.tests if t.kind == "property"]
    assert checked and not any(t.passed for t in checked)


def test_a_check_that_raises_fails_its_case_alone():
    spec, oracle, fspec = _dropout()
    case = next(c for c in fspec.cases if c.check is not None)

    def broken(got, expected, inputs) -> Verdict:
        raise ZeroDivisionError("float division by zero")

    cases = [dataclasses.replace(c, check=broken) if c.id == case.id else c for c in fspec.cases]
    ref = reference_function(spec, fspec.name)
    outcomes = {
        c.id: CallOutcome(c.id, True, value=safe_call(ref, c, oracle.inputs(fspec, c)))
        for c in cases
    }
    result = grade_function(spec, oracle, fspec, cases, outcomes)
    by_id = {t.id: t for t in result.tests}
    assert not by_id[case.id].passed
    assert "could not be checked" in by_id[case.id].message
    assert all(t.passed for t in result.tests if t.id != case.id)


def test_the_single_process_runner_survives_a_bug_of_ours(monkeypatch, tmp_path):
    def boom(job):
        raise ZeroDivisionError("a bug of ours")

    monkeypatch.setattr(runners, "run_job", boom)
    job = Job(
        source=str(tmp_path / "s" / "dropout.ipynb"),
        student="s",
        assignment="dropout",
        sha256="0" * 64,
        raw=b"{}",
        visibility=frozenset({"public", "hidden"}),
        limits=Limits(),
    )
    (outcome,) = list(runners.inline()([job]))
    assert outcome.result.status == "error"
    assert outcome.result.error["kind"] == "crashed"
    assert "internal error while grading" in outcome.result.error["message"]


def _pairs() -> list[tuple[object, object]]:
    a = np.arange(6, dtype=float).reshape(2, 3) / 7
    big = np.linspace(-1, 1, 100).reshape(10, 10)
    return [
        (a, a.copy()),
        (big, big.copy()),
        ({"W1": a, "b1": np.zeros((2, 1))}, {"W1": a.copy(), "b1": np.zeros((2, 1))}),
        ((1.5, a), (1.5, a.copy())),
        (-0.0, 0.0),
        (np.array([-0.0, 1.0]), np.array([0.0, 1.0])),
        (np.float32(-0.0), np.float32(0.0)),
        (float("nan"), float("nan")),
        (np.array([np.nan]), np.array([np.nan])),
        (1, 1.0),
        (True, 1),
        (np.float64(0.1), 0.1),
        (a, a.astype(np.float32)),
        (a, a.astype(">f8")),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
        ({1: a}, {True: a}),
        ((a,), [a]),
        ("high bias", "high bias"),
        ([1, 2], [1, 2]),
        (a, a.T.copy().T),
    ]


def test_an_answer_printed_like_the_expected_one_reuses_its_excerpt():
    from grader.score import excerpt, prints_alike

    alike = 0
    for expected, got in _pairs():
        if prints_alike(expected, got):
            alike += 1
            assert excerpt(expected) == excerpt(got), (expected, got)
    assert alike >= 7  # the copies, the signed zeros of float64: not a check that never says yes
    assert not prints_alike(np.float32(-0.0), np.float32(0.0))  # repr keeps float32's sign


def test_the_expected_excerpt_is_printed_once_per_object():
    from grader import score

    first = np.arange(3.0)
    assert score._expected_excerpt(first) == score.excerpt(first)
    assert score._EXPECTED_EXCERPTS._held[(id(first), None)][0] is first  # held alive
    other = np.arange(3.0) + 1
    assert score._expected_excerpt(other) == score.excerpt(other)
    assert score._expected_excerpt(first) == score.excerpt(first)
