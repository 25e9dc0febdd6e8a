"""Weight initialization and the spread of activations through depth."""

from __future__ import annotations

import numpy as np

Params = dict[str, np.ndarray]


def _gaussian_layers(layers_dims: list[int], scale) -> Params:
    # For l = 1..L in order: W<l> = randn(n_l, n_{l-1}) * scale(n_{l-1}); b<l> = 0.
    parameters: Params = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * scale(
            layers_dims[l - 1]
        )
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_zeros(layers_dims: list[int]) -> Params:
    # W<l> = 0 of shape (n_l, n_{l-1}); b<l> = 0 of shape (n_l, 1).
    parameters: Params = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_random(layers_dims: list[int]) -> Params:
    # W<l> = randn(n_l, n_{l-1}) * 10: far too large, sigmoid outputs saturate.
    return _gaussian_layers(layers_dims, lambda n_prev: 10)


def initialize_parameters_he(layers_dims: list[int]) -> Params:
    # W<l> = randn(n_l, n_{l-1}) * sqrt(2 / n_{l-1}): Var(W) = 2/n keeps ReLU activations steady.
    return _gaussian_layers(layers_dims, lambda n_prev: np.sqrt(2 / n_prev))


def initialize_parameters_xavier(layers_dims: list[int]) -> Params:
    # W<l> = randn(n_l, n_{l-1}) * sqrt(1 / n_{l-1}): Var(W) = 1/n keeps tanh activations steady.
    return _gaussian_layers(layers_dims, lambda n_prev: np.sqrt(1 / n_prev))


_ACTIVATIONS = {
    "relu": lambda z: np.maximum(0, z),
    "tanh": np.tanh,
    "linear": lambda z: z,
}


def activation_scales(parameters: Params, X: np.ndarray, activation: str = "relu") -> np.ndarray:
    # A0 = X; A<l> = g(W<l> A<l-1> + b<l>) for l = 1..L; entry l-1 = std(A<l>).
    g = _ACTIVATIONS[activation]
    L = len([k for k in parameters if k.startswith("W")])
    scales = np.zeros(L)
    A = X
    for l in range(1, L + 1):
        A = g(parameters["W" + str(l)] @ A + parameters["b" + str(l)])
        scales[l - 1] = np.std(A)
    return scales
