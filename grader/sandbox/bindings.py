"""Replacement functions a test can bind to a notebook name for the length of one call.

`gradient_check` must call the notebook's `forward_propagation` and `backward_propagation` by
name; binding a nonlinear J (or a wrong derivative) to those names tests the check itself,
whatever the student's own 1-D functions do. Both the worker (around the student's call) and the
grader (around the reference's and the mutants' calls) apply the same bindings. Nothing here is
secret: these are course functions, and this module imports nothing from the grader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def linear_forward(x: Any, theta: Any) -> Any:
    """J(theta) = theta * x, the notebook's function."""
    return theta * x


def linear_backward(x: Any, theta: Any) -> Any:
    """dJ/dtheta = x."""
    return x


def wrong_linear_backward(x: Any, theta: Any) -> Any:
    """A wrong derivative of theta * x: x + 1."""
    return x + 1


def negated_double_linear_forward(x: Any, theta: Any) -> Any:
    """J(theta) = -2 theta x: another J, to see whether a check calls forward_propagation. Its
    slope differs from the notebook's in sign and in size, so a check whose result depends only
    on the signs of grad and approx (norm(grad + approx) / (norm(grad) + norm(approx)) is 1 in
    1-D whenever they agree) or only on their sizes still changes its result."""
    return -2 * theta * x


def cubic_forward(x: Any, theta: Any) -> Any:
    """J(theta) = x * theta**3: nonlinear, so one-sided and centred differences disagree."""
    return x * theta**3


def cubic_backward(x: Any, theta: Any) -> Any:
    """dJ/dtheta = 3 x theta**2."""
    return 3 * x * theta**2


def wrong_cubic_backward(x: Any, theta: Any) -> Any:
    """A wrong derivative of x * theta**3: 2 x theta**2."""
    return 2 * x * theta**2


def course_forward_propagation_n(X: Any, Y: Any, parameters: Any) -> Any:
    """The course's forward_propagation_n, whatever the notebook's copy became."""
    from coursekit.gradcheck import forward_propagation_n

    return forward_propagation_n(X, Y, parameters)


class PerturbationsAccumulate(Exception):
    """Raised by reset_guard_forward_propagation_n: the parameters it was handed have more than
    one entry perturbed, so a gradient check did not start each entry from an unperturbed copy."""


def reset_guard_forward_propagation_n(X: Any, Y: Any, parameters: Any) -> Any:
    """The course's forward_propagation_n for parameters that are all zero unperturbed: it
    raises PerturbationsAccumulate when more than one entry is non-zero, but not all of them
    (a check that moves every entry at once makes another mistake, which its scored cases
    show: the entries of one that does not reset pile up one by one)."""
    import numpy as np

    perturbed = sum(int(np.count_nonzero(v)) for v in parameters.values())
    entries = sum(int(np.size(v)) for v in parameters.values())
    if 1 < perturbed < entries:
        raise PerturbationsAccumulate(
            f"forward_propagation_n was handed {perturbed} perturbed entries at once"
        )
    return course_forward_propagation_n(X, Y, parameters)


BINDINGS: dict[str, Callable[..., Any]] = {
    f.__name__: f
    for f in (
        linear_forward,
        linear_backward,
        wrong_linear_backward,
        negated_double_linear_forward,
        cubic_forward,
        cubic_backward,
        wrong_cubic_backward,
        course_forward_propagation_n,
        reset_guard_forward_propagation_n,
    )
}
