"""Vector helpers and the forward pass used by gradient checking.

`dictionary_to_vector` lays out W1, b1, W2, b2, ... in layer order, each flattened in C order;
the other helpers follow the same layout, so theta[i] always means the same parameter entry."""

from __future__ import annotations

import numpy as np

from coursekit.network import compute_cost, forward_propagation

Params = dict[str, np.ndarray]


def _layer_keys(like: Params, prefix: str = "") -> list[tuple[str, str]]:
    """(parameter key, gradient key) pairs in layer order: W1, b1, W2, b2, ..."""
    L = sum(1 for k in like if k.startswith("W") and k[1:].isdigit())
    return [(f"{p}{l}", f"{prefix}{p}{l}") for l in range(1, L + 1) for p in ("W", "b")]


def dictionary_to_vector(parameters: Params) -> np.ndarray:
    """Stack every W<l>, b<l> into one column vector of shape (n, 1)."""
    parts = [
        np.asarray(parameters[k], dtype=float).reshape(-1, 1) for k, _ in _layer_keys(parameters)
    ]
    return np.concatenate(parts, axis=0)


def vector_to_dictionary(theta: np.ndarray, like: Params) -> Params:
    """The inverse of `dictionary_to_vector`: same keys and shapes as `like`."""
    theta = np.asarray(theta).reshape(-1)
    out: Params = {}
    start = 0
    for key, _ in _layer_keys(like):
        shape = np.shape(like[key])
        size = int(np.prod(shape))
        out[key] = theta[start : start + size].reshape(shape).copy()
        start += size
    if start != theta.size:
        raise ValueError(f"theta has {theta.size} entries, the parameters need {start}")
    return out


def gradients_to_vector(gradients: dict[str, np.ndarray], like: Params) -> np.ndarray:
    """Stack dW1, db1, dW2, ... in the order of `dictionary_to_vector(like)`."""
    parts = [
        np.asarray(gradients[g], dtype=float).reshape(-1, 1) for _, g in _layer_keys(like, "d")
    ]
    return np.concatenate(parts, axis=0)


def forward_propagation_n(X: np.ndarray, Y: np.ndarray, parameters: Params) -> tuple[float, tuple]:
    """Cost of the 3-layer network and its cache: (cost, cache)."""
    A3, cache = forward_propagation(X, parameters)
    return compute_cost(A3, Y), cache
