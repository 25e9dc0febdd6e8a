"""The setup spec's cases leave no trivial answer a test: None, zeros, ones, the input echoed back,
or a constant. bias_variance has four possible answers, so a constant is right on the cases with
that answer (no more than 30% of them) and earns nothing for it (an answer that ignores its inputs
earns no points); early_stopping's answers differ from case to case."""

from __future__ import annotations

import numpy as np
import pytest

from grader.model import CallOutcome
from grader.oracle import load
from grader.score import grade_function

SPEC, ORACLE = load("setup")


def _score(function: str, answer) -> tuple[float, float, int]:
    """Points and passed tests of a function that answers `answer(case_id)` on every case."""
    fspec = next(f for f in SPEC.functions if f.name == function)
    outcomes = {c.id: CallOutcome(c.id, True, value=answer(c.id)) for c in fspec.cases}
    result = grade_function(SPEC, ORACLE, fspec, list(fspec.cases), outcomes)
    return result.score, result.max_score, sum(t.passed for t in result.tests)


def _cases(function: str) -> tuple:
    return next(f for f in SPEC.functions if f.name == function).cases


def _hits(function: str, answer: object) -> int:
    """The cases whose expected output is `answer`."""
    fspec = next(f for f in SPEC.functions if f.name == function)
    return sum(ORACLE.expected(fspec, c) == answer for c in fspec.cases)


def _trivial(function: str, case_id: str) -> list:
    fspec = next(f for f in SPEC.functions if f.name == function)
    case = next(c for c in fspec.cases if c.id == case_id)
    expected = ORACLE.expected(fspec, case)
    args, _ = ORACLE.inputs(fspec, case)
    arrays = [a for a in (expected if isinstance(expected, tuple) else ()) if hasattr(a, "shape")]
    shaped = [tuple(fill(a) for a in arrays) for fill in (np.zeros_like, np.ones_like)]
    echoed = [args[0], args]
    if arrays:  # the first output zeroed, or the tuple with every array zeroed or ones
        return [None, 0, 0.0, "", *echoed, *shaped, *(s[0] for s in shaped)]
    return [None, 0, 0.0, "", *echoed]  # one int or one word: constants are tested below


@pytest.mark.parametrize("function", [f.name for f in SPEC.functions])
def test_no_trivial_answer_passes_a_test(function):
    fspec = next(f for f in SPEC.functions if f.name == function)
    for k in range(len(_trivial(function, fspec.cases[0].id))):
        _, _, passed = _score(function, lambda cid, k=k: _trivial(function, cid)[k])
        assert passed == 0, k


def test_a_constant_verdict_is_right_on_at_most_30_percent_and_earns_nothing():
    """Each verdict is the answer on a few cases, so a constant hits them by chance; an
    answer that ignores its inputs earns nothing (score.IGNORES_INPUTS)."""
    for verdict in (
        "high bias",
        "high variance",
        "high bias and high variance",
        "low bias and low variance",
    ):
        score, max_score, _ = _score("bias_variance", lambda cid, v=verdict: v)
        hits = _hits("bias_variance", verdict)
        assert 0 < hits <= 0.3 * len(_cases("bias_variance"))
        assert score == 0


def test_early_stopping_answers_differ_from_case_to_case_and_from_the_inputs():
    fspec = next(f for f in SPEC.functions if f.name == "early_stopping")
    answers = []
    for c in fspec.cases:
        (costs, patience), _ = ORACLE.inputs(fspec, c)
        best = ORACLE.expected(fspec, c)
        assert best not in (0, patience, len(costs) - 1, len(costs))
        answers.append(best)
    assert len(set(answers)) == len(answers)
    for k in range(max(answers) + 2):
        assert _score("early_stopping", lambda cid, k=k: k)[2] <= 1
