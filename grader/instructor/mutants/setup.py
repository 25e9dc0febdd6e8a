"""Known mistakes of the setup assignment, as variants of the reference.

A student's outputs name a mistake when they equal its outputs on every value test, so where two
common spellings of one mistake give different outputs on some case (an empty test set, an
explicit epsilon, a split with more features than examples), each has a mutant under the same
id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.instructor.mutants._combine import combined, parts
from grader.spec import Mutant
from reference.setup import normalization_stats, normalize

Split = tuple[np.ndarray, ...]


def _sizes(m: int, dev: float, test: float) -> tuple[int, int, int]:
    n_dev, n_test = int(m * dev), int(m * test)
    return m - n_dev - n_test, n_dev, n_test


def _take(X: np.ndarray, Y: np.ndarray, *sets: np.ndarray) -> Split:
    return tuple(a for idx in sets for a in (X[:, idx], Y[:, idx]))


def split(mistake: str) -> Callable[..., Split]:
    """split_data with one mistake."""

    def f(X: np.ndarray, Y: np.ndarray, dev_fraction: float, test_fraction: float) -> Split:
        m = X.shape[1]
        n_train, n_dev, n_test = _sizes(m, dev_fraction, test_fraction)
        if mistake == "no-shuffle":
            o = np.arange(m)
            return _take(X, Y, o[:n_train], o[n_train : n_train + n_dev], o[m - n_test :])
        if mistake == "rows-shuffled":  # np.random.permutation(X) shuffles rows, then in order
            Xs = X[np.random.permutation(X.shape[0])]
            cut = (slice(0, n_train), slice(n_train, n_train + n_dev), slice(m - n_test, m))
            return tuple(a for s in cut for a in (Xs[:, s], Y[:, s]))
        perm = np.random.permutation(m)
        if mistake == "rows-indexed":  # X[perm] selects rows: only works with n_x >= m
            sets = (perm[:n_train], perm[n_train : n_train + n_dev], perm[m - n_test :])
            return tuple(a for idx in sets for a in (X[idx], Y[:, idx]))
        if mistake == "separate-shuffles":
            perm_y = np.random.permutation(m)
            sets = (perm[:n_train], perm[n_train : n_train + n_dev], perm[m - n_test :])
            sets_y = (perm_y[:n_train], perm_y[n_train : n_train + n_dev], perm_y[m - n_test :])
            return tuple(a for i, j in zip(sets, sets_y, strict=True) for a in (X[:, i], Y[:, j]))
        train = perm[:n_train]
        dev = perm[n_train : n_train + n_dev]
        test = perm[m - n_test :]
        if mistake == "overlap-train":  # train = perm[:m - n_test]: dev inside train
            train = perm[: m - n_test]
        elif mistake == "overlap-dev-first":  # dev from the front, inside train
            dev = perm[:n_dev]
        elif mistake == "overlap-test-at-dev":  # test starts where dev starts
            test = perm[n_train : n_train + n_test]
        return _take(X, Y, train, dev, test)

    return f


def stats(mistake: str) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """normalization_stats with one mistake."""

    def f(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if mistake == "axis-0":
            return X.mean(axis=0, keepdims=True), X.var(axis=0, keepdims=True)
        if mistake == "axis-0-column":  # over features, then reshaped to a column
            return X.mean(axis=0).reshape(-1, 1), X.var(axis=0).reshape(-1, 1)
        if mistake == "ddof":
            return X.mean(axis=1, keepdims=True), X.var(axis=1, ddof=1, keepdims=True)
        raise AssertionError(mistake)

    return f


def norm(mistake: str) -> Callable[..., np.ndarray]:
    """normalize with one mistake."""

    def f(X: np.ndarray, mu: Any, sigma2: Any, epsilon: float = 1e-8) -> np.ndarray:
        if mistake == "divide-variance":
            return (X - mu) / (sigma2 + epsilon)
        if mistake == "divide-variance-no-eps":
            return (X - mu) / sigma2
        if mistake == "no-center":
            return X / np.sqrt(sigma2 + epsilon)
        raise AssertionError(mistake)

    return f


def splits(mistake: str) -> Callable[..., tuple[np.ndarray, ...]]:
    """normalize_splits with one mistake (or with a mistaken helper it calls by name); "own-stats"
    may come with a mistaken normalize ("own-stats+no-center")."""
    switches = parts(mistake)
    helper_stats = {"axis-0": stats("axis-0"), "axis-0-column": stats("axis-0-column")}.get(
        mistake, normalization_stats
    )
    norms = ("divide-variance", "divide-variance-no-eps", "no-center")
    helper_norm = next((norm(k) for k in norms if k in switches), normalize)
    own = bool(switches & {"own-stats", "own-stats-last"})  # each set with its own statistics

    def f(X_train: np.ndarray, X_dev: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, ...]:
        mu, sigma2 = helper_stats(X_train)
        if mistake in ("stats-of-dev", "stats-of-test"):  # the sets right, another's stats
            X_other = X_dev if mistake == "stats-of-dev" else X_test
            return (
                normalize(X_train, mu, sigma2),
                normalize(X_dev, mu, sigma2),
                normalize(X_test, mu, sigma2),
                *normalization_stats(X_other),
            )
        if own:
            out = []
            for X in (X_train, X_dev, X_test):
                mu_x, sigma2_x = normalization_stats(X)
                out.append(helper_norm(X, mu_x, sigma2_x))
            if mistake == "own-stats-last":  # the loop's last statistics returned
                mu, sigma2 = mu_x, sigma2_x
            return (*out, mu, sigma2)
        return (
            helper_norm(X_train, mu, sigma2),
            helper_norm(X_dev, mu, sigma2),
            helper_norm(X_test, mu, sigma2),
            mu,
            sigma2,
        )

    return f


def verdict(mistake: str) -> Callable[..., str]:
    """bias_variance with one mistake, or several joined by "+"."""
    switches = parts(mistake)

    def f(
        train_error: float, dev_error: float, base_error: float = 0.0, threshold: float = 0.05
    ) -> str:
        bias = train_error - (0.0 if "ignores-base" in switches else base_error)
        variance = dev_error - (0.0 if "variance-from-zero" in switches else train_error)
        high_bias, high_variance = bias > threshold, variance > threshold
        if "swapped" in switches:
            high_bias, high_variance = high_variance, high_bias
        if high_bias and high_variance:
            return "high bias and high variance"
        if high_bias:
            return "high bias"
        if high_variance:
            return "high variance"
        return "low bias and low variance"

    return f


def stopping(mistake: str) -> Callable[..., int]:
    """early_stopping with one mistake, or several joined by "+"."""
    switches = parts(mistake)
    last = bool(switches & {"last-epoch", "last-epoch-or-best"})

    def f(dev_costs: Any, patience: int) -> int:
        if "first-increase" in switches:
            patience = 1
        best, best_cost, wait = 0, dev_costs[0], 0
        for epoch in range(1, len(dev_costs)):
            cost = dev_costs[epoch]
            if cost < best_cost or (cost == best_cost and "ties-improve" in switches):
                best, best_cost, wait = epoch, cost, 0
            elif cost == best_cost and "ties-reset-wait" in switches:  # best kept, wait reset
                wait = 0
            else:
                wait += 1
                if wait >= patience:
                    return epoch if last else best
        if "last-epoch" in switches:
            return len(dev_costs) - 1
        return best

    return f


SPLIT, STATS, NORM, SPLITS = "split_data", "normalization_stats", "normalize", "normalize_splits"
BV, ES = "bias_variance", "early_stopping"

MUTANTS: list[Mutant] = [
    Mutant("split-no-shuffle", SPLIT, split("no-shuffle")),
    Mutant("split-rows", SPLIT, split("rows-shuffled")),
    Mutant("split-rows", SPLIT, split("rows-indexed")),
    Mutant("split-separate-shuffles", SPLIT, split("separate-shuffles")),
    Mutant("split-overlap", SPLIT, split("overlap-train")),
    Mutant("split-overlap", SPLIT, split("overlap-dev-first")),
    Mutant("split-overlap", SPLIT, split("overlap-test-at-dev")),
    Mutant("norm-wrong-axis", STATS, stats("axis-0")),
    Mutant("norm-wrong-axis", STATS, stats("axis-0-column")),
    Mutant("norm-sample-variance", STATS, stats("ddof")),
    Mutant("norm-divide-variance", NORM, norm("divide-variance")),
    Mutant("norm-divide-variance", NORM, norm("divide-variance-no-eps")),
    Mutant("norm-no-center", NORM, norm("no-center")),
    Mutant("norm-wrong-axis", SPLITS, splits("axis-0")),
    Mutant("norm-wrong-axis", SPLITS, splits("axis-0-column")),
    Mutant("norm-divide-variance", SPLITS, splits("divide-variance")),
    Mutant("norm-divide-variance", SPLITS, splits("divide-variance-no-eps")),
    Mutant("norm-no-center", SPLITS, splits("no-center")),
    *(
        Mutant("norm-own-stats", SPLITS, splits(k), spelling=k)
        for k in ("own-stats", "own-stats-last", "stats-of-dev", "stats-of-test")
    ),
    *combined(
        SPLITS,
        splits,
        [
            {"own-stats": "norm-own-stats"},
            {"divide-variance": "norm-divide-variance", "no-center": "norm-no-center"},
        ],
    ),
    Mutant("bv-ignores-base", BV, verdict("ignores-base")),
    Mutant("bv-variance-from-zero", BV, verdict("variance-from-zero")),
    Mutant("bv-swapped", BV, verdict("swapped")),
    Mutant("es-last-epoch", ES, stopping("last-epoch")),
    Mutant("es-last-epoch", ES, stopping("last-epoch-or-best")),
    Mutant("es-first-increase", ES, stopping("first-increase")),
    Mutant("es-ties-improve", ES, stopping("ties-improve")),
    Mutant("es-ties-improve", ES, stopping("ties-reset-wait")),
    # Two or three mistakes at once: each is named.
    *combined(
        BV,
        verdict,
        [
            {"ignores-base": "bv-ignores-base"},
            {"variance-from-zero": "bv-variance-from-zero"},
            {"swapped": "bv-swapped"},
        ],
    ),
    *combined(
        ES,
        stopping,
        [
            {"last-epoch": "es-last-epoch", "last-epoch-or-best": "es-last-epoch"},
            {"first-increase": "es-first-increase"},
            {"ties-improve": "es-ties-improve", "ties-reset-wait": "es-ties-improve"},
        ],
    ),
]
