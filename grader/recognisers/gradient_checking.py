"""Recognisers of the gradient-checking assignment's mistakes."""

from __future__ import annotations

from grader.recognise import Recogniser, exact

ONE = "gradient_check"
N = "gradient_check_n"
BOTH = (ONE, N)

RECOGNISERS: list[Recogniser] = [
    exact("gc-one-sided", BOTH, "a one-sided difference"),
    exact("gc-divide-by-eps", BOTH, "(J+ - J-) / eps"),
    exact("gc-no-reset", (N,), "perturbations accumulate"),
    exact("gc-denominator-grad-only", BOTH, "denominator norm(grad)"),
    exact("gc-denominator-sum", BOTH, "denominator norm(grad + approx)"),
    exact("gc-wrong-norm", (N,), "another norm"),
    exact("gc-no-norm", BOTH, "unnormalised"),
    exact("gc-inlines-forward", (ONE,), "theta * x inline"),
    exact("gc-perturbs-x", (ONE,), "x perturbed"),
]
