"""Initializers checked statistically and for draw order; activation_scales by hand."""

import numpy as np
import pytest

from reference.initialization import (
    activation_scales,
    initialize_parameters_he,
    initialize_parameters_random,
    initialize_parameters_xavier,
    initialize_parameters_zeros,
)

BIG = [600, 500, 400]


def test_zeros_shapes_and_values():
    p = initialize_parameters_zeros([3, 2, 1])
    assert sorted(p) == ["W1", "W2", "b1", "b2"]
    assert p["W1"].shape == (2, 3) and p["b1"].shape == (2, 1) and p["W2"].shape == (1, 2)
    assert all(not v.any() for v in p.values())


@pytest.mark.parametrize(
    "init, variance",
    [
        (initialize_parameters_random, lambda n_prev: 100.0),
        (initialize_parameters_he, lambda n_prev: 2.0 / n_prev),
        (initialize_parameters_xavier, lambda n_prev: 1.0 / n_prev),
    ],
)
def test_gaussian_initializers_have_the_stated_variance(init, variance):
    # Bound: 6 standard errors. For N normal draws, SE(mean) = sigma/sqrt(N) and
    # SE(sample variance) = sigma^2 * sqrt(2/(N-1)); a false failure has probability < 1e-8.
    np.random.seed(0)
    p = init(BIG)
    for l in (1, 2):
        W = p[f"W{l}"]
        n = W.size
        var = variance(BIG[l - 1])
        assert W.shape == (BIG[l], BIG[l - 1])
        assert abs(W.mean()) < 6 * np.sqrt(var / n)
        assert abs(W.var() - var) < 6 * var * np.sqrt(2 / (n - 1))
        assert not p[f"b{l}"].any() and p[f"b{l}"].shape == (BIG[l], 1)


def test_draw_order_follows_the_contract():
    dims = [4, 3, 2]
    np.random.seed(5)
    W1 = np.random.randn(3, 4)
    W2 = np.random.randn(2, 3)
    np.random.seed(5)
    p = initialize_parameters_he(dims)
    np.testing.assert_allclose(p["W1"], W1 * np.sqrt(2 / 4))
    np.testing.assert_allclose(p["W2"], W2 * np.sqrt(2 / 3))


def test_activation_scales_by_hand():
    X = np.array([[1.0, -1.0, 3.0, -3.0]])
    # Linear, W = 2: each layer doubles the spread.
    p = {
        "W1": np.array([[2.0]]),
        "b1": np.zeros((1, 1)),
        "W2": np.array([[2.0]]),
        "b2": np.zeros((1, 1)),
    }
    np.testing.assert_allclose(activation_scales(p, X, "linear"), [2 * X.std(), 4 * X.std()])
    # ReLU keeps [2, 0, 6, 0] then [4, 0, 12, 0].
    np.testing.assert_allclose(
        activation_scales(p, X, "relu"), [np.std([2, 0, 6, 0]), np.std([4, 0, 12, 0])]
    )
    np.testing.assert_allclose(activation_scales(p, X, "tanh")[0], np.std(np.tanh(2 * X)))


def test_activation_scales_show_exploding_and_steady_depth():
    np.random.seed(1)
    X = np.random.randn(100, 500)
    dims = [100] * 51
    np.random.seed(2)
    big = activation_scales(initialize_parameters_random(dims), X)
    np.random.seed(2)
    he = activation_scales(initialize_parameters_he(dims), X)
    assert big.shape == he.shape == (50,)
    assert big[-1] > 1e30  # explodes
    assert 0.1 < he[-1] < 10  # stays of order one
