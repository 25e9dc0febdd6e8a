"""Tests of the regularization assignment."""

from __future__ import annotations

import numpy as np

from coursekit.network import forward_propagation, sigmoid
from grader.instructor.specs._common import labels, net_params
from grader.spec import AssignmentSpec, Case, FunctionSpec, Inputs


def cost_inputs(seed: int, dims: list[int], m: int, lambd: float) -> Inputs:
    """A3, Y, a parameter dict of any depth, lambd."""
    rng = np.random.default_rng(seed)
    params = net_params(rng, dims, bias=1.0)  # large biases: penalising them shows
    A3 = sigmoid(rng.normal(size=(1, m)))
    return ((A3, labels(rng, m), params, lambd), {})


def backward_inputs(seed: int, dims: list[int], m: int, lambd: float) -> Inputs:
    """X, Y, the cache of a forward pass, lambd."""
    rng = np.random.default_rng(seed)
    params = net_params(rng, dims, bias=0.5)
    X = rng.normal(size=(dims[0], m))
    _, cache = forward_propagation(X, params)
    return ((X, labels(rng, m), cache, lambd), {})


SPEC = AssignmentSpec(
    name="regularization",
    reference="reference.regularization",
    functions=(
        FunctionSpec(
            "compute_cost_with_regularization",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: cost_inputs(1, [3, 2, 3, 1], 5, 0.1),
                    summary="a 3-layer [3, 2, 3, 1] parameter dict, m = 5, lambd = 0.1",
                ),
                Case("hidden-1", "hidden", 2, lambda: cost_inputs(2, [4, 3, 1], 8, 0.7)),
                Case("hidden-2", "hidden", 2, lambda: cost_inputs(3, [2, 5, 4, 3, 1], 20, 1.5)),
                Case("hidden-3", "hidden", 1, lambda: cost_inputs(4, [3, 4, 2, 1], 12, 0.0)),
                Case("hidden-4", "hidden", 1, lambda: cost_inputs(5, [5, 5, 5, 1], 3, 3.0)),
            ),
        ),
        FunctionSpec(
            "backward_propagation_with_regularization",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: backward_inputs(1, [3, 2, 3, 1], 5, 0.7),
                    summary="X of shape (3, 5), a [3, 2, 3, 1] network's cache, lambd = 0.7",
                ),
                Case("hidden-1", "hidden", 2, lambda: backward_inputs(2, [4, 6, 3, 1], 10, 0.1)),
                Case("hidden-2", "hidden", 2, lambda: backward_inputs(3, [2, 20, 3, 1], 16, 1.5)),
                Case("hidden-3", "hidden", 1, lambda: backward_inputs(4, [3, 3, 3, 1], 4, 0.0)),
            ),
        ),
    ),
)
