"""Known mistakes of the gradient-checking assignment, as variants of the reference.

The 1-D mutants look up `forward_propagation` and `backward_propagation` in this module's
globals, so the grader's bindings reach them exactly as they reach the student's function."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from coursekit.gradcheck import dictionary_to_vector, gradients_to_vector, vector_to_dictionary
from grader.instructor.mutants._combine import combined, parts
from grader.sandbox.bindings import course_forward_propagation_n as forward_propagation_n
from grader.sandbox.bindings import linear_backward as backward_propagation
from grader.sandbox.bindings import linear_forward as forward_propagation
from grader.spec import Mutant


def _difference(grad: Any, approx: Any, mistake: frozenset[str]) -> Any:
    """The relative difference, or one of its mistaken forms."""
    norm: Callable[[Any], Any] = np.linalg.norm
    if "wrong-norm" in mistake:
        norm = _one_norm
    elif "wrong-norm-max" in mistake:
        norm = lambda v: float(np.max(np.abs(v)))  # noqa: E731
    # the 1-norm in one place only: the numerator, or the denominator's norms
    top = _one_norm if "wrong-norm-numerator" in mistake else norm
    bottom = _one_norm if "wrong-norm-denominator" in mistake else norm
    numerator = top(grad - approx)
    if "no-norm" in mistake:
        return numerator
    if "no-norm-residual" in mistake:
        return grad - approx
    if "no-norm-elementwise" in mistake:  # each entry's relative difference, not the vectors'
        with np.errstate(all="ignore"):
            return np.abs(grad - approx) / (np.abs(grad) + np.abs(approx))
    if "denominator-grad-only" in mistake:
        return numerator / bottom(grad)
    if "denominator-sum" in mistake:
        return numerator / bottom(grad + approx)
    return numerator / (bottom(grad) + bottom(approx))


def _one_norm(v: Any) -> float:
    return float(np.sum(np.abs(v)))


def _slope(j_plus: Any, j_mid: Any, j_minus: Any, epsilon: float, mistake: frozenset[str]) -> Any:
    if "one-sided" in mistake:
        return (j_plus - j_mid) / epsilon
    if "one-sided-backward" in mistake:
        return (j_mid - j_minus) / epsilon
    if "divide-by-eps" in mistake:
        return (j_plus - j_minus) / epsilon
    return (j_plus - j_minus) / (2 * epsilon)


def check_1d(mistake: str) -> Callable[..., Any]:
    """gradient_check with one mistake, or several."""
    switches = parts(mistake)
    inline = any(p.startswith("inlines-") for p in switches)

    def f(x: Any, theta: Any, epsilon: float = 1e-7) -> Any:
        def J(x_: Any, t: Any) -> Any:
            return t * x_ if inline else forward_propagation(x_, t)

        if "perturbs-x" in switches:  # the slope in x, taken with whatever slope mistake
            approx = _slope(
                J(x + epsilon, theta), J(x, theta), J(x - epsilon, theta), epsilon, switches
            )
        else:
            approx = _slope(
                J(x, theta + epsilon), J(x, theta), J(x, theta - epsilon), epsilon, switches
            )
        grad = x if "inlines-both" in switches else backward_propagation(x, theta)
        return _difference(grad, approx, switches)

    return f


def check_n(mistake: str) -> Callable[..., Any]:
    """gradient_check_n with one mistake, or several."""
    switches = parts(mistake)

    def f(parameters: dict, gradients: dict, X: Any, Y: Any, epsilon: float = 1e-7) -> Any:
        grad = gradients_to_vector(gradients, parameters)
        pattern = next((k for k in ("no-reset", "no-reset-in-place") if k in switches), "reset")
        j_plus, j_mid, j_minus = _costs(parameters, X, Y, epsilon, pattern)
        return _difference(grad, _slope(j_plus, j_mid, j_minus, epsilon, switches), switches)

    return f


_COSTS: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}
"""The costs `_costs` worked out, by a digest of their inputs and the perturbation pattern:
every mutant of gradient_check_n with one pattern needs the same costs on a case, so a case's
2n forward passes are made once a pattern, not once for each of its hundred mutants. (Each
mutant's call gets a copy of the case's inputs, so the key is their content.)"""


def _costs(
    parameters: dict, X: Any, Y: Any, epsilon: float, pattern: str = "reset"
) -> tuple[Any, Any, Any]:
    """J with each entry of theta moved by +epsilon, J itself, and J with each moved by
    -epsilon (column vectors), through the forward_propagation_n bound now. `pattern` says how
    the perturbations are made: each from a fresh copy ("reset"), or piling up ("no-reset": one
    copy for the + side and one for the - side, made once; "no-reset-in-place": theta itself,
    each entry moved up, then down by 2 epsilon, and left there)."""
    digest = hashlib.sha256()
    for part in (dictionary_to_vector(parameters), np.asarray(X), np.asarray(Y)):
        digest.update(repr((part.shape, part.dtype.str)).encode())
        digest.update(np.ascontiguousarray(part).tobytes())
    shapes = tuple((k, np.shape(v)) for k, v in parameters.items())
    key = (digest.digest(), shapes, float(epsilon), id(forward_propagation_n), pattern)
    held = _COSTS.get(key)
    if held is not None:
        return held
    if len(_COSTS) > 64:
        _COSTS.clear()
    theta = dictionary_to_vector(parameters)
    n = theta.shape[0]
    j_mid = forward_propagation_n(X, Y, parameters)[0]
    j_plus, j_minus = np.zeros((n, 1)), np.zeros((n, 1))

    def J(vector: Any) -> Any:
        return forward_propagation_n(X, Y, vector_to_dictionary(vector, parameters))[0]

    plus, minus = np.copy(theta), np.copy(theta)
    for i in range(n):
        if pattern == "no-reset-in-place":
            theta[i] += epsilon
            j_plus[i] = J(theta)
            theta[i] -= 2 * epsilon
            j_minus[i] = J(theta)
            continue
        if pattern == "reset":
            plus, minus = np.copy(theta), np.copy(theta)
        plus[i] += epsilon
        minus[i] -= epsilon
        j_plus[i] = J(plus)
        j_minus[i] = J(minus)
    costs = (j_plus, j_mid, j_minus)
    _COSTS[key] = costs
    return costs


SHARED = ("one-sided", "divide-by-eps", "denominator-grad-only", "denominator-sum")
# gc-wrong-norm has no 1-D mutant: for scalars every p-norm is abs(), which the contract accepts
# as a correct style, so the mistake exists (and is found) only in gradient_check_n.
SPELLINGS = {
    "one-sided-backward": "gc-one-sided",
    "no-norm-residual": "gc-no-norm",
    "no-norm-elementwise": "gc-no-norm",
    "wrong-norm-max": "gc-wrong-norm",
    "wrong-norm-numerator": "gc-wrong-norm",
    "wrong-norm-denominator": "gc-wrong-norm",
    "no-reset-in-place": "gc-no-reset",
    "inlines-both": "gc-inlines-forward",
}
"""Other spellings of a mistake: the mutant's switch -> its catalogue id."""


def _mutant(function: str, make: Callable[[str], Callable[..., Any]], k: str) -> Mutant:
    if k in SPELLINGS:
        return Mutant(SPELLINGS[k], function, make(k), spelling=k)
    spelling = {"no-norm": "numerator"}.get(k, "")
    return Mutant(f"gc-{k}", function, make(k), spelling=spelling)


SLOPE_IDS = {
    "one-sided": "gc-one-sided",
    "one-sided-backward": "gc-one-sided",
    "divide-by-eps": "gc-divide-by-eps",
}
DIFFERENCE_IDS = {
    "denominator-grad-only": "gc-denominator-grad-only",
    "denominator-sum": "gc-denominator-sum",
    "no-norm": "gc-no-norm",
}
NORM_IDS = {
    "wrong-norm": "gc-wrong-norm",
    "wrong-norm-max": "gc-wrong-norm",
    "wrong-norm-numerator": "gc-wrong-norm",
    "wrong-norm-denominator": "gc-wrong-norm",
}
RESET_IDS = {"no-reset": "gc-no-reset"}
ONE_D_SLOPE_IDS = {**SLOPE_IDS, "perturbs-x": "gc-perturbs-x"}
INLINE = ("inlines-forward", "inlines-both")
EXACT_FOR_LINEAR = ("one-sided", "one-sided-backward")
"""Slopes that are exact for a linear J: with an inline J = theta x, no test sees them."""
"""A check that computes J (and its derivative) itself: gc-inlines-forward, which a probe
finds by behaviour; combined with a formula mistake, the formula's id is named too."""


def _combined(function: str, make: Callable[[str], Callable[..., Any]]) -> list[Mutant]:
    """Every formula of two or three mistakes at once (a slope, a difference, a norm, an inline
    J). The mutants' outputs are the formulas' property, computed here on the instructor's
    side: a recogniser computing them would ship the solution's arithmetic in the student
    bundle."""
    if function == "gradient_check":
        return [
            *combined(
                function,
                make,
                [ONE_D_SLOPE_IDS, DIFFERENCE_IDS, dict.fromkeys(INLINE, "")],
                _unseen,
            ),
            # The slope in x over eps (one-sided slopes in x are exact for a linear J)
            *combined(
                function,
                make,
                [
                    {"perturbs-x": "gc-perturbs-x"},
                    {"divide-by-eps": "gc-divide-by-eps"},
                    DIFFERENCE_IDS,
                ],
                lambda parts: not {"perturbs-x", "divide-by-eps"} <= parts,
            ),
            # An inline J's one-sided slope is exact, so only the inline J is named; these
            # are what a check that also takes a one-sided slope returns.
            *combined(
                function,
                make,
                [dict.fromkeys(EXACT_FOR_LINEAR, ""), {"inlines-forward": "gc-inlines-forward"}],
            ),
        ]
    return [
        *combined(function, make, [SLOPE_IDS, DIFFERENCE_IDS, NORM_IDS], _unseen),
        # Perturbations that pile up, with a slope or a difference mistake (not with the norms:
        # each of these mutants makes its own 2n forward passes a case, which no memo shares).
        *(
            m
            for m in combined(function, make, [SLOPE_IDS, DIFFERENCE_IDS, RESET_IDS], _unseen)
            if "no-reset" in parts(m.spelling)
        ),
    ]


def _unseen(parts: frozenset[str]) -> bool:
    """Combinations where one mistake cannot change the result, so that no test can see it
    and no name is given for it:
    - a one-sided slope with an inline J = theta x: for a linear J it is exact;
    - any formula mistake with J and its derivative x both inline: approx is then a fixed
      multiple of grad, so every formula's result is one number whatever the inputs (1/3 for a
      slope over eps), which a constant answer would match;
    - over norm(grad + approx) in 1-norms, when grad and approx agree in sign entry by entry
      (then it is the sum of their 1-norms): always with the denominator's norms alone in
      1-norm, and with a one-sided slope on these cases (with the central slope, some case
      tells the pair from the 1-norm alone: tests/test_diagnose.py checks it);
    - a 1-norm numerator with no denominator is the 1-norm everywhere."""
    inline = parts & set(INLINE)
    if inline and parts & set(EXACT_FOR_LINEAR):
        return True
    if "inlines-both" in parts:
        return True
    if "denominator-sum" in parts and "wrong-norm-denominator" in parts:
        return True
    if {"denominator-sum", "wrong-norm", "one-sided"} <= parts:
        return True  # the cases' grad and one-sided approx agree in sign entry by entry
    if "no-norm" in parts and "wrong-norm-denominator" in parts:
        return True  # no denominator: its norm is never taken
    return "no-norm" in parts and "wrong-norm-numerator" in parts


MUTANTS: list[Mutant] = [
    *(
        _mutant("gradient_check", check_1d, k)
        for k in (
            *SHARED,
            "one-sided-backward",
            "no-norm",
            "no-norm-residual",
            "inlines-forward",
            "inlines-both",
            "perturbs-x",
        )
    ),
    *(
        _mutant("gradient_check_n", check_n, k)
        for k in (
            *SHARED,
            "one-sided-backward",
            "no-norm",
            "no-norm-residual",
            "no-norm-elementwise",
            "wrong-norm",
            "wrong-norm-max",
            "wrong-norm-numerator",
            "wrong-norm-denominator",
            "no-reset",
            "no-reset-in-place",
        )
    ),
    *_combined("gradient_check", check_1d),
    *_combined("gradient_check_n", check_n),
]
