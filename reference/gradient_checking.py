"""Gradient checking: the 1-D case, then the whole 3-layer network."""

from __future__ import annotations

import numpy as np

from coursekit.gradcheck import (
    dictionary_to_vector,
    forward_propagation_n,
    gradients_to_vector,
    vector_to_dictionary,
)
from coursekit.network import backward_propagation as backward_propagation_3layer
from coursekit.network import relu, sigmoid  # noqa: F401


def forward_propagation(x, theta):
    # J(theta) = theta * x
    J = theta * x
    return J


def backward_propagation(x, theta):
    # dJ/dtheta = x
    dtheta = x
    return dtheta


def gradient_check(x, theta, epsilon=1e-7):
    # gradapprox = (J(theta + eps) - J(theta - eps)) / (2 eps), J = forward_propagation (by name);
    # difference = ||grad - gradapprox|| / (||grad|| + ||gradapprox||).
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return float(numerator / denominator)


# The correct backward pass of the 3-layer network is the course network's own (the notebook's
# copy carries two planted bugs for the student to find).
backward_propagation_n = backward_propagation_3layer


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    # For each entry i of theta, from an unperturbed copy each time:
    #   gradapprox[i] = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps),
    #   J = forward_propagation_n (by name);
    # difference = ||grad - gradapprox|| / (||grad|| + ||gradapprox||).
    parameters_values = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients, parameters)
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i] = theta_plus[i] + epsilon
        J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus, parameters))
        theta_minus = np.copy(parameters_values)
        theta_minus[i] = theta_minus[i] - epsilon
        J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus, parameters))
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return float(numerator / denominator)
