"""Tests of the setup assignment: splits, normalization, bias and variance, early stopping.

The cases are built so that no trivial answer passes: features sit on very different scales with
non-zero means (zeros, ones, the input echoed back or a missing centring all fail), labels are
distinct per example (X and Y shuffled apart shows), a case has as many features as examples (a
split along the wrong axis then returns values rather than raising), split sizes are rounded down,
and early stopping's answers differ from case to case, from its patience and from the last epoch.
bias_variance returns one of four words: no verdict is the answer of more than three of its ten
cases, so a constant scores at most 30%."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from grader.spec import AssignmentSpec, Case, FunctionSpec, Inputs, Verdict

#: Feature scales (standard deviations) and offsets: from 0.01 to 1000, as raw measurements are.
SCALES = (0.01, 1000.0, 3.0, 0.2, 50.0, 7.0)
OFFSETS = (5.0, -300.0, 40.0, 0.7, 1200.0, -9.0)


def features(rng: np.random.Generator, n: int, m: int, shift: float = 0.0) -> np.ndarray:
    """n features of m examples (columns), each on its own scale around its own mean."""
    scale = np.array([SCALES[i % len(SCALES)] for i in range(n)])[:, None]
    offset = np.array([OFFSETS[i % len(OFFSETS)] for i in range(n)])[:, None]
    return rng.normal(size=(n, m)) * scale + offset + shift * scale


def split_inputs(seed: int, n: int, m: int, dev: float, test: float) -> Inputs:
    """X of shape (n, m), Y of shape (1, m) with a different label per example."""
    rng = np.random.default_rng(seed)
    Y = (rng.permutation(m) + 1.0)[None, :] / 2
    return ((features(rng, n, m), Y, dev, test), {})


def _partition(got: Any, expected: Any, inputs: Inputs) -> Verdict:
    """Any random split passes: the sizes are right, no example is lost or repeated, and each
    example keeps its label."""
    X, Y, dev, test = inputs[0]
    m = X.shape[1]
    n_dev, n_test = int(m * dev), int(m * test)
    sizes = (m - n_dev - n_test, n_dev, n_test)
    if not isinstance(got, tuple | list) or len(got) != 6:
        return Verdict(False, "expected a tuple of six arrays")
    if not all(isinstance(a, np.ndarray) for a in got):
        return Verdict(False, "expected a tuple of six arrays")
    where = {col.tobytes(): j for j, col in enumerate(np.ascontiguousarray(X.T))}
    seen: list[int] = []
    for name, Xs, Ys, size in zip(
        ("train", "dev", "test"), got[0::2], got[1::2], sizes, strict=True
    ):
        if Xs.shape != (X.shape[0], size) or Ys.shape != (1, size):
            return Verdict(False, f"the {name} set has the wrong shape")
        js = [where.get(np.ascontiguousarray(col, dtype=X.dtype).tobytes()) for col in Xs.T]
        if None in js:
            return Verdict(False, f"the {name} set holds columns that are not examples of X")
        if not np.array_equal(Ys[0], Y[0, js]):
            return Verdict(False, f"the {name} set's labels are not its examples' labels")
        seen += [j for j in js if j is not None]
    if sorted(seen) != list(range(m)):
        return Verdict(False, "the sets do not partition the examples")
    return Verdict(True, "a partition of the examples")


def stats_inputs(seed: int, n: int, m: int) -> Inputs:
    return ((features(np.random.default_rng(seed), n, m),), {})


def normalize_inputs(seed: int, n: int, m: int, own: bool, **kwargs: float) -> Inputs:
    """X with mu and sigma2 either its own or those of a training set from the same source."""
    rng = np.random.default_rng(seed)
    X = features(rng, n, m)
    basis = X if own else features(rng, n, 3 * m)
    mu = basis.mean(axis=1, keepdims=True)
    sigma2 = basis.var(axis=1, keepdims=True)
    return ((X, mu, sigma2), dict(kwargs))


def splits_inputs(seed: int, n: int, sizes: Sequence[int], shift: float = 0.0) -> Inputs:
    """Train, dev and test sets; dev and test shifted by `shift` standard deviations."""
    rng = np.random.default_rng(seed)
    m_train, m_dev, m_test = sizes
    return (
        (
            features(rng, n, m_train),
            features(rng, n, m_dev, shift),
            features(rng, n, m_test, shift),
        ),
        {},
    )


def errors(train: float, dev: float, **kwargs: float) -> Inputs:
    return ((train, dev), dict(kwargs))


DESCENT = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5]
"""Dev costs that improve for ten epochs: the start of early_stopping cases whose answer must
be past the early indices (every case's answer differs from the others')."""


def curve(costs: Sequence[float], patience: int, array: bool = False) -> Inputs:
    return ((np.array(costs) if array else list(costs), patience), {})


def _split_cases() -> tuple[Case, ...]:
    return (
        Case(
            "public-1",
            "public",
            2,
            lambda: split_inputs(1, 3, 20, 0.2, 0.1),
            seed=1,
            summary="X of shape (3, 20), dev_fraction = 0.2, test_fraction = 0.1, "
            "np.random.seed(1)",
        ),
        Case(
            "public-2",
            "public",
            1,
            lambda: split_inputs(2, 2, 23, 0.2, 0.15),
            seed=2,
            summary="X of shape (2, 23), dev_fraction = 0.2, test_fraction = 0.15 (sizes round "
            "down), np.random.seed(2)",
        ),
        Case("hidden-1", "hidden", 2, lambda: split_inputs(3, 4, 50, 0.1, 0.1), seed=3),
        Case("hidden-2", "hidden", 2, lambda: split_inputs(4, 25, 20, 0.2, 0.25), seed=4),
        Case("hidden-3", "hidden", 1, lambda: split_inputs(5, 3, 10, 0.3, 0.0), seed=5),
        Case(
            "hidden-4",
            "hidden",
            1,
            lambda: split_inputs(1, 3, 20, 0.2, 0.1),
            seed=6,
            same_inputs_as="public-1",
        ),
        Case(
            "hidden-5",
            "hidden",
            2,
            lambda: split_inputs(7, 5, 200, 0.15, 0.05),
            seed=7,
            check=_partition,
        ),
    )


SPEC = AssignmentSpec(
    name="setup",
    reference="reference.setup",
    functions=(
        FunctionSpec(
            "split_data",
            10,
            _split_cases(),
            draws=True,
            returns=("X_train", "Y_train", "X_dev", "Y_dev", "X_test", "Y_test"),
        ),
        FunctionSpec(
            "normalization_stats",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: stats_inputs(1, 3, 8),
                    summary="X of shape (3, 8), features on scales 0.01, 1000 and 3",
                ),
                Case("hidden-1", "hidden", 2, lambda: stats_inputs(2, 5, 40)),
                Case("hidden-2", "hidden", 1, lambda: stats_inputs(3, 4, 4)),
                Case("hidden-3", "hidden", 1, lambda: stats_inputs(4, 2, 1000)),
                Case("hidden-4", "hidden", 1, lambda: stats_inputs(5, 6, 3)),
            ),
            returns=("mu", "sigma2"),
        ),
        FunctionSpec(
            "normalize",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: normalize_inputs(1, 3, 6, own=False),
                    summary="X of shape (3, 6) with the mean and variance of a training set",
                ),
                Case(
                    "public-2",
                    "public",
                    1,
                    lambda: normalize_inputs(2, 2, 5, own=True),
                    summary="X of shape (2, 5) with its own mean and variance",
                ),
                Case("hidden-1", "hidden", 2, lambda: normalize_inputs(3, 4, 30, own=False)),
                Case(
                    "hidden-2",
                    "hidden",
                    1,
                    lambda: normalize_inputs(4, 3, 5, own=False, epsilon=1e-2),
                ),
                Case("hidden-3", "hidden", 1, lambda: normalize_inputs(5, 5, 10, own=True)),
            ),
        ),
        FunctionSpec(
            "normalize_splits",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: splits_inputs(1, 3, (12, 4, 5)),
                    summary="X_train (3, 12), X_dev (3, 4), X_test (3, 5) from the same source",
                ),
                Case("hidden-1", "hidden", 2, lambda: splits_inputs(2, 4, (4, 4, 4))),
                Case("hidden-2", "hidden", 1, lambda: splits_inputs(3, 2, (50, 10, 8))),
                Case("hidden-3", "hidden", 2, lambda: splits_inputs(4, 5, (20, 6, 7), 1.5)),
            ),
            returns=("X_train_n", "X_dev_n", "X_test_n", "mu", "sigma2"),
        ),
        FunctionSpec(
            "bias_variance",
            10,
            (
                Case("public-1", "public", 1, lambda: errors(0.01, 0.11), summary="1% / 11%"),
                Case("public-2", "public", 1, lambda: errors(0.15, 0.16), summary="15% / 16%"),
                Case("public-3", "public", 1, lambda: errors(0.15, 0.30), summary="15% / 30%"),
                Case("public-4", "public", 1, lambda: errors(0.005, 0.01), summary="0.5% / 1%"),
                Case(
                    "public-5",
                    "public",
                    1,
                    lambda: errors(0.15, 0.16, base_error=0.14),
                    summary="15% / 16% with base_error = 0.14",
                ),
                Case("hidden-1", "hidden", 1, lambda: errors(0.12, 0.13, base_error=0.02)),
                Case("hidden-2", "hidden", 1, lambda: errors(0.08, 0.20, base_error=0.06)),
                Case("hidden-3", "hidden", 1, lambda: errors(0.03, 0.045, threshold=0.01)),
                Case("hidden-4", "hidden", 1, lambda: errors(0.30, 0.32, base_error=0.2)),
                Case(
                    "hidden-5",
                    "hidden",
                    1,
                    lambda: errors(0.02, 0.04, base_error=0.01, threshold=0.015),
                ),
                Case(  # both gaps exactly at the threshold: "exceeds" is not "reaches"
                    "hidden-6",
                    "hidden",
                    1,
                    lambda: errors(0.25, 0.5, threshold=0.25),
                ),
                # the dev set does better than training (as with dropout or augmented training
                # data): a negative gap is no variance, however large
                Case("hidden-7", "hidden", 1, lambda: errors(0.25, 0.12, base_error=0.05)),
                Case("hidden-8", "hidden", 1, lambda: errors(0.10, 0.25)),
                Case("hidden-9", "hidden", 1, lambda: errors(0.22, 0.31, base_error=0.1)),
            ),
        ),
        FunctionSpec(
            "early_stopping",
            10,
            (
                Case(
                    "public-1",
                    "public",
                    2,
                    lambda: curve([1.0, 0.8, 0.82, 0.7, 0.65, 0.66, 0.67, 0.69, 0.6], 3),
                    summary="dev costs 1.0, 0.8, 0.82, 0.7, 0.65, 0.66, 0.67, 0.69, 0.6; "
                    "patience = 3",
                ),
                Case(
                    "public-2",
                    "public",
                    1,
                    lambda: curve([0.5, 0.4, 0.3, 0.3, 0.35, 0.3, 0.31, 0.33], 3),
                    summary="dev costs 0.5, 0.4, 0.3, 0.3, 0.35, 0.3, 0.31, 0.33 (ties); "
                    "patience = 3",
                ),
                Case(
                    "hidden-1",
                    "hidden",
                    1,
                    lambda: curve([2.0, 1.5, 1.6, 1.2, 1.25, 1.1, 1.15, 1.0, 1.05], 3, True),
                ),
                Case("hidden-2", "hidden", 1, lambda: curve([1.0, 0.95, 0.9, 0.85, 0.86, 0.5], 1)),
                Case(
                    "hidden-3",
                    "hidden",
                    1,
                    lambda: curve(
                        [
                            0.9,
                            0.85,
                            0.8,
                            0.82,
                            0.78,
                            0.79,
                            0.8,
                            0.76,
                            0.77,
                            0.7,
                            0.72,
                            0.75,
                            0.74,
                            0.8,
                        ],
                        4,
                    ),
                ),
                Case(
                    "hidden-4",
                    "hidden",
                    2,
                    lambda: curve([1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.75], 5, True),
                ),
                Case(
                    "hidden-5",  # a tie inside the wait: it must not reset it
                    "hidden",
                    1,
                    lambda: curve([1.6, 1.5, 1.2, 1.0, 0.9, 0.8, 0.9, 0.8, 0.9, 0.85, 0.7], 3),
                ),
                # Found in student-style code (notes/diag4), each passing every case above:
                Case(  # patience - 1 epochs without improvement stop it one epoch early
                    "hidden-6",
                    "hidden",
                    1,
                    lambda: curve(
                        [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.55, 0.56, 0.4, 0.45, 0.46, 0.47, 0.48], 3
                    ),
                ),
                Case(  # a tie neither improves nor counts toward patience
                    "hidden-7",
                    "hidden",
                    1,
                    lambda: curve(
                        [*DESCENT, 0.5, 0.6, 0.4, 0.45],
                        2,
                    ),
                ),
                Case(  # each epoch compared with the one before, not with the best
                    "hidden-8",
                    "hidden",
                    1,
                    lambda: curve([1.0, 0.5, 0.7, 0.6, 0.8, 0.4], 3),
                ),
                Case(  # an improvement smaller than a margin of the student's own
                    "hidden-9",
                    "hidden",
                    1,
                    lambda: curve(
                        [*DESCENT, 0.4995, 0.6, 0.61, 0.62],
                        3,
                    ),
                ),
            ),
        ),
    ),
)
