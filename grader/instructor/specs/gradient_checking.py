"""Tests of the gradient-checking assignment.

`gradient_check` is tested with the notebook's forward_propagation and backward_propagation
rebound for each call: a cubic J with a large epsilon (where one-sided and centred differences
disagree and the right difference is well above rounding), and wrong derivatives (where the
check must report a large difference). Probes (never scored) rebind forward_propagation to
another J, to see whether the check calls it. `gradient_check_n` gets correct and buggy
gradients with the course's forward_propagation_n, and a probe whose forward_propagation_n
raises when perturbations accumulate."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from coursekit.gradcheck import forward_propagation_n
from grader.instructor.specs._common import labels, net_params
from grader.spec import AssignmentSpec, Case, FunctionSpec, Inputs, Tolerance
from reference.gradient_checking import backward_propagation_n

LINEAR = MappingProxyType(
    {"forward_propagation": "linear_forward", "backward_propagation": "linear_backward"}
)
WRONG_LINEAR = MappingProxyType(
    {"forward_propagation": "linear_forward", "backward_propagation": "wrong_linear_backward"}
)
CUBIC = MappingProxyType(
    {"forward_propagation": "cubic_forward", "backward_propagation": "cubic_backward"}
)
WRONG_CUBIC = MappingProxyType(
    {"forward_propagation": "cubic_forward", "backward_propagation": "wrong_cubic_backward"}
)
REBOUND = MappingProxyType(
    {
        "forward_propagation": "negated_double_linear_forward",
        "backward_propagation": "wrong_linear_backward",
    }
)
"""WRONG_LINEAR with another J: a check that calls forward_propagation changes its result."""
NET = MappingProxyType({"forward_propagation_n": "course_forward_propagation_n"})
GUARDED = MappingProxyType({"forward_propagation_n": "reset_guard_forward_propagation_n"})
"""A forward_propagation_n that raises when more than one parameter entry is perturbed."""
NAN = float("nan")

#: Every scored case expects a difference well above rounding noise (a wrong derivative, or a
#: cubic J with epsilon >= 1e-3), so a constant such as 0.0 passes none of them.
EXACT = Tolerance(rtol=1e-4, atol=1e-12)


def xt(x: float, theta: float, **kwargs: float) -> Inputs:
    """Arguments of the 1-D functions."""
    return ((x, theta), dict(kwargs))


def net_inputs(
    seed: int, dims: list[int], m: int, bugs: bool, zero: bool = False, **kwargs: float
) -> Inputs:
    """parameters (all zero for the reset probe), gradients (right, or with two planted bugs),
    X, Y."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    Y = labels(rng, m)
    params = net_params(rng, dims, bias=0.5)
    if zero:
        params = {k: np.zeros_like(v) for k, v in params.items()}
    grads = backward_propagation_n(X, Y, forward_propagation_n(X, Y, params)[1])
    if bugs:
        grads = dict(grads, dW2=grads["dW2"] * 2, db1=grads["db1"] * 4)
    return ((params, grads, X, Y), dict(kwargs))


SPEC = AssignmentSpec(
    name="gradient_checking",
    reference="reference.gradient_checking",
    functions=(
        FunctionSpec(
            "forward_propagation",
            5,
            (
                Case("public-1", "public", 1, lambda: xt(3, 4), summary="x = 3, theta = 4"),
                Case("hidden-1", "hidden", 1, lambda: xt(-2.5, 0.3)),
                Case("hidden-2", "hidden", 1, lambda: xt(1.25, -2.0)),
            ),
        ),
        FunctionSpec(
            "backward_propagation",
            5,
            (
                Case("public-1", "public", 1, lambda: xt(3, 4), summary="x = 3, theta = 4"),
                Case("hidden-1", "hidden", 1, lambda: xt(-2.5, 0.3)),
                Case("hidden-2", "hidden", 1, lambda: xt(1.75, -6.0)),
            ),
        ),
        FunctionSpec(
            "gradient_check",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: xt(1.5, 2.0, epsilon=1e-2),
                    bindings=CUBIC,
                    tol=EXACT,
                    summary="x = 1.5, theta = 2, epsilon = 0.01, with J = x theta^3 and its "
                    "right derivative bound to forward_propagation and backward_propagation",
                ),
                Case(
                    "public-2",
                    "public",
                    2,
                    lambda: xt(3.0, 4.0),
                    bindings=WRONG_LINEAR,
                    tol=EXACT,
                    summary="x = 3, theta = 4, the notebook's J = theta x with a wrong "
                    "derivative (x + 1) bound to backward_propagation",
                ),
                Case(
                    "public-3",
                    "public",
                    0,
                    lambda: xt(3.0, 4.0),
                    bindings=REBOUND,
                    tol=EXACT,
                    same_inputs_as="public-2",
                    probe=True,
                ),
                Case("public-4", "public", 0, lambda: xt(NAN, 4.0), bindings=LINEAR, probe=True),
                Case(
                    "hidden-1",
                    "hidden",
                    2,
                    lambda: xt(0.4, 2.0, epsilon=1e-3),
                    bindings=WRONG_LINEAR,
                    tol=EXACT,
                ),
                Case(
                    "hidden-2",
                    "hidden",
                    2,
                    lambda: xt(0.7, -1.3, epsilon=1e-3),
                    bindings=WRONG_CUBIC,
                    tol=EXACT,
                ),
                Case(
                    "hidden-3",
                    "hidden",
                    2,
                    lambda: xt(2.0, 0.5, epsilon=1e-3),
                    bindings=CUBIC,
                    tol=EXACT,
                ),
                Case(
                    "hidden-4",
                    "hidden",
                    1,
                    lambda: xt(-1.2, 1.7, epsilon=0.1),
                    bindings=CUBIC,
                    tol=EXACT,
                ),
                Case(
                    "hidden-5", "hidden", 1, lambda: xt(2.0, 0.5), bindings=WRONG_CUBIC, tol=EXACT
                ),
                Case(
                    "hidden-6",
                    "hidden",
                    0,
                    lambda: xt(0.4, 2.0, epsilon=1e-3),
                    bindings=REBOUND,
                    tol=EXACT,
                    same_inputs_as="hidden-1",
                    probe=True,
                ),
                Case("hidden-7", "hidden", 0, lambda: xt(NAN, 0.5), bindings=LINEAR, probe=True),
                Case(
                    "hidden-8",
                    "hidden",
                    1,
                    lambda: xt(-0.4, 2.0, epsilon=1e-3),
                    bindings=WRONG_LINEAR,
                    tol=EXACT,
                ),
            ),
        ),
        FunctionSpec(
            "gradient_check_n",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    1,
                    lambda: net_inputs(1, [4, 5, 3, 1], 3, bugs=False, epsilon=1e-2),
                    bindings=NET,
                    tol=EXACT,
                    summary="a [4, 5, 3, 1] network, m = 3, correct gradients, epsilon = 0.01",
                ),
                Case(
                    "public-2",
                    "public",
                    1,
                    lambda: net_inputs(1, [4, 5, 3, 1], 3, bugs=True),
                    bindings=NET,
                    tol=EXACT,
                    summary="the same network with two wrong gradient entries (dW2, db1)",
                ),
                Case(
                    "public-3",
                    "public",
                    0,
                    lambda: net_inputs(1, [4, 5, 3, 1], 3, bugs=False, zero=True),
                    bindings=GUARDED,
                    tol=EXACT,
                    probe=True,
                ),
                Case(
                    "hidden-1",
                    "hidden",
                    2,
                    lambda: net_inputs(2, [3, 4, 2, 1], 5, bugs=True, epsilon=1e-4),
                    bindings=NET,
                    tol=EXACT,
                ),
                Case(
                    "hidden-2",
                    "hidden",
                    2,
                    lambda: net_inputs(3, [2, 3, 3, 1], 6, bugs=False, epsilon=1e-3),
                    bindings=NET,
                    tol=EXACT,
                ),
                Case(
                    "hidden-3",
                    "hidden",
                    2,
                    lambda: net_inputs(4, [3, 2, 2, 1], 4, bugs=True),
                    bindings=NET,
                    tol=EXACT,
                ),
                Case(
                    "hidden-4",
                    "hidden",
                    0,
                    lambda: net_inputs(5, [2, 3, 2, 1], 4, bugs=True, zero=True),
                    bindings=GUARDED,
                    tol=EXACT,
                    probe=True,
                ),
            ),
        ),
    ),
)
