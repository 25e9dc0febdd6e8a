"""Plots for the notebooks' demonstrations. matplotlib is imported on first use only, so code that
never plots (the grader, the tests) never pays for it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, Y: np.ndarray, title: str = ""
) -> None:
    """Shade the plane by the model's prediction and scatter the labelled points on top."""
    import matplotlib.pyplot as plt

    pad = 0.25
    x0 = np.linspace(X[0].min() - pad, X[0].max() + pad, 200)
    x1 = np.linspace(X[1].min() - pad, X[1].max() + pad, 200)
    g0, g1 = np.meshgrid(x0, x1)
    Z = predict(np.stack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    plt.figure(figsize=(4.5, 4.5))
    plt.contourf(g0, g1, Z, alpha=0.35, cmap="coolwarm")
    plt.scatter(X[0], X[1], c=Y.ravel(), s=12, cmap="coolwarm", edgecolors="k", linewidths=0.3)
    plt.title(title)
    plt.show()


def plot_costs(costs: Sequence[float], every: int, title: str = "") -> None:
    """The cost curve recorded during training."""
    import matplotlib.pyplot as plt

    plt.figure(figsize=(5, 3))
    plt.plot(np.arange(len(costs)) * every, costs)
    plt.xlabel("iteration")
    plt.ylabel("cost")
    plt.title(title)
    plt.show()


def plot_scales(curves: dict[str, np.ndarray], title: str = "") -> None:
    """Activation scale per layer, one line per initialization, on a log axis."""
    import matplotlib.pyplot as plt

    plt.figure(figsize=(6, 3.5))
    for label, scales in curves.items():
        plt.semilogy(np.arange(1, len(scales) + 1), np.maximum(scales, 1e-300), label=label)
    plt.xlabel("layer")
    plt.ylabel("std of activations")
    plt.legend()
    plt.title(title)
    plt.show()
