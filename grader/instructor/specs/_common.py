"""Input builders and property checks shared by the spec modules."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.spec import Inputs, Verdict

#: How many standard errors a statistic may stray before a distribution check fails. At 6 SE a
#: correct implementation fails with probability below 1e-8 per statistic.
SE_BOUND = 6.0


def net_params(
    rng: np.random.Generator, dims: list[int], bias: float = 0.1
) -> dict[str, np.ndarray]:
    """A parameter dict for `dims` with non-degenerate weights and small non-zero biases."""
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.normal(size=(dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.normal(size=(dims[l], 1)) * bias
    return params


def labels(rng: np.random.Generator, m: int) -> np.ndarray:
    """0/1 labels of shape (1, m), both classes present."""
    y = (rng.random((1, m)) > 0.5).astype(float)
    y[0, 0], y[0, -1] = 1.0, 0.0
    return y


def gaussian_layers(variance: Any) -> Any:
    """A check that an initializer's weights are N(0, variance(n_{l-1})) and its biases zero.

    Passed by any correct draw from the right distribution, whatever the random stream."""

    def check(got: Any, expected: Any, inputs: Inputs) -> Verdict:
        dims = inputs[0][0]
        if not isinstance(got, dict):
            return Verdict(False, f"returned {type(got).__name__}, expected a dict")
        for l in range(1, len(dims)):
            W, b = got.get(f"W{l}"), got.get(f"b{l}")
            if not isinstance(W, np.ndarray) or W.shape != (dims[l], dims[l - 1]):
                return Verdict(False, f"W{l} is missing or has the wrong shape")
            if not isinstance(b, np.ndarray) or b.shape != (dims[l], 1) or np.any(b != 0):
                return Verdict(False, f"b{l} is not a zero column of shape ({dims[l]}, 1)")
            if W.dtype.kind != "f" or not np.all(np.isfinite(W)):
                return Verdict(False, f"W{l} does not hold finite floats")
            v, n = float(variance(dims[l - 1])), W.size
            w = W.astype(float).ravel()
            if abs(w.mean()) > SE_BOUND * np.sqrt(v / n):
                return Verdict(False, f"W{l}: the mean of the weights is not 0")
            if abs(w.var() - v) > SE_BOUND * v * np.sqrt(2 / (n - 1)):
                return Verdict(
                    False, f"W{l}: the variance of the weights is {w.var():.4g}, expected {v:.4g}"
                )
            kurtosis = float(np.mean((w - w.mean()) ** 4) / w.var() ** 2)
            if abs(kurtosis - 3.0) > SE_BOUND * np.sqrt(24 / n):
                return Verdict(False, f"W{l}: the weights are not normally distributed")
        if f"W{len(dims)}" in got:
            return Verdict(False, "there are more layers than layers_dims describes")
        return Verdict(True, "weights have the right distribution")

    return check
