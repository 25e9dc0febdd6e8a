"""L2 regularization of the 3-layer network."""

from __future__ import annotations

import numpy as np

from coursekit.network import (  # noqa: F401  (helpers the notebook provides)
    backward_propagation,
    compute_cost,
    forward_propagation,
    relu,
    sigmoid,
)


def compute_cost_with_regularization(A3, Y, parameters, lambd):
    # J = cross-entropy + lambd / (2m) * sum over every W<l> of sum(W<l> ** 2); biases excluded.
    m = Y.shape[1]
    cross_entropy_cost = compute_cost(A3, Y)
    squares = sum(
        np.sum(np.square(v)) for k, v in parameters.items() if k[:1] == "W" and k[1:].isdigit()
    )
    return float(cross_entropy_cost + lambd / (2 * m) * squares)


def backward_propagation_with_regularization(X, Y, cache, lambd):
    # dW<l> = (1/m) dZ<l> A<l-1>.T + (lambd/m) W<l>; everything else as without regularization.
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T) + lambd / m * W3
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) + lambd / m * W2
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T) + lambd / m * W1
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {
        "dZ3": dZ3,
        "dW3": dW3,
        "db3": db3,
        "dA2": dA2,
        "dZ2": dZ2,
        "dW2": dW2,
        "db2": db2,
        "dA1": dA1,
        "dZ1": dZ1,
        "dW1": dW1,
        "db1": db1,
    }
