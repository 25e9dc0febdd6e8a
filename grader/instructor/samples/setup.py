"""The sample class's setup notebooks: catalogued mistakes typed as a student would type them,
several spellings each, mistakes outside the catalogue, and correct answers in other styles."""

from __future__ import annotations

from grader.instructor.samples._edits import Sample, Style

_PERM = "    perm = np.random.permutation(m)\n"
_SETS = "X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]"

# function, catalogue id, edits of the reference source that make the mistake.
MISTAKES: list[Sample] = [
    ("split_data", "split-no-shuffle", [(_PERM, "    perm = np.arange(m)\n")]),
    ("split_data", "split-no-shuffle", [(_PERM, "    perm = list(range(m))\n")]),
    (
        "split_data",
        "split-rows",
        [(_SETS, "X[train], Y[:, train], X[dev], Y[:, dev], X[test], Y[:, test]")],
    ),
    (
        "split_data",
        "split-rows",
        [
            (
                _PERM,
                "    X = np.random.permutation(X)  # shuffles the rows\n    perm = np.arange(m)\n",
            )
        ],
    ),
    (
        "split_data",
        "split-separate-shuffles",
        [
            (_PERM, _PERM + "    perm_y = np.random.permutation(m)\n"),
            ("Y[:, train]", "Y[:, perm_y[:n_train]]"),
            ("Y[:, dev]", "Y[:, perm_y[n_train : n_train + n_dev]]"),
            ("Y[:, test]", "Y[:, perm_y[m - n_test :]]"),
        ],
    ),
    ("split_data", "split-overlap", [("train = perm[:n_train]", "train = perm[: m - n_test]")]),
    (
        "split_data",
        "split-overlap",
        [("dev = perm[n_train : n_train + n_dev]", "dev = perm[:n_dev]")],
    ),
    ("split_data", "rng-reseed", [(_PERM, "    np.random.seed(0)\n" + _PERM)]),
    (
        "split_data",
        "rng-other-generator",
        [("np.random.permutation(m)", "np.random.default_rng().permutation(m)")],
    ),
    ("normalization_stats", "norm-wrong-axis", [("axis=1", "axis=0")]),
    (
        "normalization_stats",
        "norm-sample-variance",
        [
            (
                "sigma2 = np.mean((X - mu) ** 2, axis=1, keepdims=True)",
                "sigma2 = np.sum((X - mu) ** 2, axis=1, keepdims=True) / (X.shape[1] - 1)",
            )
        ],
    ),
    (
        "normalization_stats",
        "norm-sample-variance",
        [
            (
                "sigma2 = np.mean((X - mu) ** 2, axis=1, keepdims=True)",
                "sigma2 = np.var(X, axis=1, ddof=1, keepdims=True)",
            )
        ],
    ),
    ("normalize", "norm-divide-variance", [("np.sqrt(sigma2 + epsilon)", "(sigma2 + epsilon)")]),
    ("normalize", "norm-divide-variance", [("np.sqrt(sigma2 + epsilon)", "sigma2")]),
    ("normalize", "norm-no-center", [("(X - mu)", "X")]),
    (
        "normalize_splits",
        "norm-own-stats",
        [
            ("normalize(X_dev, mu, sigma2)", "normalize(X_dev, *normalization_stats(X_dev))"),
            ("normalize(X_test, mu, sigma2)", "normalize(X_test, *normalization_stats(X_test))"),
        ],
    ),
    (
        "normalize_splits",
        "norm-no-center",
        [
            ("normalize(X_train, mu, sigma2)", "X_train / np.sqrt(sigma2 + 1e-8)"),
            ("normalize(X_dev, mu, sigma2)", "X_dev / np.sqrt(sigma2 + 1e-8)"),
            ("normalize(X_test, mu, sigma2)", "X_test / np.sqrt(sigma2 + 1e-8)"),
        ],
    ),
    (
        "normalize_splits",
        "norm-divide-variance",
        [
            ("normalize(X_train, mu, sigma2)", "(X_train - mu) / sigma2"),
            ("normalize(X_dev, mu, sigma2)", "(X_dev - mu) / sigma2"),
            ("normalize(X_test, mu, sigma2)", "(X_test - mu) / sigma2"),
        ],
    ),
    (
        "normalize_splits",
        "norm-wrong-axis",
        [
            (
                "mu, sigma2 = normalization_stats(X_train)",
                "mu, sigma2 = X_train.mean(axis=0, keepdims=True), X_train.var(axis=0, keepdims=True)",
            )
        ],
    ),
    (
        "bias_variance",
        "bv-ignores-base",
        [("train_error - base_error > threshold", "train_error > threshold")],
    ),
    (
        "bias_variance",
        "bv-variance-from-zero",
        [("dev_error - train_error > threshold", "dev_error > threshold")],
    ),
    (
        "bias_variance",
        "bv-swapped",
        [
            ("high_bias = train_error - base_error", "high_variance = train_error - base_error"),
            ("high_variance = dev_error - train_error", "high_bias = dev_error - train_error"),
        ],
    ),
    (
        "early_stopping",
        "es-last-epoch",
        [
            (
                "                break\n    return int(best)",
                "                return epoch\n    return len(dev_costs) - 1",
            )
        ],
    ),
    (
        "early_stopping",
        "es-last-epoch",
        [("                break\n", "                return epoch\n")],
    ),
    ("early_stopping", "es-first-increase", [("if wait >= patience:", "if wait >= 1:")]),
    (
        "early_stopping",
        "es-ties-improve",
        [("dev_costs[epoch] < best_cost", "dev_costs[epoch] <= best_cost")],
    ),
]

# Mistakes no catalogue entry describes: they must lose marks without a false name.
UNCATALOGUED: list[Sample] = [
    (
        "split_data",
        "dev-test-swapped",
        [
            (
                "X[:, dev], Y[:, dev], X[:, test], Y[:, test]",
                "X[:, test], Y[:, test], X[:, dev], Y[:, dev]",
            )
        ],
    ),
    (
        "normalization_stats",
        "std-not-variance",
        [
            (
                "sigma2 = np.mean((X - mu) ** 2, axis=1, keepdims=True)",
                "sigma2 = np.std(X, axis=1, keepdims=True)",
            )
        ],
    ),
    ("early_stopping", "returns-cost", [("return int(best)", "return best_cost")]),
]

# Correct answers written differently from the reference.
STYLES: Style = {
    "split_data": """def split_data(X, Y, dev_fraction, test_fraction):
    m = X.shape[1]
    order = np.random.permutation(m)
    X, Y = X[:, order], Y[:, order]
    n_dev, n_test = int(m * dev_fraction), int(m * test_fraction)
    a, b = m - n_dev - n_test, m - n_test
    return X[:, :a], Y[:, :a], X[:, a:b], Y[:, a:b], X[:, b:], Y[:, b:]
""",
    "normalization_stats": """def normalization_stats(X):
    mu = X.mean(axis=1).reshape(-1, 1)
    sigma2 = X.var(axis=1).reshape(-1, 1)
    return mu, sigma2
""",
    "bias_variance": """def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    bias = (train_error - base_error) > threshold
    var = (dev_error - train_error) > threshold
    return {(True, True): "high bias and high variance", (True, False): "high bias",
            (False, True): "high variance", (False, False): "low bias and low variance"}[(bias, var)]
""",
    "early_stopping": """def early_stopping(dev_costs, patience):
    best, since = 0, 0
    for i, c in enumerate(dev_costs):
        if c < dev_costs[best]:
            best, since = i, 0
        elif i > 0:
            since += 1
            if since == patience:
                break
    return best
""",
}
