"""Inverted dropout: keep fraction, preserved expectation, gradients with a fixed mask."""

import numpy as np

from coursekit.network import compute_cost, relu, sigmoid
from reference.dropout import backward_propagation_with_dropout, forward_propagation_with_dropout
from tests.conftest import finite_difference


def _forward_with_masks(X, p, D1, D2, keep_prob):
    """Independent forward pass with the masks held fixed, for finite differences."""
    A1 = relu(p["W1"] @ X + p["b1"]) * D1 / keep_prob
    A2 = relu(p["W2"] @ A1 + p["b2"]) * D2 / keep_prob
    return sigmoid(p["W3"] @ A2 + p["b3"])


def test_masks_follow_the_contract_draw_order(small_net):
    X, _, params = small_net
    np.random.seed(4)
    A3, cache = forward_propagation_with_dropout(X, params, 0.7)
    np.random.seed(4)
    D1 = np.random.rand(4, 5) < 0.7
    D2 = np.random.rand(3, 5) < 0.7
    np.testing.assert_array_equal(cache[1], D1)
    np.testing.assert_array_equal(cache[6], D2)
    np.testing.assert_allclose(A3, _forward_with_masks(X, params, D1, D2, 0.7))
    assert len(cache) == 14


def test_keep_fraction_and_expected_activation():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 20000))
    params = {
        "W1": rng.normal(size=(50, 5)),
        "b1": np.zeros((50, 1)),
        "W2": rng.normal(size=(4, 50)),
        "b2": np.zeros((4, 1)),
        "W3": rng.normal(size=(1, 4)),
        "b3": np.zeros((1, 1)),
    }
    keep = 0.8
    np.random.seed(0)
    _, cache = forward_propagation_with_dropout(X, params, keep)
    D1, A1 = cache[1], cache[2]
    n = D1.size
    # Binomial: SE of the kept fraction is sqrt(p(1-p)/n); allow 6 SE.
    assert abs(D1.mean() - keep) < 6 * np.sqrt(keep * (1 - keep) / n)
    plain = relu(params["W1"] @ X)
    # Dividing by keep_prob keeps the expected activation: the means agree to a few SE.
    se = plain.std() / np.sqrt(keep * n) + 1e-12
    assert abs(A1.mean() - plain.mean()) < 8 * se * np.sqrt(1 / keep)


def test_backward_matches_finite_differences_with_fixed_masks(small_net):
    X, Y, params = small_net
    keep = 0.75
    np.random.seed(11)
    _, cache = forward_propagation_with_dropout(X, params, keep)
    D1, D2 = cache[1], cache[6]
    grads = backward_propagation_with_dropout(X, Y, cache, keep)

    def cost() -> float:
        return compute_cost(_forward_with_masks(X, params, D1, D2, keep), Y)

    for key in params:
        np.testing.assert_allclose(
            grads["d" + key],
            finite_difference(cost, params[key]),
            rtol=1e-5,
            atol=1e-8,
            err_msg=key,
        )
