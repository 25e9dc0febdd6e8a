"""Gradient checking: vector helpers round-trip, the checks separate right from wrong gradients."""

import numpy as np
import pytest

import reference.gradient_checking as gc
from coursekit.gradcheck import (
    dictionary_to_vector,
    forward_propagation_n,
    gradients_to_vector,
    vector_to_dictionary,
)
from tests.conftest import finite_difference


def test_vector_helpers_round_trip(small_net):
    _, _, params = small_net
    theta = dictionary_to_vector(params)
    n = sum(v.size for v in params.values())
    assert theta.shape == (n, 1)
    # Layer order W1, b1, W2, ..., each in C order.
    np.testing.assert_array_equal(theta[:12, 0], params["W1"].ravel())
    np.testing.assert_array_equal(theta[12:16, 0], params["b1"].ravel())
    back = vector_to_dictionary(theta, params)
    assert back.keys() == params.keys()
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])
    grads = {"d" + k: v * 2 for k, v in params.items()}
    np.testing.assert_array_equal(gradients_to_vector(grads, params), 2 * theta)


def test_one_dimensional_check():
    assert gc.forward_propagation(3.0, 4.0) == 12.0
    assert gc.backward_propagation(3.0, 4.0) == 3.0
    assert gc.gradient_check(2.0, 4.0) < 1e-7


def test_one_dimensional_check_flags_a_wrong_gradient(monkeypatch):
    monkeypatch.setattr(gc, "backward_propagation", lambda x, theta: x + 1)
    assert gc.gradient_check(2.0, 4.0) > 0.1


def test_backward_n_matches_finite_differences(small_net):
    X, Y, params = small_net
    grads = gc.backward_propagation_n(X, Y, forward_propagation_n(X, Y, params)[1])
    for key in params:
        fd = finite_difference(lambda: forward_propagation_n(X, Y, params)[0], params[key])
        np.testing.assert_allclose(grads["d" + key], fd, rtol=1e-5, atol=1e-8, err_msg=key)


def _buggy_backward(X, Y, cache):
    grads = gc.backward_propagation_n(X, Y, cache)
    grads = dict(grads)
    grads["dW2"] = grads["dW2"] * 2
    grads["db1"] = grads["db1"] * 4
    return grads


@pytest.mark.parametrize(
    "backward, low", [(gc.backward_propagation_n, True), (_buggy_backward, False)]
)
def test_gradient_check_n_separates_correct_from_buggy(small_net, backward, low):
    X, Y, params = small_net
    grads = backward(X, Y, forward_propagation_n(X, Y, params)[1])
    difference = gc.gradient_check_n(params, grads, X, Y)
    assert isinstance(difference, float)
    assert (difference < 1e-7) if low else (difference > 1e-2)
