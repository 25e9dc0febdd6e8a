"""Known mistakes of the gradient-checking assignment, as variants of the reference.

The 1-D mutants look up `forward_propagation` and `backward_propagation` in this module's
globals, so the grader's bindings reach them exactly as they reach the student's function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from coursekit.gradcheck import dictionary_to_vector, gradients_to_vector, vector_to_dictionary
from grader.sandbox.bindings import course_forward_propagation_n as forward_propagation_n
from grader.sandbox.bindings import linear_backward as backward_propagation
from grader.sandbox.bindings import linear_forward as forward_propagation
from grader.spec import Mutant


def _difference(grad: Any, approx: Any, mistake: str) -> Any:
    """The relative difference, or one of its mistaken forms."""
    norm: Callable[[Any], Any]
    if mistake == "wrong-norm":
        norm = lambda v: float(np.sum(np.abs(v)))  # noqa: E731
    elif mistake == "wrong-norm-max":
        norm = lambda v: float(np.max(np.abs(v)))  # noqa: E731
    else:
        norm = np.linalg.norm
    numerator = norm(grad - approx)
    if mistake == "no-norm":
        return numerator
    if mistake == "no-norm-residual":
        return grad - approx
    if mistake == "denominator-grad-only":
        return numerator / norm(grad)
    if mistake == "denominator-sum":
        return numerator / norm(grad + approx)
    return numerator / (norm(grad) + norm(approx))


def _slope(j_plus: Any, j_mid: Any, j_minus: Any, epsilon: float, mistake: str) -> Any:
    if mistake == "one-sided":
        return (j_plus - j_mid) / epsilon
    if mistake == "one-sided-backward":
        return (j_mid - j_minus) / epsilon
    if mistake == "divide-by-eps":
        return (j_plus - j_minus) / epsilon
    return (j_plus - j_minus) / (2 * epsilon)


def check_1d(mistake: str) -> Callable[..., Any]:
    """gradient_check with one mistake."""

    def f(x: Any, theta: Any, epsilon: float = 1e-7) -> Any:
        def J(x_: Any, t: Any) -> Any:
            return t * x_ if mistake.startswith("inlines-") else forward_propagation(x_, t)

        if mistake == "perturbs-x":
            approx = (J(x + epsilon, theta) - J(x - epsilon, theta)) / (2 * epsilon)
        else:
            approx = _slope(
                J(x, theta + epsilon), J(x, theta), J(x, theta - epsilon), epsilon, mistake
            )
        grad = x if mistake == "inlines-both" else backward_propagation(x, theta)
        return _difference(grad, approx, mistake)

    return f


def check_n(mistake: str) -> Callable[..., Any]:
    """gradient_check_n with one mistake."""

    def f(parameters: dict, gradients: dict, X: Any, Y: Any, epsilon: float = 1e-7) -> Any:
        theta = dictionary_to_vector(parameters)
        grad = gradients_to_vector(gradients, parameters)
        n = theta.shape[0]
        approx = np.zeros((n, 1))
        j_mid = forward_propagation_n(X, Y, parameters)[0]
        plus, minus = np.copy(theta), np.copy(theta)
        for i in range(n):
            if mistake == "no-reset-in-place":
                plus = minus = theta  # one array, perturbed in place and never restored
                theta[i] += epsilon
                j_plus = forward_propagation_n(X, Y, vector_to_dictionary(theta, parameters))[0]
                theta[i] -= 2 * epsilon
                j_minus = forward_propagation_n(X, Y, vector_to_dictionary(theta, parameters))[0]
                approx[i] = _slope(j_plus, j_mid, j_minus, epsilon, mistake)
                continue
            if mistake != "no-reset":
                plus, minus = np.copy(theta), np.copy(theta)
            plus[i] += epsilon
            minus[i] -= epsilon
            j_plus = forward_propagation_n(X, Y, vector_to_dictionary(plus, parameters))[0]
            j_minus = forward_propagation_n(X, Y, vector_to_dictionary(minus, parameters))[0]
            approx[i] = _slope(j_plus, j_mid, j_minus, epsilon, mistake)
        return _difference(grad, approx, mistake)

    return f


SHARED = ("one-sided", "divide-by-eps", "denominator-grad-only", "denominator-sum")
# gc-wrong-norm has no 1-D mutant: for scalars every p-norm is abs(), which the contract accepts
# as a correct style, so the mistake exists (and is found) only in gradient_check_n.
SPELLINGS = {
    "one-sided-backward": "gc-one-sided",
    "no-norm-residual": "gc-no-norm",
    "wrong-norm-max": "gc-wrong-norm",
    "no-reset-in-place": "gc-no-reset",
    "inlines-both": "gc-inlines-forward",
}
"""Other spellings of a mistake: the mutant's switch -> its catalogue id."""


def _mutant(function: str, make: Callable[[str], Callable[..., Any]], k: str) -> Mutant:
    if k in SPELLINGS:
        return Mutant(SPELLINGS[k], function, make(k), spelling=k)
    spelling = {"no-norm": "numerator"}.get(k, "")
    return Mutant(f"gc-{k}", function, make(k), spelling=spelling)


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
            "wrong-norm",
            "wrong-norm-max",
            "no-reset",
            "no-reset-in-place",
        )
    ),
]
