"""Synthetic data sets, generated deterministically by code (no downloads, no scikit-learn).

Every loader returns (train_X, train_Y, test_X, test_Y) with X of shape (2, m) and Y of shape
(1, m) holding 0/1 labels, and draws from its own seeded generator, so loading data never moves
NumPy's global random stream."""

from __future__ import annotations

import numpy as np

Split = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _split(X: np.ndarray, Y: np.ndarray, n_train: int) -> Split:
    return X[:, :n_train], Y[:, :n_train], X[:, n_train:], Y[:, n_train:]


def load_circles(
    n_train: int = 300, n_test: int = 100, noise: float = 0.06, inner: float = 0.75, seed: int = 1
) -> Split:
    """Two noisy concentric circles: label 0 on the outer ring (radius 1), 1 on the inner one.

    No straight line separates them, so a network needs its hidden layers, and therefore a
    working initialization, to do better than chance."""
    rng = np.random.default_rng(seed)
    m = n_train + n_test
    y = rng.permutation(np.arange(m) % 2)
    radius = np.where(y == 1, inner, 1.0)
    angle = rng.uniform(0.0, 2.0 * np.pi, size=m)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)]) + rng.normal(0.0, noise, (2, m))
    return _split(X, y.reshape(1, m).astype(int), n_train)


def load_wavy(n_train: int = 200, n_test: int = 400, flip: float = 0.12, seed: int = 2) -> Split:
    """A 2-D two-class set split by a wavy boundary, with a fraction `flip` of labels flipped.

    The flipped points are noise: a [2, 20, 3, 1] network trained long enough bends its boundary
    around them, so its train accuracy clearly exceeds its test accuracy (overfitting), which L2
    regularization and dropout reduce."""
    rng = np.random.default_rng(seed)
    m = n_train + n_test
    X = rng.uniform(-1.0, 1.0, size=(2, m))
    clean = (X[1] > 0.35 * np.sin(3.0 * X[0])).astype(int)
    noisy = np.where(rng.random(m) < flip, 1 - clean, clean)
    return _split(X, noisy.reshape(1, m), n_train)
