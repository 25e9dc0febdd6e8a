"""Weight initialization and the spread of activations through depth.

Each function stands alone (no shared private helper) because the tests paste its source into a
student notebook's graded cell, exactly as a student would write it."""

from __future__ import annotations

import numpy as np


def initialize_parameters_zeros(layers_dims):
    # W<l> = 0 of shape (n_l, n_{l-1}); b<l> = 0 of shape (n_l, 1).
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_random(layers_dims):
    # For l = 1..L in order: W<l> = randn(n_l, n_{l-1}) * 10 (far too large); b<l> = 0.
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_he(layers_dims):
    # W<l> = randn(n_l, n_{l-1}) * sqrt(2 / n_{l-1}): Var(W) = 2/n keeps ReLU activations steady.
    parameters = {}
    for l in range(1, len(layers_dims)):
        scale = np.sqrt(2 / layers_dims[l - 1])
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * scale
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_xavier(layers_dims):
    # W<l> = randn(n_l, n_{l-1}) * sqrt(1 / n_{l-1}): Var(W) = 1/n keeps tanh activations steady.
    parameters = {}
    for l in range(1, len(layers_dims)):
        scale = np.sqrt(1 / layers_dims[l - 1])
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * scale
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def activation_scales(parameters, X, activation="relu"):
    # A0 = X; A<l> = g(W<l> A<l-1> + b<l>) for l = 1..L; entry l-1 = std(A<l>).
    # g = ReLU ("relu"), tanh ("tanh") or the identity ("linear").
    L = len([k for k in parameters if k.startswith("W")])
    scales = np.zeros(L)
    A = X
    for l in range(1, L + 1):
        Z = np.dot(parameters["W" + str(l)], A) + parameters["b" + str(l)]
        if activation == "relu":
            A = np.maximum(0, Z)
        elif activation == "tanh":
            A = np.tanh(Z)
        elif activation == "linear":
            A = Z
        else:
            raise ValueError(f"unknown activation {activation!r}")
        scales[l - 1] = np.std(A)
    return scales
