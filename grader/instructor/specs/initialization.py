"""Tests of the initialization assignment."""

from __future__ import annotations

import numpy as np

from grader.instructor.specs._common import gaussian_layers, net_params
from grader.spec import AssignmentSpec, Case, FunctionSpec, Inputs


def dims(*d: int) -> Inputs:
    """layers_dims as the only argument."""
    return ((list(d),), {})


def init_cases(variance) -> tuple[Case, ...]:
    """The cases shared by the three random initializers."""
    return (
        Case(
            "public-1",
            "public",
            2,
            lambda: dims(3, 2, 1),
            seed=3,
            summary="layers_dims = [3, 2, 1], np.random.seed(3)",
        ),
        Case(
            "public-2",
            "public",
            1,
            lambda: dims(2, 4, 1),
            seed=1,
            summary="layers_dims = [2, 4, 1], np.random.seed(1)",
        ),
        Case("hidden-1", "hidden", 2, lambda: dims(5, 4, 3, 2, 1), seed=7),
        Case("hidden-2", "hidden", 1, lambda: dims(10, 6), seed=11),
        Case("hidden-3", "hidden", 1, lambda: dims(3, 2, 1), seed=4, same_inputs_as="public-1"),
        Case(
            "hidden-4",
            "hidden",
            3,
            lambda: dims(200, 150, 100),
            seed=5,
            check=gaussian_layers(variance),
        ),
    )


def _scales_inputs(seed: int, layer_dims: list[int], m: int, activation: str) -> Inputs:
    rng = np.random.default_rng(seed)
    params = net_params(rng, layer_dims, bias=0.5)
    return ((params, rng.normal(size=(layer_dims[0], m))), {"activation": activation})


SPEC = AssignmentSpec(
    name="initialization",
    reference="reference.initialization",
    functions=(
        FunctionSpec(
            "initialize_parameters_zeros",  # seeded: a zeros init that draws is reproducible
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: dims(3, 2, 1),
                    seed=1,
                    summary="layers_dims = [3, 2, 1]",
                ),
                Case("hidden-1", "hidden", 2, lambda: dims(5, 4, 3, 2, 1), seed=2),
                Case("hidden-2", "hidden", 1, lambda: dims(1, 1), seed=3),
                Case("hidden-3", "hidden", 1, lambda: dims(7, 3), seed=4),
            ),
        ),
        FunctionSpec("initialize_parameters_random", 10, init_cases(lambda n: 100.0), draws=True),
        FunctionSpec("initialize_parameters_he", 10, init_cases(lambda n: 2.0 / n), draws=True),
        FunctionSpec("initialize_parameters_xavier", 10, init_cases(lambda n: 1.0 / n), draws=True),
        FunctionSpec(
            "activation_scales",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: _scales_inputs(1, [2, 3, 2], 4, "relu"),
                    summary="a [2, 3, 2] network, X of shape (2, 4), activation='relu'",
                ),
                Case(
                    "public-2",
                    "public",
                    1,
                    lambda: _scales_inputs(2, [3, 3, 1], 5, "tanh"),
                    summary="a [3, 3, 1] network, X of shape (3, 5), activation='tanh'",
                ),
                Case(
                    "hidden-1", "hidden", 1, lambda: _scales_inputs(3, [4, 5, 5, 5, 2], 30, "relu")
                ),
                Case("hidden-2", "hidden", 1, lambda: _scales_inputs(4, [3, 6, 2], 10, "linear")),
                Case(
                    "hidden-3",
                    "hidden",
                    1,
                    lambda: _scales_inputs(5, [6, 6, 6, 6, 6, 6, 6], 50, "tanh"),
                ),
                Case("hidden-4", "hidden", 1, lambda: _scales_inputs(6, [2, 2], 3, "relu")),
            ),
        ),
    ),
)
