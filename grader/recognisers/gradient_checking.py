"""Recognisers of the gradient-checking assignment's mistakes.

Formula mistakes (one-sided, divide by eps, the denominators, another norm, x perturbed) are
recognised by decomposing the result (`_formula`): the difference is computed on each case's
own inputs for every slope (centred, one-sided either way, over eps, in x) crossed with every
difference (the right relative one, over norm(grad) only, over norm(grad + approx), the bare
numerator) and every norm (2, 1, max), and each mistake that every formula matching the
student's results on all value cases shares is named. So a mistake is named alone or combined
with others (one-sided and over norm(grad): both names), however the arithmetic is written.
The mutants' outputs (`matches`) stay as a second route for each id.
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

from coursekit.gradcheck import dictionary_to_vector, gradients_to_vector, vector_to_dictionary
from grader.recognise import Evidence, Fires, Recogniser, as_float, close, each_failing, matches
from grader.sandbox.bindings import BINDINGS
from grader.spec import Case

ONE = "gradient_check"
N = "gradient_check_n"
BOTH = (ONE, N)
ACCUMULATED = "PerturbationsAccumulate"
"""The exception type of grader.bindings.reset_guard_forward_propagation_n."""


def _value_failing(ev: Evidence) -> list[str]:
    return [c.id for c in ev.failing if c.check is None]


def _inlines_forward(ev: Evidence) -> list[str]:
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
    return bool(exp > 0 and close(flat, res * exp / numerator, rtol=1e-4, atol=1e-12))


SLOPES = {
    "centred": "",
    "one-sided": "gc-one-sided",
    "one-sided-backward": "gc-one-sided",
    "over-eps": "gc-divide-by-eps",
    "in-x": "gc-perturbs-x",
}
"""How the approximate gradient is taken -> the mistake it is ("" when right)."""
DIFFERENCES = {
    "relative": "",
    "over-grad": "gc-denominator-grad-only",
    "over-sum": "gc-denominator-sum",
    "numerator": "gc-no-norm",
}
"""What is returned from grad and approx -> the mistake it is."""
NORMS = {"2": "", "1": "gc-wrong-norm", "max": "gc-wrong-norm"}
"""The norm used throughout -> the mistake it is (for a scalar every norm is abs())."""


def _norm(kind: str, v: np.ndarray) -> float:
    a = np.abs(np.ravel(v))
    if kind == "1":
        return float(np.sum(a))
    if kind == "max":
        return float(np.max(a)) if a.size else 0.0
    return float(np.sqrt(np.sum(a * a)))


def _difference(kind: str, norm: str, grad: np.ndarray, approx: np.ndarray) -> float:
    numerator = _norm(norm, grad - approx)
    if kind == "numerator":
        return numerator
    if kind == "over-grad":
        return numerator / _norm(norm, grad)
    if kind == "over-sum":
        return numerator / _norm(norm, grad + approx)
    return numerator / (_norm(norm, grad) + _norm(norm, approx))


Parts = list[tuple[np.ndarray, dict[str, np.ndarray]]]
"""For each way the notebook may have computed J and its derivative: grad, and the slope of
each kind (SLOPES)."""


def _slopes_1d(ev: Evidence, case: Case) -> Parts | None:
    """gradient_check's grad and its approximations: from the case's bound J and derivative,
    and from the notebook's own J = theta x written inline (with its derivative x inline too, or
    bound), which the behaviour recogniser gc-inlines-forward names; here it only lets the
    other mistakes of such a check be named as well."""
    forward = BINDINGS.get(case.bindings.get("forward_propagation", ""))
    backward = BINDINGS.get(case.bindings.get("backward_propagation", ""))
    args, kwargs = ev.inputs[case.id]
    if forward is None or backward is None or len(args) != 2:
        return None
    x, theta = (float(a) for a in args)
    eps = float(kwargs.get("epsilon", 1e-7))
    bound_grad = np.asarray(backward(x, theta), dtype=float)
    parts: Parts = []
    for J, grads in ((forward, (bound_grad,)), (_inline, (bound_grad, np.asarray(x)))):
        j_plus, j_mid, j_minus = (J(x, t) for t in (theta + eps, theta, theta - eps))
        slopes = {
            "centred": (j_plus - j_minus) / (2 * eps),
            "one-sided": (j_plus - j_mid) / eps,
            "one-sided-backward": (j_mid - j_minus) / eps,
            "over-eps": (j_plus - j_minus) / eps,
            "in-x": (J(x + eps, theta) - J(x - eps, theta)) / (2 * eps),
        }
        arrays = {k: np.asarray(v, dtype=float) for k, v in slopes.items()}
        parts += [(grad, arrays) for grad in grads]
    return parts


def _inline(x: float, theta: float) -> float:
    """The notebook's J, as a check that does not call forward_propagation computes it."""
    return theta * x


def _slopes_n(ev: Evidence, case: Case) -> Parts | None:
    """gradient_check_n's grad and its approximations, entry by entry, with the case's bound
    forward_propagation_n."""
    forward = BINDINGS.get(case.bindings.get("forward_propagation_n", ""))
    args, kwargs = ev.inputs[case.id]
    if forward is None or len(args) != 4:
        return None
    parameters, gradients, X, Y = args
    eps = float(kwargs.get("epsilon", 1e-7))
    theta = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients, parameters)

    def J(vector: np.ndarray) -> float:
        return float(forward(X, Y, vector_to_dictionary(vector, parameters))[0])

    j_mid = J(theta)
    plus, minus = np.zeros_like(theta), np.zeros_like(theta)
    for i in range(theta.shape[0]):
        t = np.copy(theta)
        t[i] += eps
        plus[i] = J(t)
        t[i] -= 2 * eps
        minus[i] = J(t)
    slopes = {
        "centred": (plus - minus) / (2 * eps),
        "one-sided": (plus - j_mid) / eps,
        "one-sided-backward": (j_mid - minus) / eps,
        "over-eps": (plus - minus) / eps,
    }
    return [(grad, slopes)]


_SLOPES: dict[tuple[str, str], tuple[Any, Parts | None]] = {}
"""(function, case id) -> (the inputs they were worked out from, grad and the slopes): the same
for every student of a batch, so worked out once."""


def _slopes(ev: Evidence, case: Case) -> Parts | None:
    key = (ev.fspec.name, case.id)
    inputs = ev.inputs.get(case.id)
    held = _SLOPES.get(key)
    if held is not None and held[0] is inputs:
        return held[1]
    try:
        parts = (_slopes_1d if ev.fspec.name == ONE else _slopes_n)(ev, case)
    except Exception:  # inputs the formulas cannot take: nothing to decompose
        parts = None
    if len(_SLOPES) > 256:
        _SLOPES.clear()
    _SLOPES[key] = (inputs, parts)
    return parts


def _formula(ev: Evidence) -> dict[str, list[str]]:
    """The formula mistakes that explain the results: each mistake shared by every formula
    (slope x difference x norm) whose value matches the student's on all value cases, with the
    failing cases. Nothing when no formula matches, or a value case returned no number."""
    value_cases = [c for c in ev.scored if c.check is None]
    norms = ("2",) if ev.fspec.name == ONE else tuple(NORMS)
    candidates: set[tuple[str, str, str]] | None = None
    for c in value_cases:
        got = as_float(ev.got(c.id))
        parts = _slopes(ev, c)
        if got is None or parts is None:
            return {}
        with np.errstate(all="ignore"):
            fit = {
                (slope, diff, norm)
                for grad, slopes in parts
                for slope, approx in slopes.items()
                for diff in DIFFERENCES
                for norm in norms
                if ev.same(got, _difference(diff, norm, grad, approx), c)
            }
        candidates = fit if candidates is None else candidates & fit
        if not candidates:
            return {}
    if not candidates:
        return {}
    shared = set.intersection(
        *({SLOPES[s], DIFFERENCES[d], NORMS[n]} - {""} for s, d, n in candidates)
    )
    failing = [c.id for c in ev.failing if c.check is None]
    return {mistake: failing for mistake in shared} if failing else {}


def _formula_or(other: Fires, mistake: str) -> Fires:
    """The mistake named by decomposing the formula, or else by its other route."""

    def fires(ev: Evidence) -> list[str]:
        return _formula(ev).get(mistake) or list(other(ev))

    return fires


def _by_formula(mistake: str, functions: tuple[str, ...], prop: str) -> Recogniser:
    return Recogniser(mistake, frozenset(functions), prop, _formula_or(matches(mistake), mistake))


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
    _by_formula(
        "gc-one-sided", BOTH, "the slope is (J(theta + eps) - J(theta)) / eps (or backward)"
    ),
    _by_formula("gc-divide-by-eps", BOTH, "the slope is (J+ - J-) / eps"),
    _by_formula("gc-denominator-grad-only", BOTH, "the denominator is norm(grad)"),
    _by_formula("gc-denominator-sum", BOTH, "the denominator is norm(grad + approx)"),
    _by_formula("gc-wrong-norm", (N,), "the norms are 1-norms or max-norms"),
    Recogniser(
        "gc-no-norm",
        frozenset(BOTH),
        "the result is norm(grad - approx) (or its sign), or an array of the entries' "
        "differences (raw or each divided by the right denominator)",
        _formula_or(each_failing(_no_norm), "gc-no-norm"),
    ),
    _by_formula(
        "gc-perturbs-x", (ONE,), "the slope is taken in x: (J(x + eps) - J(x - eps)) / 2eps"
    ),
]
