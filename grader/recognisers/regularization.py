"""Recognisers of the regularization assignment's mistakes.

Both functions are deterministic formulas, so each mistake is a relation between the student's
output and the reference's, stated without the solution: the cost's penalty P is the expected
cost minus the course's cross-entropy, and the gradient's penalty term T<l> is the expected dW<l>
minus the course's unregularised backward pass. "lambd/m instead of lambd/(2m)" is then "the
penalty is 2P", however the student wrote the sum."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from coursekit.network import backward_propagation, compute_cost
from grader.recognise import (
    Evidence,
    Recogniser,
    as_float,
    close,
    each_failing,
    held_by_all,
)
from grader.spec import Case

COST = "compute_cost_with_regularization"
BACKWARD = "backward_propagation_with_regularization"


def _weights(parameters: dict[str, Any], prefix: str) -> list[str]:
    return [k for k in parameters if k.startswith(prefix) and k[1:].isdigit()]


def _sum_sq(parameters: dict[str, Any], keys: list[str]) -> float:
    return float(sum(np.sum(np.square(parameters[k])) for k in keys))


FACTORS = {"": 1.0, "l2-cost-lambda-over-m": 2.0, "l2-cost-no-m": None}
"""The penalty's factor relative to the right one (None: m, the number of examples)."""


def _hypotheses(ev: Evidence, case: Case) -> list[frozenset[str]] | None:
    """The sets of cost mistakes whose penalty gives the student's cost on this case (the empty
    set is the right cost); None when the output is not a number. Mistakes combine: students
    who sum W1, W2, W3 by hand (l2-cost-fixed-layers) make the others on top of it."""
    got = as_float(ev.got(case.id))
    exp = as_float(ev.expected[case.id])
    if got is None or exp is None:
        return None
    A3, Y, params = ev.args(case.id)[:3]
    m = float(Y.shape[1])
    ce = float(compute_cost(A3, Y))
    all_w = _weights(params, "W")
    total = _sum_sq(params, all_w)
    if total == 0:
        return None
    k = (exp - ce) / total  # lambd / (2m), read off the expected cost
    found: list[frozenset[str]] = []
    if np.isclose(got, ce, rtol=1e-6, atol=1e-12):
        found.append(frozenset({"l2-cost-no-penalty"}))
    first = [f"W{l}" for l in (1, 2, 3) if f"W{l}" in params]
    keysets: list[tuple[list[str], frozenset[str]]] = [(all_w, frozenset())]
    if len(first) == 3:
        # With exactly W1..W3 the same sum: such a case cannot tell fixed layers apart.
        keysets.append((first, frozenset({"l2-cost-fixed-layers"})))
    for keys, fixed in keysets:
        for bias in (False, True):
            chosen = keys + ([f"b{k[1:]}" for k in keys if f"b{k[1:]}" in params] if bias else [])
            for squared in (True, False):
                if squared:
                    S = _sum_sq(params, chosen)
                else:
                    S = float(sum(np.linalg.norm(params[c]) for c in chosen))
                for mistake, f in FACTORS.items():
                    factor = m if f is None else f
                    if np.isclose(got, ce + factor * k * S, rtol=1e-6, atol=1e-12):
                        found.append(
                            fixed
                            | {x for x in (mistake,) if x}
                            | ({"l2-cost-includes-bias"} if bias else set())
                            | (set() if squared else {"l2-cost-not-squared"})
                        )
    return found


def _cost(mistake: str) -> Callable[[Evidence, Case], bool | None]:
    """The student's cost is one with `mistake` among its mistakes."""

    def test(ev: Evidence, case: Case) -> bool | None:
        params = ev.args(case.id)[2]
        if not all(f"W{l}" in params for l in (1, 2, 3)) and ev.error_type(case.id):
            # W3 looked up and not found: fixed layers, whatever else the penalty does
            return True if mistake == "l2-cost-fixed-layers" else None
        return held_by_all(_hypotheses(ev, case), mistake)

    return test


def _grad_parts(
    ev: Evidence, case: Case
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
    """(got, expected, unregularised) gradients of a backward case, when got is a dict with at
    least the expected keys."""
    got, exp = ev.got(case.id), ev.expected[case.id]
    if not isinstance(got, dict) or not isinstance(exp, dict) or not set(exp) <= set(got):
        return None
    X, Y, cache = ev.args(case.id)[:3]
    return got, exp, dict(backward_propagation(X, Y, cache))


_FACTORS: dict[str, Callable[[int], float]] = {
    "": lambda m: 1.0,
    "l2-grad-half": lambda m: 0.5,
    "l2-grad-no-m": lambda m: float(m),
    "l2-grad-double": lambda m: 2.0,
}
_FORMS: dict[str, Callable[[np.ndarray], Any]] = {"": lambda T: T, "l2-grad-scalar": np.sum}


def _term(factor: str, form: str) -> Callable[[np.ndarray, int], Any]:
    return lambda T, m: _FACTORS[factor](m) * _FORMS[form](T)


TERMS: list[tuple[frozenset[str], Callable[[np.ndarray, int], Any]]] = [
    (frozenset({"l2-grad-no-penalty"}), lambda T, m: 0.0),
    *(
        (frozenset({factor, form} - {""}), _term(factor, form))
        for factor in _FACTORS
        for form in _FORMS
    ),
]
"""What the mistakes make of a gradient's penalty term T = (lambd/m) W (no mistake: the empty
set): a wrong factor (half, m times, double), the scalar sum instead of the matrix, or both;
or no term."""


def _grad_hypotheses(ev: Evidence, case: Case) -> list[frozenset[str]] | None:
    """The sets of backward mistakes whose gradients are the student's on this case: a penalty
    term on every dW<l> (right or mistaken), and on every db<l> the same term of b<l> or none
    (l2-grad-bias). Everything else must be right. None when the output is not a dict with the
    expected keys."""
    parts = _grad_parts(ev, case)
    if parts is None:
        return None
    got, exp, base = parts
    X, _, cache, lambd = ev.args(case.id)[:4]
    m = X.shape[1]
    k = float(lambd) / m
    weights = sorted(key for key in exp if key.startswith("dW"))
    biases = sorted(key for key in exp if key.startswith("db"))
    if not all(close(got[key], exp[key]) for key in exp if key not in {*weights, *biases}):
        return None
    found: list[frozenset[str]] = []
    for mistakes, term in TERMS:
        if not all(
            close(got[key], base[key] + term(exp[key] - base[key], m), rtol=1e-6, atol=1e-12)
            for key in weights
        ):
            continue
        for bias in (False, True):
            if all(
                close(
                    got[key],
                    exp[key] + (term(k * cache[4 * int(key[2:]) - 1], m) if bias else 0.0),
                    rtol=1e-6,
                    atol=1e-12,
                )
                for key in biases
            ):
                found.append(mistakes | ({"l2-grad-bias"} if bias else set()))
    return found


def _grad(mistake: str) -> Callable[[Evidence, Case], bool | None]:
    """The student's gradients are ones with `mistake` among their mistakes."""

    def test(ev: Evidence, case: Case) -> bool | None:
        return held_by_all(_grad_hypotheses(ev, case), mistake)

    return test


def _r(mistake: str, function: str, prop: str, test: Callable[..., bool | None]) -> Recogniser:
    return Recogniser(mistake, frozenset({function}), prop, each_failing(test))


COST_MISTAKES = {
    "l2-cost-no-penalty": "the cost is the cross-entropy alone",
    "l2-cost-lambda-over-m": "the penalty is twice the right one (lambd/m)",
    "l2-cost-no-m": "the penalty is m times the right one (lambd/2)",
    "l2-cost-includes-bias": "the penalty sums the squares of the biases too",
    "l2-cost-not-squared": "the penalty sums the Frobenius norms of the W<l>, not their squares",
    "l2-cost-fixed-layers": "the penalty covers W1, W2, W3 only (raising when there are fewer)",
}

RECOGNISERS: list[Recogniser] = [
    *(_r(mistake, COST, prop, _cost(mistake)) for mistake, prop in COST_MISTAKES.items()),
    _r(
        "l2-grad-no-penalty",
        BACKWARD,
        "every dW<l> is the unregularised gradient",
        _grad("l2-grad-no-penalty"),
    ),
    _r(
        "l2-grad-half",
        BACKWARD,
        "every dW<l> penalty term is halved",
        _grad("l2-grad-half"),
    ),
    _r(
        "l2-grad-no-m",
        BACKWARD,
        "every dW<l> penalty term is m times too large (lambd * W)",
        _grad("l2-grad-no-m"),
    ),
    _r(
        "l2-grad-double",
        BACKWARD,
        "every dW<l> penalty term is doubled",
        _grad("l2-grad-double"),
    ),
    _r(
        "l2-grad-bias",
        BACKWARD,
        "every db<l> has the penalty term of b<l> added (as the dW<l> have theirs, right or not)",
        _grad("l2-grad-bias"),
    ),
    _r(
        "l2-grad-scalar",
        BACKWARD,
        "every dW<l> has the scalar sum of its penalty term's entries added",
        _grad("l2-grad-scalar"),
    ),
]
