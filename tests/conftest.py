"""Shared helpers for the test suite."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest


def finite_difference(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred differences of f() with respect to each entry of `array` (perturbed in place)."""
    grad = np.zeros_like(array, dtype=float)
    it = np.nditer(array, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = array[idx]
        array[idx] = old + eps
        plus = f()
        array[idx] = old - eps
        minus = f()
        array[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


@pytest.fixture
def small_net() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """X (3, 5), Y (1, 5) and a 3-layer [3, 4, 3, 1] parameter dict with non-degenerate values."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(3, 5))
    Y = (rng.random((1, 5)) > 0.5).astype(float)
    dims = [3, 4, 3, 1]
    params = {}
    for l in range(1, 4):
        params[f"W{l}"] = rng.normal(size=(dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.normal(size=(dims[l], 1)) * 0.1
    return X, Y, params
