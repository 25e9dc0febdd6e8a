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
from grader.recognise import Evidence, Recogniser, as_float, close, each_failing
from grader.spec import Case

COST = "compute_cost_with_regularization"
BACKWARD = "backward_propagation_with_regularization"


def _weights(parameters: dict[str, Any], prefix: str) -> list[str]:
    return [k for k in parameters if k.startswith(prefix) and k[1:].isdigit()]


def _cost_parts(ev: Evidence, case: Case) -> tuple[float, float, float] | None:
    """(got, cross-entropy, P) for a cost case; None when the output is not a number."""
    got = as_float(ev.got(case.id))
    exp = as_float(ev.expected[case.id])
    if got is None or exp is None:
        return None
    A3, Y = ev.args(case.id)[0], ev.args(case.id)[1]
    ce = float(compute_cost(A3, Y))
    return got, ce, exp - ce


def _cost(penalty: Callable[[Evidence, Case, float], float | None]) -> Callable[..., bool | None]:
    """The cost is the cross-entropy plus penalty(P) instead of P."""

    def test(ev: Evidence, case: Case) -> bool | None:
        parts = _cost_parts(ev, case)
        if parts is None:
            return False
        got, ce, P = parts
        want = penalty(ev, case, P)
        if want is None:
            return False
        if np.isclose(want, P, rtol=1e-9, atol=1e-15):
            return None  # the mistake does not show here (lambd = 0)
        return bool(np.isclose(got, ce + want, rtol=1e-6, atol=1e-12))

    return test


def _sum_sq(parameters: dict[str, Any], keys: list[str]) -> float:
    return float(sum(np.sum(np.square(parameters[k])) for k in keys))


def _ratio(ev: Evidence, case: Case, P: float, numerator: float) -> float:
    params = ev.args(case.id)[2]
    total = _sum_sq(params, _weights(params, "W"))
    return P * numerator / total if total else P


def _with_bias(ev: Evidence, case: Case, P: float) -> float:
    params = ev.args(case.id)[2]
    keys = _weights(params, "W") + _weights(params, "b")
    return _ratio(ev, case, P, _sum_sq(params, keys))


def _not_squared(ev: Evidence, case: Case, P: float) -> float:
    params = ev.args(case.id)[2]
    norms = float(sum(np.linalg.norm(params[k]) for k in _weights(params, "W")))
    return _ratio(ev, case, P, norms)


def _fixed_layers(ev: Evidence, case: Case) -> bool | None:
    params = ev.args(case.id)[2]
    first = [f"W{l}" for l in (1, 2, 3)]
    if not all(k in params for k in first):
        return ev.error_type(case.id) != ""  # W3 looked up and not found (KeyError, TypeError)
    return _cost(lambda e, c, P: _ratio(e, c, P, _sum_sq(params, first)))(ev, case)


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


def _others_right(ev: Evidence, case: Case, got: dict, exp: dict, keys: set[str]) -> bool:
    return all(close(got[k], exp[k]) for k in exp if k not in keys)


def _grad(term: Callable[[np.ndarray, np.ndarray, int], Any]) -> Callable[..., bool | None]:
    """Every dW<l> is the unregularised gradient plus term(T<l>, W<l>, m) instead of T<l>."""

    def test(ev: Evidence, case: Case) -> bool | None:
        parts = _grad_parts(ev, case)
        if parts is None:
            return False
        got, exp, base = parts
        keys = {k for k in exp if k.startswith("dW")}
        if not _others_right(ev, case, got, exp, keys):
            return False
        X, cache = ev.args(case.id)[0], ev.args(case.id)[2]
        m = X.shape[1]
        shows = False
        for k in sorted(keys):
            l = int(k[2:])
            W = cache[4 * l - 2]
            T = exp[k] - base[k]
            want = base[k] + term(T, W, m)
            if not close(got[k], want, rtol=1e-6, atol=1e-12):
                return False
            shows = shows or not close(want, exp[k], rtol=1e-9, atol=1e-15)
        return True if shows else None

    return test


def _grad_bias(ev: Evidence, case: Case) -> bool | None:
    parts = _grad_parts(ev, case)
    if parts is None:
        return False
    got, exp, _ = parts
    keys = {k for k in exp if k.startswith("db")}
    if not _others_right(ev, case, got, exp, keys):
        return False
    X, _, cache, lambd = ev.args(case.id)[:4]
    k = float(lambd) / X.shape[1]
    if k == 0:
        return None
    for key in keys:
        b = cache[4 * int(key[2:]) - 1]
        if not close(got[key], exp[key] + k * b, rtol=1e-6, atol=1e-12):
            return False
    return True


def _r(mistake: str, function: str, prop: str, test: Callable[..., bool | None]) -> Recogniser:
    return Recogniser(mistake, frozenset({function}), prop, each_failing(test))


RECOGNISERS: list[Recogniser] = [
    _r(
        "l2-cost-no-penalty",
        COST,
        "the cost is the cross-entropy alone",
        _cost(lambda e, c, P: 0.0),
    ),
    _r(
        "l2-cost-lambda-over-m",
        COST,
        "the penalty is twice the right one (lambd/m)",
        _cost(lambda e, c, P: 2 * P),
    ),
    _r(
        "l2-cost-no-m",
        COST,
        "the penalty is m times the right one (lambd/2)",
        _cost(lambda e, c, P: P * ev_m(e, c)),
    ),
    _r(
        "l2-cost-includes-bias",
        COST,
        "the penalty sums the squares of the biases too",
        _cost(_with_bias),
    ),
    _r(
        "l2-cost-not-squared",
        COST,
        "the penalty sums the Frobenius norms of the W<l>, not their squares",
        _cost(_not_squared),
    ),
    _r(
        "l2-cost-fixed-layers",
        COST,
        "the penalty covers W1, W2, W3 only (raising when the dict has fewer)",
        _fixed_layers,
    ),
    _r(
        "l2-grad-no-penalty",
        BACKWARD,
        "every dW<l> is the unregularised gradient",
        _grad(lambda T, W, m: 0.0),
    ),
    _r(
        "l2-grad-half", BACKWARD, "every dW<l> penalty term is halved", _grad(lambda T, W, m: T / 2)
    ),
    _r(
        "l2-grad-no-m",
        BACKWARD,
        "every dW<l> penalty term is m times too large (lambd * W)",
        _grad(lambda T, W, m: m * T),
    ),
    _r(
        "l2-grad-double",
        BACKWARD,
        "every dW<l> penalty term is doubled",
        _grad(lambda T, W, m: 2 * T),
    ),
    _r(
        "l2-grad-bias",
        BACKWARD,
        "the dW<l> are right and every db<l> has (lambd/m) b<l> added",
        _grad_bias,
    ),
    _r(
        "l2-grad-scalar",
        BACKWARD,
        "every dW<l> has the scalar sum of its penalty term's entries added",
        _grad(lambda T, W, m: np.sum(T)),
    ),
]


def ev_m(ev: Evidence, case: Case) -> float:
    """m, the number of examples of a cost case."""
    return float(ev.args(case.id)[1].shape[1])
