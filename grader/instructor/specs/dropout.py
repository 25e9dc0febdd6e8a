"""Tests of the dropout assignment."""

from __future__ import annotations

from typing import Any

import numpy as np

from coursekit.network import relu, sigmoid
from grader.compare import array_atol
from grader.instructor.specs._common import SE_BOUND, labels, net_params
from grader.spec import AssignmentSpec, Case, FunctionSpec, Inputs, Verdict
from reference.dropout import forward_propagation_with_dropout


def forward_inputs(seed: int, dims: list[int], m: int, keep_prob: float) -> Inputs:
    """X, parameters, keep_prob."""
    rng = np.random.default_rng(seed)
    return ((rng.normal(size=(dims[0], m)), net_params(rng, dims, bias=0.5), keep_prob), {})


def backward_inputs(seed: int, dims: list[int], m: int, keep_prob: float) -> Inputs:
    """X, Y, the cache of a dropout forward pass (masks drawn with its own seed), keep_prob."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    params = net_params(rng, dims, bias=0.5)
    state = np.random.get_state()
    np.random.seed(seed + 1000)
    _, cache = forward_propagation_with_dropout(X, params, keep_prob)
    np.random.set_state(state)
    return ((X, labels(rng, m), cache, keep_prob), {})


def _close(got: np.ndarray, want: np.ndarray) -> bool:
    """np.allclose's tolerances, the absolute one scaled to the array (`array_atol`): a forward
    pass computed in float32 is still inverted dropout."""
    return bool(np.allclose(got, want, rtol=1e-5, atol=array_atol(want, 1e-5, 1e-8)))


def consistent_dropout(got: Any, expected: Any, inputs: Inputs) -> Verdict:
    """Inverted dropout on A1 and A2 with masks of the right distribution, whatever the stream."""
    (X, p, keep), _ = inputs
    pair = (tuple, list)  # "return A3, cache" and its list-shaped twins are the same answer
    if not (
        isinstance(got, pair) and len(got) == 2 and isinstance(got[1], pair) and len(got[1]) == 14
    ):
        return Verdict(False, "expected (A3, cache) with a cache of 14 entries")
    A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3c, W3, b3) = got
    arrays = (A3, Z1, D1, A1, Z2, D2, A2, Z3)
    if not all(isinstance(a, np.ndarray) and a.dtype.kind in "biuf" for a in arrays):
        return Verdict(False, "the cache does not hold numeric arrays")
    want = expected[1] if isinstance(expected, tuple) and len(expected) == 2 else None
    shapes = (np.shape(want[2]), np.shape(want[6])) if want is not None else (A1.shape, A2.shape)
    if (D1.shape, D2.shape) != shapes or (A1.shape, A2.shape) != shapes:
        return Verdict(False, "a mask's shape is not its layer's: one draw per unit and example")
    try:
        for D in (D1, D2):
            if not np.all((D == 0) | (D == 1)):
                return Verdict(False, "a mask holds values other than 0 and 1")
            frac, n = float(np.mean(D)), D.size
            if abs(frac - keep) > SE_BOUND * np.sqrt(keep * (1 - keep) / n) + 1e-12:
                return Verdict(False, f"masks keep {frac:.3f} of the units, expected {keep}")
        ok = (
            _close(Z1, p["W1"] @ X + p["b1"])
            and _close(A1, relu(Z1) * D1 / keep)
            and _close(Z2, p["W2"] @ A1 + p["b2"])
            and _close(A2, relu(Z2) * D2 / keep)
            and _close(Z3, p["W3"] @ A2 + p["b3"])
            and _close(A3, sigmoid(Z3))
        )
    except (ValueError, TypeError, ArithmeticError):
        return Verdict(False, "cache entries have inconsistent shapes")
    if not ok:
        return Verdict(False, "the forward pass does not apply inverted dropout to A1 and A2")
    return Verdict(True, "inverted dropout with masks of the right distribution")


SPEC = AssignmentSpec(
    name="dropout",
    reference="reference.dropout",
    functions=(
        FunctionSpec(
            "forward_propagation_with_dropout",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: forward_inputs(1, [3, 2, 3, 1], 5, 0.7),
                    seed=1,
                    summary="X of shape (3, 5), a [3, 2, 3, 1] network, keep_prob = 0.7, "
                    "np.random.seed(1)",
                ),
                Case(
                    "hidden-1",
                    "hidden",
                    2,
                    lambda: forward_inputs(2, [4, 6, 3, 1], 10, 0.5),
                    seed=2,
                ),
                Case(
                    "hidden-2",
                    "hidden",
                    1,
                    lambda: forward_inputs(3, [2, 20, 3, 1], 12, 0.86),
                    seed=3,
                ),
                Case(
                    "hidden-3",
                    "hidden",
                    1,
                    lambda: forward_inputs(1, [3, 2, 3, 1], 5, 0.7),
                    seed=9,
                    same_inputs_as="public-1",
                ),
                Case(
                    "hidden-4", "hidden", 1, lambda: forward_inputs(4, [3, 4, 3, 1], 6, 1.0), seed=4
                ),
                Case(
                    "hidden-5",
                    "hidden",
                    3,
                    lambda: forward_inputs(5, [3, 40, 30, 1], 400, 0.6),
                    seed=5,
                    check=consistent_dropout,
                ),
            ),
            draws=True,
            returns=("A3", "cache"),
        ),
        FunctionSpec(
            "backward_propagation_with_dropout",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: backward_inputs(1, [3, 2, 3, 1], 5, 0.8),
                    summary="X of shape (3, 5), the cache of a dropout forward pass with "
                    "keep_prob = 0.8",
                ),
                Case("hidden-1", "hidden", 2, lambda: backward_inputs(2, [4, 6, 3, 1], 10, 0.5)),
                Case("hidden-2", "hidden", 2, lambda: backward_inputs(3, [2, 20, 3, 1], 16, 0.86)),
                Case("hidden-3", "hidden", 1, lambda: backward_inputs(4, [3, 3, 3, 1], 4, 0.6)),
            ),
        ),
    ),
)
