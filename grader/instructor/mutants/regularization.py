"""Known mistakes of the regularization assignment, as variants of the reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from coursekit.network import backward_propagation, compute_cost
from grader.spec import Mutant


def cost(mistake: str) -> Callable[..., float]:
    """compute_cost_with_regularization with one mistake."""

    def f(A3: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray], lambd: float) -> float:
        m = Y.shape[1]
        if mistake == "fixed-layers":
            keys = ["W1", "W2", "W3"]
        elif mistake == "includes-bias":
            keys = [k for k in parameters if k[0] in "Wb"]
        else:
            keys = [k for k in parameters if k.startswith("W")]
        if mistake == "not-squared":
            total = sum(np.linalg.norm(parameters[k]) for k in keys)
        else:
            total = sum(np.sum(np.square(parameters[k])) for k in keys)
        factor = {"no-penalty": 0.0, "lambda-over-m": lambd / m, "no-m": lambd / 2}.get(
            mistake, lambd / (2 * m)
        )
        return float(compute_cost(A3, Y) + factor * total)

    return f


def backward(mistake: str) -> Callable[..., dict[str, Any]]:
    """backward_propagation_with_regularization with one mistake."""

    def f(X: np.ndarray, Y: np.ndarray, cache: tuple, lambd: float) -> dict[str, Any]:
        m = X.shape[1]
        grads = dict(backward_propagation(X, Y, cache))
        W = {1: cache[2], 2: cache[6], 3: cache[10]}
        b = {1: cache[3], 2: cache[7], 3: cache[11]}
        for l in (1, 2, 3):
            if mistake == "no-penalty":
                extra: Any = 0.0
            elif mistake == "scalar":
                extra = lambd * np.sum(W[l]) / m
            else:
                factor = {"half": lambd / (2 * m), "no-m": lambd, "double": 2 * lambd / m}.get(
                    mistake, lambd / m
                )
                extra = factor * W[l]
            grads[f"dW{l}"] = grads[f"dW{l}"] + extra
            if mistake == "bias":
                grads[f"db{l}"] = grads[f"db{l}"] + lambd / m * b[l]
        return grads

    return f


COST = "compute_cost_with_regularization"
BACKWARD = "backward_propagation_with_regularization"
MUTANTS: list[Mutant] = [
    *(
        Mutant(f"l2-cost-{k}", COST, cost(k))
        for k in (
            "no-penalty",
            "lambda-over-m",
            "no-m",
            "includes-bias",
            "not-squared",
            "fixed-layers",
        )
    ),
    *(
        Mutant(f"l2-grad-{k}", BACKWARD, backward(k))
        for k in ("no-penalty", "half", "no-m", "double", "bias", "scalar")
    ),
]
