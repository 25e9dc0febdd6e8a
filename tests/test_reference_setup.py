"""The setup reference, each function checked against the contract by other means: splits as a
partition, statistics against a two-pass loop, normalized data by its moments on large draws,
bias_variance on the lectures' four cases, early stopping on hand-made curves."""

import inspect

import numpy as np
import pytest

import reference.setup as ref
from reference.setup import (
    bias_variance,
    early_stopping,
    normalization_stats,
    normalize,
    normalize_splits,
    split_data,
)

CONTRACT = {
    "split_data": ["X", "Y", "dev_fraction", "test_fraction"],
    "normalization_stats": ["X"],
    "normalize": ["X", "mu", "sigma2", "epsilon"],
    "normalize_splits": ["X_train", "X_dev", "X_test"],
    "bias_variance": ["train_error", "dev_error", "base_error", "threshold"],
    "early_stopping": ["dev_costs", "patience"],
}


def test_the_graded_functions_have_the_contracts_signatures():
    for name, params in CONTRACT.items():
        assert list(inspect.signature(getattr(ref, name)).parameters) == params
    assert inspect.signature(normalize).parameters["epsilon"].default == 1e-8
    assert inspect.signature(bias_variance).parameters["base_error"].default == 0.0
    assert inspect.signature(bias_variance).parameters["threshold"].default == 0.05


def _columns(X):
    return [tuple(col) for col in X.T]


@pytest.mark.parametrize(
    ("m", "dev", "test", "sizes"),
    [(20, 0.2, 0.1, (14, 4, 2)), (23, 0.2, 0.15, (16, 4, 3)), (10, 0.3, 0.0, (7, 3, 0))],
)
def test_split_is_a_partition_with_x_and_y_aligned(m, dev, test, sizes):
    rng = np.random.default_rng(m)
    X = rng.normal(size=(3, m))
    Y = np.arange(m, dtype=float)[None, :] * 10  # each example's own label
    np.random.seed(1)
    out = split_data(X, Y, dev, test)
    assert [a.shape for a in out] == [
        (3, sizes[0]),
        (1, sizes[0]),
        (3, sizes[1]),
        (1, sizes[1]),
        (3, sizes[2]),
        (1, sizes[2]),
    ]
    index = {col: j for j, col in enumerate(_columns(X))}
    seen = []
    for Xs, Ys in (out[0:2], out[2:4], out[4:6]):
        js = [index[col] for col in _columns(Xs)]
        assert list(Ys[0]) == [Y[0, j] for j in js]  # the same permutation for X and Y
        seen += js
    assert sorted(seen) == list(range(m))  # no example lost, none repeated


def test_split_uses_one_permutation_drawn_from_the_global_generator():
    X = np.arange(24.0).reshape(2, 12)
    Y = np.arange(12.0)[None, :]
    np.random.seed(7)
    perm = np.random.permutation(12)
    np.random.seed(7)
    X_train, _, X_dev, _, X_test, _ = split_data(X, Y, 0.25, 0.25)
    assert list(X_train[0]) == list(perm[:6]) and list(X_dev[0]) == list(perm[6:9])
    assert list(X_test[0]) == list(perm[9:])
    assert np.random.rand() == (np.random.seed(7), np.random.permutation(12), np.random.rand())[2]


def test_stats_match_a_two_pass_loop():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, 37)) * np.array([[1.0], [100.0], [0.01], [5.0]]) + 42
    mu, sigma2 = normalization_stats(X)
    assert mu.shape == sigma2.shape == (4, 1)
    for i in range(4):
        row = [float(v) for v in X[i]]
        mean = sum(row) / len(row)
        var = sum((v - mean) ** 2 for v in row) / len(row)  # over m, not m - 1
        assert mu[i, 0] == pytest.approx(mean, rel=1e-12)
        assert sigma2[i, 0] == pytest.approx(var, rel=1e-10)


def test_normalized_training_data_has_mean_0_and_variance_1():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, 200_000)) * np.array([[2.0], [300.0], [0.5]]) + np.array(
        [[1.0], [-50.0], [7.0]]
    )
    Xn = normalize(X, *normalization_stats(X))
    assert np.allclose(Xn.mean(axis=1), 0, atol=1e-9)
    assert np.allclose(Xn.var(axis=1), 1, atol=1e-6)
    assert np.allclose(normalize(X, 0.0, 4.0, epsilon=0.0), X / 2)  # by the sd, not the variance


def test_dev_and_test_use_the_training_statistics():
    rng = np.random.default_rng(5)
    X_train = rng.normal(size=(2, 500)) * 3 + 1
    X_dev = rng.normal(size=(2, 100)) * 3 + 4  # shifted: with its own stats it would look centred
    X_test = rng.normal(size=(2, 80))
    tr, dv, te, mu, sigma2 = normalize_splits(X_train, X_dev, X_test)
    assert np.allclose(mu, X_train.mean(axis=1, keepdims=True))
    assert np.allclose(sigma2, X_train.var(axis=1, keepdims=True))
    assert np.allclose(dv, (X_dev - mu) / np.sqrt(sigma2 + 1e-8))
    assert np.allclose(te, (X_test - mu) / np.sqrt(sigma2 + 1e-8))
    assert dv.mean() > 0.5  # the shift survives: dev was not re-centred on itself
    assert np.allclose(tr.mean(axis=1), 0)


@pytest.mark.parametrize(
    ("train", "dev", "verdict"),
    [
        (0.01, 0.11, "high variance"),
        (0.15, 0.16, "high bias"),
        (0.15, 0.30, "high bias and high variance"),
        (0.005, 0.01, "low bias and low variance"),
    ],
)
def test_bias_variance_on_the_lectures_four_cases(train, dev, verdict):
    assert bias_variance(train, dev) == verdict
    assert bias_variance(train, dev, base_error=0.0, threshold=0.05) == verdict


def test_bias_is_measured_from_the_base_error_and_the_threshold_is_strict():
    assert bias_variance(0.15, 0.16, base_error=0.14) == "low bias and low variance"
    assert bias_variance(0.08, 0.20, base_error=0.06) == "high variance"
    assert bias_variance(0.03, 0.045, threshold=0.01) == "high bias and high variance"
    assert bias_variance(0.5, 0.75, threshold=0.25) == "high bias"  # 0.25 does not exceed 0.25


@pytest.mark.parametrize(
    ("costs", "patience", "best"),
    [
        ([1.0, 0.8, 0.82, 0.7, 0.65, 0.66, 0.67, 0.69, 0.6], 3, 4),  # stops before the 0.6
        ([0.5, 0.4, 0.3, 0.3, 0.35, 0.3, 0.31, 0.33], 3, 2),  # ties are no improvement
        ([2.0, 1.5, 1.6, 1.2, 1.25, 1.1, 1.15, 1.0, 1.05], 3, 7),  # never stops: overall minimum
        ([1.0, 0.95, 0.9, 0.85, 0.86, 0.5], 1, 3),
        ([0.7, 0.5, 0.6, 0.65, 0.55, 0.58, 0.9], 4, 1),
        ([1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.75], 5, 6),  # a tie at the end, no stop
        ([3.0, 3.0, 3.0], 5, 0),  # flat: the first epoch
        ([0.4], 2, 0),
    ],
)
def test_early_stopping_on_hand_made_curves(costs, patience, best):
    assert early_stopping(costs, patience) == best
    assert early_stopping(np.array(costs), patience) == best
    assert type(early_stopping(np.array(costs), patience)) is int


def test_the_notebooks_demonstrations_teach_their_lesson(capsys):
    """The solved notebook's cells, demos included, run as plain Python: normalized inputs reach
    a much lower cost in the same number of steps, and early stopping keeps the dev minimum,
    well before the last epoch and below the final dev cost."""
    import matplotlib

    matplotlib.use("Agg")
    from reference.solved import solved_notebook

    ns: dict = {}
    for cell in solved_notebook("setup").cells:
        if cell.cell_type != "code" or "check(" in cell.source:
            continue
        exec("\n".join(ln for ln in cell.source.splitlines() if not ln.startswith("%")), ns)
    raw, normalized = ns["raw"], ns["normalized"]
    assert len(raw) == len(normalized) and normalized[-1] < raw[-1] / 10
    dev, stop = ns["dev_costs"], ns["stop"]
    assert stop == int(np.argmin(dev)) and 0 < stop < len(dev) // 2
    assert dev[stop] < 0.9 * dev[-1] and ns["train_costs"][-1] < ns["train_costs"][stop]
    out = capsys.readouterr().out
    assert "cost after 100 steps: raw inputs" in out and f"keeps epoch {stop}" in out
