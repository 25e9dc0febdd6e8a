"""The lesson table: train on the synthetic data with the reference code and print accuracies.

    python -m reference.experiments

Initialization on the circles ([2, 10, 5, 1], 15000 steps), then regularization on the wavy set
([2, 20, 3, 1], 30000 steps): none, L2 and dropout."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from coursekit.data import load_circles, load_wavy
from coursekit.network import accuracy, initialize_parameters, train
from reference import dropout, initialization, regularization

INIT_DIMS = [2, 10, 5, 1]
REG_DIMS = [2, 20, 3, 1]
LAMBD = 0.7
KEEP_PROB = 0.86


@dataclass(frozen=True)
class Row:
    """One line of the lesson table."""

    experiment: str
    """What was trained."""
    train_acc: float
    """Accuracy on the training split, in [0, 1]."""
    test_acc: float
    """Accuracy on the test split, in [0, 1]."""


def initialization_rows(iterations: int = 15000) -> list[Row]:
    """Zeros, random x10, He and Xavier on the circles, trained identically."""
    tx, ty, vx, vy = load_circles()
    rows = []
    for name, init in [
        ("zeros", initialization.initialize_parameters_zeros),
        ("random x10", initialization.initialize_parameters_random),
        ("He", initialization.initialize_parameters_he),
        ("Xavier", initialization.initialize_parameters_xavier),
    ]:
        np.random.seed(3)
        params = init(INIT_DIMS)
        params, _ = train(tx, ty, params, learning_rate=0.01, num_iterations=iterations)
        rows.append(Row(f"init: {name}", accuracy(tx, ty, params), accuracy(vx, vy, params)))
    return rows


def regularization_rows(iterations: int = 30000) -> list[Row]:
    """No regularization, L2 and dropout on the wavy set, from the same starting weights."""
    tx, ty, vx, vy = load_wavy()
    start = initialize_parameters(REG_DIMS, seed=3)
    l2_cost = functools.partial(regularization.compute_cost_with_regularization, lambd=LAMBD)
    variants: dict[str, dict[str, Any]] = {
        "no regularization": {},
        f"L2, lambda={LAMBD}": dict(
            cost=lambda A3, Y, p: l2_cost(A3, Y, p),
            backward=functools.partial(
                regularization.backward_propagation_with_regularization, lambd=LAMBD
            ),
        ),
        f"dropout, keep_prob={KEEP_PROB}": dict(
            forward=functools.partial(
                dropout.forward_propagation_with_dropout, keep_prob=KEEP_PROB
            ),
            backward=functools.partial(
                dropout.backward_propagation_with_dropout, keep_prob=KEEP_PROB
            ),
        ),
    }
    rows = []
    for name, fns in variants.items():
        params, _ = train(tx, ty, dict(start), learning_rate=0.3, num_iterations=iterations, **fns)
        # Dropout is a training-time device only: accuracy() predicts with the plain forward pass.
        rows.append(Row(f"reg: {name}", accuracy(tx, ty, params), accuracy(vx, vy, params)))
    return rows


def main() -> None:
    """Print the lesson table as Markdown."""
    t0 = time.perf_counter()
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        rows = initialization_rows() + regularization_rows()
    print("| experiment | train accuracy | test accuracy |")
    print("|---|---:|---:|")
    for r in rows:
        print(f"| {r.experiment} | {100 * r.train_acc:.1f}% | {100 * r.test_acc:.1f}% |")
    print(f"\n({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
