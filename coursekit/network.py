"""The 3-layer network LINEAR-RELU-LINEAR-RELU-LINEAR-SIGMOID that the regularization and dropout
notebooks train. Provided to students: nothing here is graded.

cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Params = dict[str, np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """sigma(z) = 1 / (1 + e^-z), evaluated without overflow for large |z|."""
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def relu(z: np.ndarray) -> np.ndarray:
    """relu(z) = max(0, z)."""
    return np.maximum(0, z)


def initialize_parameters(layers_dims: list[int], seed: int = 3) -> Params:
    """Glorot-uniform weights, zero biases: W<l> ~ U(-r, r), r = sqrt(6 / (n_l + n_{l-1})).

    Uses its own generator, so it never disturbs the caller's global NumPy stream."""
    rng = np.random.default_rng(seed)
    params: Params = {}
    for l in range(1, len(layers_dims)):
        n_in, n_out = layers_dims[l - 1], layers_dims[l]
        r = np.sqrt(6.0 / (n_in + n_out))
        params[f"W{l}"] = rng.uniform(-r, r, size=(n_out, n_in))
        params[f"b{l}"] = np.zeros((n_out, 1))
    return params


def forward_propagation(X: np.ndarray, parameters: Params) -> tuple[np.ndarray, tuple]:
    """Z<l> = W<l> A<l-1> + b<l>; A1, A2 = relu; A3 = sigmoid."""
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = relu(Z2)
    Z3 = W3 @ A2 + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def compute_cost(A3: np.ndarray, Y: np.ndarray) -> float:
    """Cross-entropy J = -(1/m) * sum(Y log A3 + (1 - Y) log(1 - A3))."""
    m = Y.shape[1]
    logprobs = Y * np.log(A3) + (1 - Y) * np.log(1 - A3)
    return float(-np.sum(logprobs) / m)


def backward_propagation(X: np.ndarray, Y: np.ndarray, cache: tuple) -> dict[str, np.ndarray]:
    """Gradients of the cross-entropy cost.

    dZ3 = A3 - Y; dW<l> = (1/m) dZ<l> A<l-1>.T; db<l> = (1/m) sum(dZ<l>, axis=1);
    dA<l-1> = W<l>.T dZ<l>; dZ<l> = dA<l> * (A<l> > 0)."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
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


def update_parameters(
    parameters: Params, grads: dict[str, np.ndarray], learning_rate: float
) -> Params:
    """One gradient-descent step: W<l> -= alpha dW<l>, b<l> -= alpha db<l>."""
    L = sum(1 for k in parameters if k.startswith("W"))
    out = dict(parameters)
    for l in range(1, L + 1):
        out[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        out[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return out


def predict(X: np.ndarray, parameters: Params) -> np.ndarray:
    """0/1 predictions of shape (1, m): 1 where A3 > 0.5. Dropout is never applied here."""
    A3, _ = forward_propagation(X, parameters)
    return (A3 > 0.5).astype(int)


def accuracy(X: np.ndarray, Y: np.ndarray, parameters: Params) -> float:
    """Fraction of examples whose prediction equals the label."""
    return float(np.mean(predict(X, parameters) == Y))


def train(
    X: np.ndarray,
    Y: np.ndarray,
    parameters: Params,
    *,
    forward: Callable[[np.ndarray, Params], tuple[np.ndarray, Any]] = forward_propagation,
    backward: Callable[[np.ndarray, np.ndarray, Any], dict[str, np.ndarray]] = backward_propagation,
    cost: Callable[[np.ndarray, np.ndarray, Params], float] | None = None,
    learning_rate: float = 0.3,
    num_iterations: int = 10000,
    seed: int | None = 0,
    record_every: int = 1000,
) -> tuple[Params, list[float]]:
    """Batch gradient descent with the given forward, backward and cost functions.

    The notebooks pass the student's own functions (for example a dropout forward pass wrapped with
    its keep_prob), so training shows the effect of what the student wrote. Returns the trained
    parameters and the cost every `record_every` iterations."""
    if seed is not None:
        np.random.seed(seed)
    if cost is None:

        def cost(A3: np.ndarray, Y: np.ndarray, _p: Params) -> float:
            return compute_cost(A3, Y)

    costs: list[float] = []
    for i in range(num_iterations):
        A3, cache = forward(X, parameters)
        if i % record_every == 0:
            costs.append(float(cost(A3, Y, parameters)))
        grads = backward(X, Y, cache)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs
