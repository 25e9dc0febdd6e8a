"""L2 cost and backward pass checked by hand and against finite differences."""

import numpy as np

from coursekit.network import compute_cost, forward_propagation
from reference.regularization import (
    backward_propagation_with_regularization,
    compute_cost_with_regularization,
)
from tests.conftest import finite_difference


def test_cost_adds_the_penalty_over_every_weight_matrix():
    A3 = np.array([[0.7, 0.2, 0.9]])
    Y = np.array([[1, 0, 1]])
    params = {
        "W1": np.ones((2, 2)),
        "b1": np.ones((2, 1)) * 5,
        "W2": np.full((1, 2), 2.0),
        "b2": np.ones((1, 1)),
        "W3": np.array([[3.0]]),
        "W4": np.array([[1.0, 1.0]]),
    }
    squares = 4 + 8 + 9 + 2  # every W<l>, no biases
    got = compute_cost_with_regularization(A3, Y, params, 0.3)
    assert isinstance(got, float)
    assert np.isclose(got, compute_cost(A3, Y) + 0.3 / (2 * 3) * squares)


def test_backward_matches_finite_differences_including_the_l2_term(small_net):
    X, Y, params = small_net
    lambd = 0.7

    def cost() -> float:
        return compute_cost_with_regularization(forward_propagation(X, params)[0], Y, params, lambd)

    grads = backward_propagation_with_regularization(X, Y, forward_propagation(X, params)[1], lambd)
    assert sorted(grads) == sorted(
        ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]
    )
    for key in params:
        np.testing.assert_allclose(
            grads["d" + key],
            finite_difference(cost, params[key]),
            rtol=1e-5,
            atol=1e-8,
            err_msg=key,
        )
