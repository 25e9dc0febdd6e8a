"""The provided 3-layer network and its cost, checked against finite differences and by hand."""

import numpy as np

from coursekit.network import (
    backward_propagation,
    compute_cost,
    forward_propagation,
    predict,
    sigmoid,
    update_parameters,
)
from tests.conftest import finite_difference


def test_sigmoid_is_stable_and_exact():
    z = np.array([[-1000.0, -1.0, 0.0, 1.0, 1000.0]])
    out = sigmoid(z)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out[0, 1:4], [1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-1))])


def test_cost_by_hand():
    A3 = np.array([[0.8, 0.1]])
    Y = np.array([[1, 0]])
    expected = -(np.log(0.8) + np.log(0.9)) / 2
    assert np.isclose(compute_cost(A3, Y), expected)


def test_backward_matches_finite_differences(small_net):
    X, Y, params = small_net

    def cost() -> float:
        return compute_cost(forward_propagation(X, params)[0], Y)

    grads = backward_propagation(X, Y, forward_propagation(X, params)[1])
    for key in params:
        np.testing.assert_allclose(
            grads["d" + key],
            finite_difference(cost, params[key]),
            rtol=1e-5,
            atol=1e-8,
            err_msg=key,
        )


def test_update_and_predict(small_net):
    X, Y, params = small_net
    grads = backward_propagation(X, Y, forward_propagation(X, params)[1])
    new = update_parameters(params, grads, 0.5)
    np.testing.assert_allclose(new["W2"], params["W2"] - 0.5 * grads["dW2"])
    assert compute_cost(forward_propagation(X, new)[0], Y) < compute_cost(
        forward_propagation(X, params)[0], Y
    )
    p = predict(X, params)
    assert p.shape == (1, 5) and set(np.unique(p)) <= {0, 1}
