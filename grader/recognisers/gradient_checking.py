"""Recognisers of the gradient-checking assignment's mistakes.

Formula mistakes (one-sided, divide by eps, the denominators, another norm, x perturbed) are
exact: every spelling of the same arithmetic returns the same number, which the mutants compute,
alone and in every combination of two or three (`mutants.gradient_checking._combined`), so each
mistake of a check that makes several is named. The formulas stay on the instructor's side: a
recogniser computing them here would ship the solution's arithmetic in the student bundle.
Two mistakes are behaviour, found by probe calls:
- `gc-inlines-forward`: the result does not change when `forward_propagation` is rebound to
  another J (a probe with the same x, theta and epsilon), so J was computed inline; whether the
  backward pass is inlined too does not matter;
- `gc-no-reset`: a probe binds a `forward_propagation_n` that raises PerturbationsAccumulate as
  soon as it is handed parameters with more than one entry perturbed (the probe's parameters are
  all zero), whatever copy pattern let the perturbations pile up."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.recognise import (
    Evidence,
    Fires,
    Recogniser,
    as_float,
    close,
    each_failing,
    matched_runs,
    shared_by_matches,
)
from grader.spec import Case

ONE = "gradient_check"
N = "gradient_check_n"
BOTH = (ONE, N)
ACCUMULATED = "PerturbationsAccumulate"
"""The exception type of grader.bindings.reset_guard_forward_propagation_n."""


def _value_failing(ev: Evidence) -> list[str]:
    return [c.id for c in ev.failing if c.check is None]


def _inlines_forward(ev: Evidence) -> list[str]:
    """The result does not change when forward_propagation is rebound (a probe), and it is
    what a check with J = theta x written inline returns (its mutants, alone or with another
    formula mistake): a check whose result ignores J for another reason (a slope divided by
    2 * eps the wrong way round, J evaluated at theta twice) is not named."""
    if not any("inlines-" in spelling for _, _, spelling in FORMULAS(ev)):
        return []
    for probe in ev.cases:
        base = ev.case(probe.same_inputs_as or "")
        if not probe.probe or base is None:
            continue
        a, b = as_float(ev.got(probe.id)), as_float(ev.got(base.id))
        e_a, e_b = as_float(ev.expected[probe.id]), as_float(ev.expected[base.id])
        if None in (a, b, e_a, e_b) or ev.same(e_a, e_b, base):
            continue
        if ev.same(a, b, base):
            return _value_failing(ev)
    return []


def _no_reset(ev: Evidence) -> list[str]:
    if any(c.probe and ev.error_type(c.id) == ACCUMULATED for c in ev.cases):
        return _value_failing(ev)
    return []


def _run_output(ev: Evidence, spelling: str, case: Case) -> Any:
    for run in ev.runs("gc-no-norm", spelling):
        return run.outputs.get(case.id)
    return None


def _no_norm(ev: Evidence, case: Case) -> bool | None:
    got = ev.got(case.id)
    numerator = as_float(_run_output(ev, "numerator", case))
    residual = _run_output(ev, "no-norm-residual", case)
    exp = as_float(ev.expected[case.id])
    if numerator is None or residual is None or exp is None:
        return False
    scalar = as_float(got)
    if scalar is not None:
        return bool(np.isclose(abs(scalar), numerator, rtol=1e-4, atol=1e-12))
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "iuf":
        return False
    res = np.abs(np.ravel(np.asarray(residual, dtype=float)))
    flat = np.abs(got.astype(float).ravel())
    if flat.size != res.size:
        return False
    if close(flat, res, rtol=1e-4, atol=1e-12):
        return True
    elementwise = _run_output(ev, "no-norm-elementwise", case)
    if elementwise is not None and _alike_with_nan(flat, np.ravel(np.asarray(elementwise))):
        return True
    return bool(exp > 0 and close(flat, res * exp / numerator, rtol=1e-4, atol=1e-12))


def _alike_with_nan(got: np.ndarray, run: np.ndarray) -> bool:
    """Equal within tolerance, NaN where the run has NaN (0 / 0 where both gradients' entries
    are 0), and not NaN everywhere."""
    try:
        run = run.astype(float)
    except (TypeError, ValueError):
        return False
    if got.shape != run.shape:
        return False
    nan = np.isnan(run)
    if nan.all() or not np.array_equal(nan, np.isnan(got)):
        return False
    return close(got[~nan], run[~nan], rtol=1e-4, atol=1e-12)


def _either(first: Fires, second: Fires) -> Fires:
    """The cases the first test explains, or else the second's (the bare numerator is
    recognised as a property; combined with another formula mistake, by its mutants)."""

    def fires(ev: Evidence) -> list[str]:
        return list(first(ev)) or list(second(ev))

    return fires


FORMULA_IDS = (
    "gc-one-sided",
    "gc-divide-by-eps",
    "gc-denominator-grad-only",
    "gc-denominator-sum",
    "gc-wrong-norm",
    "gc-no-norm",
    "gc-perturbs-x",
    "gc-inlines-forward",
)
FORMULAS = matched_runs(FORMULA_IDS)
"""Every formula the mutants compute (alone and combined), with the inline J's: a check whose
outputs two formulas explain is named only for what both hold."""


def _exact(mistake: str, functions: tuple[str, ...], prop: str) -> Recogniser:
    return Recogniser(mistake, frozenset(functions), prop, shared_by_matches(mistake, FORMULAS))


RECOGNISERS: list[Recogniser] = [
    Recogniser(
        "gc-inlines-forward",
        frozenset({ONE}),
        "the result is unchanged when forward_propagation is rebound to another J",
        _inlines_forward,
        rank=3,
    ),
    Recogniser(
        "gc-no-reset",
        frozenset({N}),
        "forward_propagation_n is handed parameters with more than one entry perturbed",
        _no_reset,
        rank=3,
    ),
    _exact("gc-one-sided", BOTH, "the slope is (J(theta + eps) - J(theta)) / eps (or backward)"),
    _exact("gc-divide-by-eps", BOTH, "the slope is (J+ - J-) / eps"),
    _exact("gc-denominator-grad-only", BOTH, "the denominator is norm(grad)"),
    _exact("gc-denominator-sum", BOTH, "the denominator is norm(grad + approx)"),
    _exact("gc-wrong-norm", (N,), "the norms are 1-norms or max-norms"),
    Recogniser(
        "gc-no-norm",
        frozenset(BOTH),
        "the result is norm(grad - approx) (or its sign), or an array of the entries' "
        "differences (raw or each divided by the right denominator)",
        _either(each_failing(_no_norm), shared_by_matches("gc-no-norm", FORMULAS)),
    ),
    _exact("gc-perturbs-x", (ONE,), "the slope is taken in x: (J(x + eps) - J(x - eps)) / 2eps"),
]
