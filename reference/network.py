"""The 3-layer network the notebooks provide (re-exported from the course's helper module)."""

from coursekit.network import (
    accuracy,
    backward_propagation,
    compute_cost,
    forward_propagation,
    initialize_parameters,
    predict,
    relu,
    sigmoid,
    train,
    update_parameters,
)

__all__ = [
    "accuracy",
    "backward_propagation",
    "compute_cost",
    "forward_propagation",
    "initialize_parameters",
    "predict",
    "relu",
    "sigmoid",
    "train",
    "update_parameters",
]
