"""Setting up a learning problem: train/dev/test splits, input normalization with the training
set's statistics, reading bias and variance off train and dev errors, and early stopping.

Examples are columns, as everywhere in the course: X has shape (n_x, m), Y shape (1, m). Each
function stands alone because the tests paste its source into a student notebook's graded cell."""

from __future__ import annotations

import numpy as np


def split_data(X, Y, dev_fraction, test_fraction):
    # One permutation of the m examples (columns), shared by X and Y; the sizes are rounded
    # down; train takes what is left at the front, then dev, then test at the end.
    m = X.shape[1]
    perm = np.random.permutation(m)
    n_dev = int(m * dev_fraction)
    n_test = int(m * test_fraction)
    n_train = m - n_dev - n_test
    train = perm[:n_train]
    dev = perm[n_train : n_train + n_dev]
    test = perm[m - n_test :]
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test]


def normalization_stats(X):
    # Per feature (row), over the examples (columns): the mean, and the mean squared deviation
    # from it (the population variance, dividing by m), both of shape (n_x, 1).
    mu = np.mean(X, axis=1, keepdims=True)
    sigma2 = np.mean((X - mu) ** 2, axis=1, keepdims=True)
    return mu, sigma2


def normalize(X, mu, sigma2, epsilon=1e-8):
    # Subtract the mean, divide by the standard deviation (the square root of the variance);
    # epsilon keeps a constant feature from dividing by zero.
    return (X - mu) / np.sqrt(sigma2 + epsilon)


def normalize_splits(X_train, X_dev, X_test):
    # The training set's statistics, used for all three sets: dev and test go through the same
    # transformation as the data the model learns from.
    mu, sigma2 = normalization_stats(X_train)
    return (
        normalize(X_train, mu, sigma2),
        normalize(X_dev, mu, sigma2),
        normalize(X_test, mu, sigma2),
        mu,
        sigma2,
    )


def bias_variance(train_error, dev_error, base_error=0.0, threshold=0.05):
    # Avoidable bias: how far training error is above the best achievable (base) error.
    # Variance: how much worse the model does on data it has not seen.
    high_bias = train_error - base_error > threshold
    high_variance = dev_error - train_error > threshold
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "low bias and low variance"


def early_stopping(dev_costs, patience):
    # Track the lowest dev cost so far; an epoch that does not beat it strictly (an equal cost
    # is no improvement) adds one to the wait; `patience` such epochs in a row stop training,
    # and the best epoch seen is the one to keep.
    best = 0
    best_cost = dev_costs[0]
    wait = 0
    for epoch in range(1, len(dev_costs)):
        if dev_costs[epoch] < best_cost:
            best, best_cost, wait = epoch, dev_costs[epoch], 0
        else:
            wait += 1
            if wait >= patience:
                break
    return int(best)
