"""Known mistakes of the dropout assignment, as variants of the reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from coursekit.network import relu, sigmoid
from grader.spec import Mutant
from reference.dropout import backward_propagation_with_dropout


def forward(mistake: str) -> Callable[..., Any]:
    """forward_propagation_with_dropout with one mistake."""

    def mask(shape: tuple[int, ...], keep_prob: float, rng: Any) -> np.ndarray:
        if mistake == "other-generator":
            return rng.random(shape) < keep_prob
        if mistake == "inverted-mask":
            return np.random.rand(*shape) > keep_prob
        if mistake == "inverted-mask-1-p":
            return np.random.rand(*shape) < 1 - keep_prob
        if mistake == "normal-mask":
            return np.random.randn(*shape) < keep_prob
        return np.random.rand(*shape) < keep_prob

    def drop(A: np.ndarray, D: np.ndarray, keep_prob: float) -> np.ndarray:
        if mistake == "no-scale":
            return A * D
        if mistake in ("multiply-keep-prob", "no-mask+multiply-keep-prob"):
            return A * D * keep_prob
        return A * D / keep_prob

    def f(X: np.ndarray, parameters: dict[str, np.ndarray], keep_prob: float = 0.5) -> Any:
        if mistake == "reseed":
            np.random.seed(1)
        # A Generator seeded from the caller's stream: right distribution, different numbers.
        rng = (
            np.random.default_rng(np.random.randint(2**31))
            if mistake == "other-generator"
            else None
        )
        p = parameters
        if mistake == "input-layer":
            X = drop(X, mask(X.shape, keep_prob, rng), keep_prob)
        if mistake == "input-layer-unscaled":
            X = X * mask(X.shape, keep_prob, rng)
        Z1 = p["W1"] @ X + p["b1"]
        A1 = relu(Z1)
        D1 = mask(A1.shape, keep_prob, rng)
        A1 = drop(A1, D1, keep_prob)
        Z2 = p["W2"] @ A1 + p["b2"]
        A2 = relu(Z2)
        D2 = mask(A2.shape, keep_prob, rng)
        A2 = drop(A2, D2, keep_prob)
        Z3 = p["W3"] @ A2 + p["b3"]
        A3 = sigmoid(Z3)
        if mistake == "output-layer":
            A3 = drop(A3, mask(A3.shape, keep_prob, rng), keep_prob)
        return A3, (
            Z1,
            D1,
            A1,
            p["W1"],
            p["b1"],
            Z2,
            D2,
            A2,
            p["W2"],
            p["b2"],
            Z3,
            A3,
            p["W3"],
            p["b3"],
        )

    return f


def backward(mistake: str) -> Callable[..., Any]:
    """backward_propagation_with_dropout with one mistake, via an equivalent keep_prob/mask."""

    def f(X: np.ndarray, Y: np.ndarray, cache: tuple, keep_prob: float) -> Any:
        parts = list(cache)
        if mistake in ("no-mask", "no-mask-no-scale", "no-mask+multiply-keep-prob"):
            parts[1] = np.ones_like(parts[1])
            parts[6] = np.ones_like(parts[6])
        if mistake in ("no-scale", "no-mask-no-scale"):
            return backward_propagation_with_dropout(X, Y, tuple(parts), 1.0)
        if mistake in ("multiply-keep-prob", "no-mask+multiply-keep-prob"):
            return backward_propagation_with_dropout(X, Y, tuple(parts), 1.0 / keep_prob)
        return backward_propagation_with_dropout(X, Y, tuple(parts), keep_prob)

    return f


FORWARD = "forward_propagation_with_dropout"
BACKWARD = "backward_propagation_with_dropout"
MUTANTS: list[Mutant] = [
    Mutant("dropout-no-scale", FORWARD, forward("no-scale")),
    Mutant("dropout-multiply-keep-prob", FORWARD, forward("multiply-keep-prob")),
    Mutant("dropout-inverted-mask", FORWARD, forward("inverted-mask"), "rand-greater"),
    Mutant("dropout-inverted-mask", FORWARD, forward("inverted-mask-1-p"), "one-minus"),
    Mutant("dropout-normal-mask", FORWARD, forward("normal-mask")),
    Mutant("dropout-output-layer", FORWARD, forward("output-layer")),
    Mutant("dropout-input-layer", FORWARD, forward("input-layer")),
    Mutant("dropout-input-layer", FORWARD, forward("input-layer-unscaled"), "unscaled"),
    Mutant("rng-reseed", FORWARD, forward("reseed")),
    Mutant("rng-other-generator", FORWARD, forward("other-generator")),
    Mutant("dropout-grad-no-scale", BACKWARD, backward("no-scale")),
    Mutant("dropout-grad-multiply-keep-prob", BACKWARD, backward("multiply-keep-prob")),
    Mutant("dropout-grad-no-mask", BACKWARD, backward("no-mask")),
    Mutant("dropout-grad-no-mask", BACKWARD, backward("no-mask-no-scale"), "unscaled"),
    # Two mistakes at once: no mask, and keep_prob multiplied where it divides. (No mask and no
    # scale is the "unscaled" spelling of no-mask: the whole dropout step left out.)
    *(
        Mutant(i, BACKWARD, backward("no-mask+multiply-keep-prob"), "no-mask+multiply-keep-prob")
        for i in ("dropout-grad-no-mask", "dropout-grad-multiply-keep-prob")
    ),
]
